/**
 * The container of one app build: the framework's own values (SETTINGS, LOGGER,
 * TEMPLATES), the app's providers, controllers, middleware and exception handler, with
 * the app's overrides on top. Everything is validated here (missing bindings, cycles).
 */
import { AppContainer } from '../di/container-builder';
import { APP, LOGGER, SETTINGS } from '../di/injectable';
import { classPlan, normaliseProvider, type Provider, type ProviderPlan } from '../di/providers';
import type { ExceptionHandler } from '../kernel/exception-response';
import type { Class, Token } from '../metadata/keys';
import type { Logger } from '../observability/logger';
import { TEMPLATES, type Templates } from '../templates/templates';
import { Cache } from '../cache/cache';
import { Mailer } from '../mail/mailer';
import { MailTasks } from '../mail/mail-tasks';
import { TaskQueue } from '../tasks/task-queue';
import { Channels } from '../realtime/channels';
import { Signals } from '../signals/signals';
import type { Settings } from './settings';

/** What an app is made of, after discovery. */
export interface AppParts {
  controllers: Class[];
  middleware: Class[];
  providers: Provider[];
  overrides: ReadonlyMap<Token, unknown>;
  /** The app's own error responses (a class the container builds). */
  exceptionHandler?: Class<ExceptionHandler>;
  /** TypeORM entities (models); none means no ORM is loaded. */
  entities?: Function[];
  /** Migration classes from the app's parts (`authApp()`'s), besides settings.migrations. */
  migrations?: Function[];
  /** `@Command` classes (built by the container when run). */
  commands?: Class[];
}

export interface ContainerInputs {
  parts: AppParts;
  middleware: readonly Class[];
  overrides: ReadonlyMap<Token, unknown>;
  settings: Readonly<Settings>;
  logger: Logger;
  templates: Templates;
  /** The App being built (bound as APP). */
  app: object;
  /** Values bound by token (the database's DATA_SOURCE, ENTITY_MANAGER and repositories). */
  values: ReadonlyArray<readonly [Token, string, unknown]>;
}

function value(token: Token, label: string, of: unknown): ProviderPlan {
  return { token, scope: 'singleton', deps: [], build: () => of, value: { value: of }, label };
}

export function buildAppContainer(inputs: ContainerInputs): AppContainer {
  const { parts } = inputs;
  const handler = parts.exceptionHandler;
  const providers: ProviderPlan[] = [
    value(SETTINGS, 'SETTINGS', inputs.settings),
    value(LOGGER, 'LOGGER', inputs.logger),
    value(TEMPLATES, 'TEMPLATES', inputs.templates),
    value(APP, 'APP', inputs.app),
    ...inputs.values.map(([token, label, of]) => value(token, label, of)),
    classPlan(Mailer, 'singleton'), // built when first injected; an app's own provider for Mailer replaces it
    classPlan(Cache, 'singleton'), // the backend is made at first use
    classPlan(TaskQueue, 'singleton'), // so is the task backend
    classPlan(MailTasks, 'singleton'),
    classPlan(Signals, 'singleton'),
    classPlan(Channels, 'singleton'), // WebSocket rooms; Redis only for channelsBackend 'redis'
    ...parts.providers.map(normaliseProvider),
    ...parts.controllers.map((c) => classPlan(c, 'singleton')),
    ...(parts.commands ?? []).map((c) => classPlan(c, 'singleton')),
    ...inputs.middleware.map((m) => classPlan(m, 'singleton')),
    ...(handler === undefined ? [] : [classPlan(handler, 'singleton')]),
  ];
  return new AppContainer({ providers, bubbling: new Set(parts.controllers), overrides: inputs.overrides });
}
