/**
 * App: one configured Rondo application, and only its wiring. It owns its container,
 * route table and kernel (nothing is shared between two apps in one process); serving
 * (servers, cluster, signals) is server/serving.ts, the request cycle is the kernel.
 */
import type { Container } from '../di/container-builder';
import { CookieSigning } from '../http/cookie-signing';
import type { HttpRequest, RequestInit } from '../http/request';
import type { HttpResponse } from '../http/response';
import type { MaybePromise } from '../http/maybe-promise';
import type { Token } from '../metadata/keys';
import type { Logger } from '../observability/logger';
import { registerReverseTable } from '../routing/reverse';
import { requestListener, type ListenOptions, type ServerHandle } from '../server/node-server';
import { Serving } from '../server/serving';
import { Templates } from '../templates/templates';
import { buildApp, type BuiltApp } from './app-build';
import type { AppParts } from './app-container';
import { AppResources } from './app-resources';
import { explainRequest, type Explanation } from './explain';
import { LifecycleHooks } from './lifecycle-hooks';
import { RequestFactory } from './request-factory';
import { routeInfos, type RouteInfo } from './route-compiler';
import type { Settings } from './settings';
import type { CommandIO } from '../management/command';
import { CommandUsageError, commandTable, runCommand, type CommandInfo } from '../management/run-command';
import type { OpenApiDocument, OpenApiOptions } from '../openapi/document';
import { taskTable, type TaskInfo } from '../tasks/task';
import { MailTasks } from '../mail/mail-tasks';
import { Signals } from '../signals/signals';

export type { AppParts, RouteInfo };

export class App {
  readonly settings: Readonly<Settings>;
  readonly logger: Logger;
  /** The app's templates (engine and context processors). */
  readonly templates: Templates;
  private readonly parts: AppParts;
  private readonly overrides: Map<Token, unknown>;
  private readonly requests: RequestFactory;
  private readonly signing: CookieSigning;
  private readonly serving: Serving;
  private readonly hooks = new LifecycleHooks();
  /** Database, rate limits and status: kept across rebuilds. */
  private readonly resources: AppResources;
  /** The current build: container, routes, the cycle (see app-build.ts). */
  private built!: BuiltApp;
  private unregister: () => void = () => undefined;
  /** The `@Command` classes by name (two with one name fail here, at start-up). */
  private readonly commandsByName: ReadonlyMap<string, CommandInfo>;
  /** The `@Task` methods of the app's services and controllers, by name (checked at start-up). */
  private readonly tasksByName: ReadonlyMap<string, TaskInfo>;

  /** @internal Made by createApp. */
  constructor(settings: Settings, parts: AppParts, logger: Logger) {
    this.settings = Object.freeze(settings);
    this.logger = logger;
    this.parts = parts;
    this.overrides = new Map(parts.overrides);
    this.signing = new CookieSigning(settings);
    this.requests = new RequestFactory(settings, this.signing);
    this.templates = new Templates(settings.templates, {
      debug: settings.debug,
      staticUrl: settings.staticUrl,
      reverse: (name, params) => this.reverse(name, params),
    });
    this.resources = new AppResources(settings, parts.entities, parts.migrations, logger);
    this.serving = new Serving({
      app: this,
      limits: settings,
      hosts: settings,
      logger,
      status: this.resources.status,
      afterDrain: () => this.shutdown(),
    });
    this.commandsByName = commandTable(parts.commands ?? []);
    this.tasksByName = taskTable([
      MailTasks,
      ...parts.providers.filter((provider) => typeof provider === 'function'),
      ...parts.controllers,
    ]);
    this.build();
  }

  /** The app's tasks (`@Task` methods), by name: TaskQueue enqueues them, `rondo worker` runs them. */
  tasks(): ReadonlyMap<string, TaskInfo> {
    return this.tasksByName;
  }

  /** The app's commands (`@Command` classes), by name: `rondo <name>` runs one. */
  commands(): ReadonlyMap<string, CommandInfo> {
    return this.commandsByName;
  }

