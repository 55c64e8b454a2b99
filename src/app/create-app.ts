/**
 * createApp: settings, discovery, and a fully validated App. Every configuration mistake
 * rejects here with ImproperlyConfigured, before a request is served.
 */
import type { Provider } from '../di/providers';
import type { ExceptionHandler } from '../kernel/exception-response';
import { jsonLogger } from '../observability/json-logger';
import { consoleLogger, type Logger } from '../observability/logger';
import type { Class, Token } from '../metadata/keys';
import { App } from './app';
import { discover } from './discovery';
import { duplicatePackageWarnings } from './package-copies';
import { resolveSettings } from './default-settings';
import { randomBytes } from 'node:crypto';
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { SettingsInput } from './settings';

/**
 * A reusable part of an app (Django's installed app, NestJS's module): its controllers,
 * models, services, middleware and template folders. rondo/auth's `authApp()` is one.
 */
export interface AppModule {
  controllers?: Class[];
  entities?: Function[];
  providers?: Provider[];
  middleware?: Class[];
  /** Template folders searched after settings.templates.dirs (the app's own templates override them by name). */
  templateDirs?: string[];
  /** Migration classes the part brings (applied by `rondo migrate` with the app's own, in timestamp order). */
  migrations?: Function[];
  /** `@Command` classes the part brings (`rondo <name>`). */
  commands?: Class[];
}

export interface CreateAppOptions {
  /** Parts merged into the app, in order: `apps: [authApp({ views: true })]`. */
  apps?: AppModule[];
  /** Overrides of the defaults (see docs/reference/settings.md). */
  settings?: SettingsInput;
  /** Folders, files or globs of compiled modules to import (relative to `baseDir`). */
  discover?: string[];
  /** Where relative `discover` entries start. Default: process.cwd(). */
  baseDir?: string;
  controllers?: Class[];
  /** `@Command` classes besides the discovered ones (`rondo <name>` runs them). */
  commands?: Class[];
  /** TypeORM entities (models) besides the discovered ones; an app with none loads no ORM. */
  entities?: Function[];
  /** Middleware in addition to `settings.middleware`. */
  middleware?: Class[];
  /** Services: classes, or `{ provide, useValue | useClass | useFactory }`. */
  providers?: Provider[];
  /** Bindings replaced by values (tests). */
  overrides?: Iterable<readonly [Token, unknown]>;
  /** The app's own error responses: a class with `handle(request, error)`, built by the container. */
  exceptionHandler?: Class<ExceptionHandler>;
  /** Default: a console logger on stderr. */
  logger?: Logger;
  /** Environment for settings overrides. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Creates an app, validating everything first.
 *
 * @example
 * const app = await createApp({ settings: { debug: true }, discover: ['dist/controllers'] });
 * const server = await app.listen({ port: 8000 });
 */
export async function createApp(options: CreateAppOptions = {}): Promise<App> {
  const spread = (['templateDirs', 'migrations'] as const).filter((key) => key in options);
  if (spread.length > 0) {
    // `createApp({ ...authApp() })` would drop the part's templates and migrations without a word.
    throw new ImproperlyConfigured(
      'APP_MODULE_SPREAD',
      `createApp() got ${spread.join(' and ')}, which only an app part carries: pass the part as createApp({ apps: [authApp()] }) instead of spreading it into the options`,
    );
  }
  const settings = resolveSettings(options.settings, options.env ?? process.env);
  const logger =
    options.logger ??
    (settings.logFormat === 'json'
      ? jsonLogger({ verbose: settings.debug })
      : consoleLogger({ verbose: settings.debug }));
  if (settings.debug && settings.secretKey === '') {
    // Development without a key: one per process, so the first run works (sessions end at each restart).
    settings.secretKey = randomBytes(48).toString('base64url');
    logger.warn(
      'settings.secretKey is empty: debug is on, so a random key is used until this process ends (sessions and signed cookies do not survive a restart). Set RONDO_SECRET_KEY; with debug off an empty key is an error',
    );
  }
  for (const warning of duplicatePackageWarnings(options.baseDir ?? process.cwd())) logger.warn(warning);
  const found = await discover(options.discover ?? [], options.baseDir ?? process.cwd());
  const unique = <T>(items: T[]) => [...new Set(items)];
  const apps = [...(options.apps ?? [])];
  if (settings.sessionEngine === 'database' && settings.sessionStore === null) {
    // Django's django.contrib.sessions: the engine brings its table (entity and migration).
    apps.push(
      (require('../sessions/database-store') as typeof import('../sessions/database-store')).databaseSessionPart(),
    );
  }
  if (settings.tasksBackend === 'database') {
    // The database backend brings its tables (entities and migration), as the session engine does.
    apps.push(
      (require('../tasks/backends/database') as typeof import('../tasks/backends/database')).databaseTasksPart(),
    );
  }
  const fromApps = <K extends 'controllers' | 'entities' | 'providers' | 'middleware' | 'commands'>(
    key: K,
  ): NonNullable<AppModule[K]> => apps.flatMap((part) => (part[key] ?? []) as unknown[]) as NonNullable<AppModule[K]>;
  settings.templates = {
    ...settings.templates,
    dirs: [...settings.templates.dirs, ...apps.flatMap((part) => part.templateDirs ?? [])],
  };
  const app = new App(
    settings,
    {
      controllers: unique([...fromApps('controllers'), ...(options.controllers ?? []), ...found.controllers]),
      middleware: unique([
        ...settings.middleware,
        ...fromApps('middleware'),
        ...(options.middleware ?? []),
        ...found.middleware,
      ]),
      providers: [...found.injectables, ...fromApps('providers'), ...(options.providers ?? [])],
      overrides: new Map(options.overrides ?? []),
      exceptionHandler: options.exceptionHandler,
      entities: unique([...fromApps('entities'), ...(options.entities ?? []), ...found.entities]),
      migrations: apps.flatMap((part) => part.migrations ?? []),
      commands: unique([...fromApps('commands'), ...(options.commands ?? []), ...found.commands]),
    },
    logger,
  );
  await app.startup();
  return app;
}
