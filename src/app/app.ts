/**
 * App: one configured Rondo application, and only its wiring. It owns its container,
 * route table and kernel (nothing is shared between two apps in one process); serving
 * (servers, cluster, signals) is server/serving.ts, the request cycle is the kernel.
 */
import type { AppContainer, Container } from '../di/container-builder';
import { CookieSigning } from '../http/cookie-signing';
import type { HttpRequest, RequestInit } from '../http/request';
import type { HttpResponse } from '../http/response';
import type { MaybePromise } from '../kernel/chain';
import { exceptionConverter, type ExceptionHandler } from '../kernel/exception-response';
import { Kernel } from '../kernel/kernel';
import type { CompiledView } from '../kernel/view-compiler';
import type { Token } from '../metadata/keys';
import type { Logger } from '../observability/logger';
import { registerReverseTable } from '../routing/reverse';
import type { RouteTable } from '../routing/route-table';
import { requestListener, type ListenOptions, type ServerHandle } from '../server/node-server';
import { Serving } from '../server/serving';
import { Templates } from '../templates/templates';
import { databaseFor, databaseValues } from '../db/app-database';
import { AppStatus } from '../server/app-status';
import { wrapAtomicViews } from '../db/atomic';
import type { Database } from '../db/database';
import { captureQueries, capturedQueries } from '../db/query-log';
import { buildAppContainer, type AppParts } from './app-container';
import { explainRequest, type ExplainParts, type Explanation } from './explain';
import { LifecycleHooks } from './lifecycle-hooks';
import { checkViewNeeds, instantiateMiddleware, orderMiddleware } from './middleware-stack';
import { RequestFactory } from './request-factory';
import { buildRouteTable, jsonErrorPrefixes } from './route-compiler';
import type { Settings } from './settings';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { addStaticRoute } from './static-route';
import { RateLimits } from '../ratelimit/rate-limit';

export type { AppParts };

/** A route as `rondo routes` and the debug 404 page show it. */
export interface RouteInfo {
  path: string;
  methods: readonly string[];
  name: string | undefined;
  view: string;
  /** The controller class and method behind `view` (for tools such as `rondo check`). */
  controller: Function;
  methodName: string;
}

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
  private readonly rateLimits: RateLimits;
  /** The models' database; undefined for an app without entities. */
  private readonly database: Database | undefined;
  /** Debug on and models declared: each request records its SQL. */
  private readonly debugSql: boolean;
  private appContainer!: AppContainer;
  private routeTable!: RouteTable<CompiledView>;
  private kernel!: Kernel;
  private explainParts!: ExplainParts;
  private unregister: () => void = () => undefined;
  private readonly values: ReadonlyArray<readonly [Token, string, unknown]>;

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
    this.database = databaseFor(settings, parts.entities, parts.migrations);
    this.rateLimits = new RateLimits(settings, logger);
    const status = new AppStatus();
    this.values = [...databaseValues(this.database, parts.entities), [RateLimits, 'RateLimits', this.rateLimits], [AppStatus, 'AppStatus', status]];
    this.debugSql = settings.debug && this.database !== undefined;
    this.serving = new Serving({ app: this, limits: settings, logger, status, afterDrain: () => this.shutdown() });
    this.build();
  }

  /** The app's root inversify container. */
  get container(): Container {
    return this.appContainer.container;
  }

  /** Every route, in declaration order. */
  routes(): RouteInfo[] {
    return this.routeTable.list().map((r) => ({ path: r.path, methods: r.methods, name: r.name, view: r.source, controller: r.handler.info.controller, methodName: r.handler.info.methodName }));
  }

  /** The effective pipeline of one request (`rondo routes --explain GET /posts/42`). */
  explain(method: string, path: string): Explanation {
    return explainRequest(this.explainParts, method, path);
  }

  /** Builds an HttpRequest bound to this app (adapters call this). */
  createRequest(init: RequestInit): HttpRequest {
    return this.requests.create(init);
  }

  /** Runs one request through the whole cycle. Never rejects: errors are responses. */
  handle(request: HttpRequest): MaybePromise<HttpResponse> {
    if (this.debugSql && capturedQueries() === undefined) {
      return captureQueries(() => this.kernel.handle(request)).then(({ result }) => result); // the debug 500 page lists the SQL
    }
    return this.kernel.handle(request);
  }

  /** A `(req, res)` listener for `http.createServer(app.handler)`. */
  get handler() {
    return requestListener(this);
  }

  /** Starts an HTTP server. `{ port: 0 }` picks a free port (see `server.port`). */
  listen(options: ListenOptions = {}): Promise<ServerHandle> {
    if (!this.settings.debug && this.settings.allowedHosts.length === 0) {
      return Promise.reject(new ImproperlyConfigured('ALLOWED_HOSTS_EMPTY',
        "settings.allowedHosts is empty and debug is off, so every request would be a 400 (DisallowedHost). List the host names the site serves (allowedHosts: ['example.com', 'localhost'], or RONDO_ALLOWED_HOSTS=example.com), or turn debug on for local development (it then allows localhost, 127.0.0.1 and [::1])"));
    }
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
    return this.routeTable.reverse(name, params);
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
    await this.database?.connect();
    await this.hooks.startup();
  }

  /** The onShutdown hooks, then the standalone `reverse` forgets this app. */
  private async shutdown(): Promise<boolean> {
    let clean = await this.hooks.shutdown(this.logger);
    try {
      await this.database?.close();
    } catch (error) {
      clean = false;
      this.logger.error('Closing the database failed', error);
    }
    await this.rateLimits.close();
    this.unregister();
    return clean;
  }

  private build(): void {
    const ordered = orderMiddleware(this.parts.middleware);
    const { settings, logger, templates, parts } = this;
    const container = buildAppContainer({ parts, middleware: ordered.map((m) => m.cls), overrides: this.overrides, settings, logger, templates, values: this.values });
    const routes = buildRouteTable(parts.controllers, container);
    checkViewNeeds(routes, ordered);
    addStaticRoute(routes, settings);
    if (this.database !== undefined) wrapAtomicViews(routes, this.database, settings.atomicRequests);
    this.rateLimits.wrap(routes); // outside the transaction: a refused request opens none
    const middleware = instantiateMiddleware(ordered, container);
    this.hooks.collect(container);
    this.requests.provideAppServices({ settings, templates, routes, container });
    const handler = parts.exceptionHandler === undefined ? undefined : (container.get(parts.exceptionHandler as never) as ExceptionHandler);
    const jsonErrors = settings.jsonErrors || jsonErrorPrefixes(parts.controllers);
    const convert = exceptionConverter({ debug: settings.debug, settings, logger, patterns: () => this.routes(), handler, jsonErrors });
    this.kernel = new Kernel({ routes, middleware, convert, finish: this.signing.signPending });
    this.appContainer = container;
    this.routeTable = routes;
    this.explainParts = { routes, ordered, layers: middleware, container };
    this.unregister();
    this.unregister = registerReverseTable(routes);
  }
}