  /**
   * Runs the command `name` with its command line (`['--since', '2026-12-01']`): options
   * parsed and validated against its DTO (a CommandUsageError names what is wrong), then
   * its `run` on the instance this app's container builds. Resolves to the exit code.
   */
  runCommand(name: string, argv: readonly string[], io: Omit<CommandIO, 'args'>): Promise<number> {
    const info = this.commandsByName.get(name);
    if (info === undefined)
      return Promise.reject(
        new CommandUsageError(
          `The app has no command '${name}' (it has: ${[...this.commandsByName.keys()].join(', ') || 'none'})`,
        ),
      );
    const container = this.container;
    return runCommand(info, argv, io, {
      instantiate: (cls) => container.get<unknown>(cls),
      resolve: (cls) => (container.isBound(cls) ? container.get<unknown>(cls) : undefined),
    });
  }

  /** The app's root inversify container. */
  get container(): Container {
    return this.built.container.container;
  }

  /** Every route, in declaration order. */
  routes(): RouteInfo[] {
    return routeInfos(this.built.routes);
  }

  /**
   * The OpenAPI 3.1 document of the app's routes (or those `options.include` names): paths,
   * parameters and bodies from the converters and DTOs, responses from `@ApiResponse` and
   * the framework's own errors. Built on each call; rondo/openapi's views keep one.
   */
  openapi(options?: OpenApiOptions): OpenApiDocument {
    // Loaded on first use: an app that never asks for its document never loads the library.
    const { buildOpenApi } = require('../openapi/document') as typeof import('../openapi/document');
    return buildOpenApi(this, options);
  }

  /** The effective pipeline of one request (`rondo routes --explain GET /posts/42`). */
  explain(method: string, path: string): Explanation {
    return explainRequest(this.built.explain, method, path);
  }

  /** Builds an HttpRequest bound to this app (adapters call this). */
  createRequest(init: RequestInit): HttpRequest {
    return this.requests.create(init);
  }

  /** Runs one request through the whole cycle. Never rejects: errors are responses. */
  handle(request: HttpRequest): MaybePromise<HttpResponse> {
    return this.built.handle(request);
  }

  /** A `(req, res)` listener for `http.createServer(app.handler)`. */
  get handler() {
    return requestListener(this);
  }

  /** Starts an HTTP server. `{ port: 0 }` picks a free port (see `server.port`). */
  listen(options: ListenOptions = {}): Promise<ServerHandle> {
    return this.serving.listen(options);
  }

  /** Stops serving (draining workers and in-flight requests), then runs the onShutdown hooks. */
  close(): Promise<void> {
    return this.serving.close();
  }

  /** Renders a template without a request (mail, exports). */
  renderToString(name: string, context: Record<string, unknown> = {}): string {
    return this.templates.renderToString(name, context);
  }

  /** URL of a named route of this app. */
  reverse(name: string, params?: Record<string, unknown>): string {
    return this.built.routes.reverse(name, params);
  }

  /** Replaces a binding (service, controller or middleware) with `value`, rebuilding the app. */
  override(token: Token, value: unknown): this {
    this.overrides.set(token, value);
    this.build();
    return this;
  }

  /** Removes every override made with `override`. */
  resetOverrides(): this {
    this.overrides.clear();
    for (const [token, value] of this.parts.overrides) this.overrides.set(token, value);
    this.build();
    return this;
  }

  /** Runs the `onStartup()` hooks of services, middleware and controllers (createApp calls it). */
  async startup(): Promise<void> {
    await this.resources.open();
    try {
      const database = this.resources.database;
      if (database !== undefined) {
        const { registerSubscribers } =
          require('../signals/entity-signals') as typeof import('../signals/entity-signals');
        const classes = [...this.parts.providers.filter((provider) => typeof provider === 'function')];
        registerSubscribers(
          database.dataSource,
          () => this.container.get(Signals),
          classes,
          (cls) => this.container.get<object>(cls),
        );
      }
      await this.hooks.startup();
    } catch (error) {
      // createApp rejects: nothing it opened may outlive it (a connected database keeps the process alive).
      await this.resources.close();
      throw error;
    }
  }

  /** The onShutdown hooks, the database, then the standalone `reverse` forgets this app. */
  private async shutdown(): Promise<boolean> {
    const hooksClean = await this.hooks.shutdown(this.logger);
    const closed = await this.resources.close();
    this.unregister();
    return hooksClean && closed;
  }

  private build(): void {
    const { settings, parts, overrides, logger, templates, resources, hooks, requests, signing } = this;
    this.built = buildApp({
      settings,
      parts,
      overrides,
      logger,
      templates,
      resources,
      hooks,
      requests,
      signing,
      app: this,
    });
    this.unregister();
    this.unregister = registerReverseTable(this.built.routes);
  }
}
