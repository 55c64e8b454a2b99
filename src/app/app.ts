/**
 * App: one configured Rondo application, and only its wiring. It owns its container,
 * route table and kernel (nothing is shared between two apps in one process); serving
 * (servers, cluster, signals) is server/serving.ts, the request cycle is the kernel.
 */
import { AppContainer, type Container } from '../di/container-builder';
import { LOGGER, SETTINGS } from '../di/injectable';
import { classPlan, normaliseProvider, type Provider, type ProviderPlan } from '../di/providers';
import { CookieSigning } from '../http/cookie-signing';
import type { HttpRequest, RequestInit } from '../http/request';
import type { HttpResponse } from '../http/response';
import type { MaybePromise } from '../kernel/chain';
import type { ExceptionHandler } from '../kernel/exception-response';
import { Kernel } from '../kernel/kernel';
import type { Class, Token } from '../metadata/keys';
import type { Logger } from '../observability/logger';
import { registerReverseTable } from '../routing/reverse';
import type { RouteTable } from '../routing/route-table';
import { requestListener, type ListenOptions, type ServerHandle } from '../server/node-server';
import { Serving } from '../server/serving';
import type { CompiledView } from '../kernel/view-compiler';
import { TEMPLATES, Templates } from '../templates/templates';
import { exceptionConverter } from '../kernel/exception-response';
import { URL_RESOLVER } from '../routing/url-resolver';
import { VALIDATION } from '../validation/dto-arguments';
import { LifecycleHooks } from './lifecycle-hooks';
import { instantiateMiddleware, orderMiddleware } from './middleware-stack';
import { RequestFactory } from './request-factory';
import { buildRouteTable, jsonErrorPrefixes } from './route-compiler';
import { addStaticRoute } from './static-route';
import type { Settings } from './settings';

/** What an app is made of, after discovery. */
export interface AppParts {
  controllers: Class[];
  middleware: Class[];
  providers: Provider[];
  overrides: ReadonlyMap<Token, unknown>;
  /** The app's own error responses (a class the container builds). */
  exceptionHandler?: Class<ExceptionHandler>;
}

/** A route as `rondo routes` and the debug 404 page show it. */
export interface RouteInfo {
  path: string;
  methods: readonly string[];
  name: string | undefined;
  view: string;
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
  private appContainer!: AppContainer;
  private routeTable!: RouteTable<CompiledView>;
  private kernel!: Kernel;
  private unregister: () => void = () => undefined;

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
    this.serving = new Serving({ app: this, limits: settings, logger, afterDrain: () => this.shutdown() });
    this.build();
  }

  /** The app's root inversify container. */
  get container(): Container {
    return this.appContainer.container;
  }

  /** Every route, in declaration order. */
  routes(): RouteInfo[] {
    return this.routeTable.list().map((r) => ({ path: r.path, methods: r.methods, name: r.name, view: r.source }));
  }

  /** Builds an HttpRequest bound to this app (adapters call this). */
  createRequest(init: RequestInit): HttpRequest {
    return this.requests.create(init);
  }

  /** Runs one request through the whole cycle. Never rejects: errors are responses. */
  handle(request: HttpRequest): MaybePromise<HttpResponse> {
    return this.kernel.handle(request);
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
  startup(): Promise<void> {
    return this.hooks.startup();
  }

  /** The onShutdown hooks, then the standalone `reverse` forgets this app. */
  private async shutdown(): Promise<boolean> {
    const clean = await this.hooks.shutdown(this.logger);
    this.unregister();
    return clean;
  }

  private build(): void {
    const ordered = orderMiddleware(this.parts.middleware);
    const value = (token: Token, label: string, of: unknown): ProviderPlan =>
      ({ token, scope: 'singleton', deps: [], build: () => of, value: { value: of }, label });
    const handler = this.parts.exceptionHandler;
    const providers: ProviderPlan[] = [
      value(SETTINGS, 'SETTINGS', this.settings),
      value(LOGGER, 'LOGGER', this.logger),
      value(TEMPLATES, 'TEMPLATES', this.templates),
      ...this.parts.providers.map(normaliseProvider),
      ...this.parts.controllers.map((c) => classPlan(c, 'singleton')),
      ...ordered.map((m) => classPlan(m.cls, 'singleton')),
      ...(handler === undefined ? [] : [classPlan(handler, 'singleton')]),
    ];
    const container = new AppContainer({ providers, bubbling: new Set(this.parts.controllers), overrides: this.overrides });
    const routes = buildRouteTable(this.parts.controllers, container);
    addStaticRoute(routes, this.settings);
    const middleware = instantiateMiddleware(ordered, container);
    this.hooks.collect(container);
    // What layers reach through the request (typed keys, no casts): see request.service().
    this.requests.provide(TEMPLATES, this.templates);
    this.requests.provide(URL_RESOLVER, { resolves: (rawPath) => routes.match('GET', rawPath).kind !== 'none' });
    this.requests.provide(VALIDATION, {
      forbidUnknown: this.settings.validationForbidUnknown,
      maxDepth: this.settings.validationMaxDepth,
      resolve: (cls) => (container.container.isBound(cls as never) ? container.get(cls as never) : undefined),
    });
    this.kernel = new Kernel({
      routes,
      middleware,
      convert: exceptionConverter({
        debug: this.settings.debug,
        settings: this.settings,
        logger: this.logger,
        patterns: () => this.routes(),
        handler: handler === undefined ? undefined : (container.get(handler as never) as ExceptionHandler),
        jsonErrors: this.settings.jsonErrors || jsonErrorPrefixes(this.parts.controllers),
      }),
      finish: this.signing.signPending,
    });
    this.appContainer = container;
    this.routeTable = routes;
    this.unregister();
    this.unregister = registerReverseTable(routes);
  }
}
