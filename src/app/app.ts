/**
 * App: one configured Rondo application. It owns its container, route table and kernel
 * (nothing is shared between two apps in one process) and serves through node:http or
 * in process (TestClient).
 */
import type { Container } from 'inversify';
import { AppContainer } from '../di/container-builder';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { LOGGER, SETTINGS } from '../di/injectable';
import { classPlan, normaliseProvider, type Provider, type ProviderPlan } from '../di/providers';
import { HostPolicy } from '../http/host-validation';
import { StaticFiles } from '../http/static-files';
import { multipartParser } from '../http/multipart';
import { Signer } from '../http/signing';
import { isPromise } from '../kernel/chain';
import { HttpRequest, type RequestInit, type RequestOptions } from '../http/request';
import { HttpResponse } from '../http/response';
import type { MaybePromise } from '../kernel/chain';
import { Kernel } from '../kernel/kernel';
import type { Logger } from '../kernel/logger';
import type { CompiledView } from '../kernel/view-compiler';
import type { Class, Token } from '../metadata/keys';
import { registerReverseTable } from '../routing/reverse';
import type { RouteTable } from '../routing/route-table';
import { isRondoWorker, isWorker, superviseWorkers, type ClusterHandle } from '../server/cluster';
import { requestListener, startServer, type ListenOptions, type RunningServer, type ServerHandle } from '../server/node-server';
import { onShutdownSignal } from '../server/signals';
import { instantiateMiddleware, orderMiddleware } from './middleware-stack';
import { buildRouteTable } from './route-compiler';
import type { Settings } from './settings';
import { TEMPLATES, Templates } from '../templates/templates';

/** What an app is made of, after discovery. */
export interface AppParts {
  controllers: Class[];
  middleware: Class[];
  providers: Provider[];
  overrides: ReadonlyMap<Token, unknown>;
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
  private readonly parts: AppParts;
  private readonly overrides: Map<Token, unknown>;
  private readonly requestOptions: RequestOptions;
  private appContainer!: AppContainer;
  private routeTable!: RouteTable<CompiledView>;
  private kernel!: Kernel;
  private unregister: () => void = () => undefined;
  private shutdownHooks: Array<{ name: string; run: () => unknown }> = [];
  private startupHooks: Array<() => unknown> = [];
  private removeSignalHandlers: (() => void) | undefined;
  private readonly servers = new Set<RunningServer>();
  /** Worker clusters this app supervises (in the primary process). */
  private readonly clusters = new Set<ClusterHandle>();
  /** Static files served in development (undefined when off). */
  private readonly staticFiles: StaticFiles | undefined;
  /** The app's templates (engine and context processors). */
  readonly templates: Templates;

  constructor(settings: Settings, parts: AppParts, logger: Logger) {
    this.settings = Object.freeze(settings);
    this.logger = logger;
    this.parts = parts;
    this.overrides = new Map(parts.overrides);
    this.requestOptions = {
      maxBodySize: settings.dataUploadMaxMemorySize,
      maxFields: settings.dataUploadMaxNumberFields,
      hostPolicy: new HostPolicy(settings),
      cookieSigner: settings.secretKey ? (name, salt) => this.cookieSigner(name, salt) : undefined,
      bodyParsers: new Map([['multipart/form-data', multipartParser({
        fileMemorySize: settings.fileUploadMaxMemorySize,
        fileMaxSize: settings.fileUploadMaxSize,
        fieldBytes: settings.dataUploadMaxMemorySize,
        maxFields: settings.dataUploadMaxNumberFields,
        maxFiles: settings.dataUploadMaxNumberFiles,
        tempDir: settings.fileUploadTempDir,
      })]]),
    };
    if (!/^\/(.*\/)?$/.test(settings.staticUrl)) {
      throw new ImproperlyConfigured('SETTINGS_STATIC_URL', `settings.staticUrl must start and end with '/' (like '/static/'); got '${settings.staticUrl}'`);
    }
    const serveStatic = settings.serveStatic ?? settings.debug;
    this.staticFiles = serveStatic && settings.staticDirs.length > 0 ? new StaticFiles(settings.staticUrl, settings.staticDirs) : undefined;
    this.templates = new Templates(settings.templates, {
      debug: settings.debug,
      staticUrl: settings.staticUrl,
      reverse: (name, params) => this.reverse(name, params),
    });
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
    const request = new HttpRequest(init, this.requestOptions);
    request.app = this;
    return request;
  }

  /** Runs one request through the middleware and the view. Never rejects. */
  handle(request: HttpRequest): MaybePromise<HttpResponse> {
    const result = this.dispatch(request);
    if (isPromise<HttpResponse>(result)) return result.then(this.finishResponse);
    return result.unsignedCookies === undefined ? result : this.finishResponse(result);
  }

  /**
   * `handle` without its last step, for adapters that call `finishResponse` on the result
   * themselves (the node server does, in the then() that writes it: one promise less).
   */
  dispatch(request: HttpRequest): MaybePromise<HttpResponse> {
    if (this.staticFiles !== undefined && request.rawPath.startsWith(this.staticFiles.prefix)) return this.serveStatic(request);
    return this.kernel.handle(request);
  }

  private serveStatic(request: HttpRequest): HttpResponse {
    try {
      request.validateHost();
    } catch {
      return new HttpResponse('<h1>Bad Request (400)</h1>', { status: 400 });
    }
    return this.staticFiles!.serve(request);
  }

  /** Signs the cookies set with `setSignedCookie` (the last step of `handle`). */
  readonly finishResponse = (response: HttpResponse): HttpResponse => {
    const pending = response.unsignedCookies;
    if (pending === undefined) return response;
    response.unsignedCookies = undefined;
    try {
      for (const { name, value, options } of pending) {
        const { salt, ...cookieOptions } = options;
        response.setCookie(name, this.cookieSigner(name, salt ?? '').signTimestamped(value), cookieOptions);
      }
      return response;
    } catch (error) {
      this.logger.error('Could not sign a cookie set with setSignedCookie', error);
      return new HttpResponse('<h1>Server Error (500)</h1>', { status: 500 });
    }
  };

  private readonly signers = new Map<string, Signer>();

  /** Django's get_cookie_signer(salt=name + salt), cached per salt. */
  private readonly cookieSigner = (name: string, salt: string): Signer => {
    const key = `rondo.signed-cookie:${name}${salt}`;
    let signer = this.signers.get(key);
    if (signer === undefined) {
      signer = new Signer({ key: this.settings.secretKey, fallbackKeys: this.settings.secretKeyFallbacks, salt: key });
      this.signers.set(key, signer);
    }
    return signer;
  };

  /** `createRequest` + `handle`, always as a promise. */
  async request(init: RequestInit): Promise<HttpResponse> {
    return this.kernel.handle(this.createRequest(init));
  }

  /** A `(req, res)` listener for `http.createServer(app.handler)`. */
  get handler() {
    return requestListener(this);
  }

  /** Starts an HTTP server. `{ port: 0 }` picks a free port (see `server.port`). */
  async listen(options: ListenOptions = {}): Promise<ServerHandle> {
    const handleSignals = options.handleSignals ?? true;
    if (options.workers !== undefined && !isWorker()) {
      const workers = await superviseWorkers({ workers: options.workers, logger: this.logger, shutdownTimeout: this.settings.shutdownTimeout });
      this.clusters.add(workers);
      if (handleSignals) this.handleSignals();
      return workers;
    }
    // Handlers go in before the socket listens: a cluster primary learns that a worker
    // listens (and may send it SIGTERM) before the worker's listen() resolves here.
    const installed = handleSignals && this.removeSignalHandlers === undefined;
    if (handleSignals) this.handleSignals();
    let server: RunningServer;
    try {
      server = await startServer(this, this.settings, options);
    } catch (error) {
      if (installed) {
        this.removeSignalHandlers?.();
        this.removeSignalHandlers = undefined;
      }
      throw error;
    }
    this.servers.add(server);
    server.server.once('close', () => this.servers.delete(server));
    return server;
  }

  private handleSignals(): void {
    if (this.removeSignalHandlers !== undefined) return;
    this.removeSignalHandlers = onShutdownSignal(() => this.stop(), this.logger, {
      forceAfter: 2 * this.settings.shutdownTimeout,
      // Ctrl+C reaches every process of the group: a Rondo worker leaves it to its primary,
      // whose SIGTERM it then handles as the first signal, not as a second one.
      signals: isRondoWorker() ? ['SIGTERM'] : ['SIGTERM', 'SIGINT'],
    });
  }

  /** True when a route matches the (percent-encoded) path with any method. */
  resolves(rawPath: string): boolean {
    return this.routeTable.match('GET', rawPath).kind !== 'none';
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

  /**
   * Closes the app's servers (draining its workers, in a cluster primary), runs the
   * onShutdown hooks (a failure is logged, naming the hook) and forgets its routes for the
   * standalone `reverse`.
   */
  async close(): Promise<void> {
    this.removeSignalHandlers?.();
    this.removeSignalHandlers = undefined;
    await this.stop();
  }

  /**
   * close() without removing the signal handlers (they stay until the process exits);
   * true when every worker and connection finished in time and every hook succeeded.
   */
  private async stop(): Promise<boolean> {
    const servers = [...this.servers];
    const drained = await Promise.all([...this.clusters].map((c) => c.stop()));
    await Promise.all(servers.map((s) => s.close()));
    let clean = drained.every(Boolean) && servers.every((server) => !server.forced);
    // Services and middleware holding connections (a pool, a Redis store) release them here.
    for (const hook of this.shutdownHooks) {
      try {
        await hook.run();
      } catch (error) {
        clean = false;
        this.logger.error(`${hook.name}.onShutdown() failed; the other hooks still run, and a signal-driven shutdown exits with code 1`, error);
      }
    }
    this.unregister();
    return clean;
  }

  /** Runs the `onStartup()` hooks of services, middleware and controllers (createApp calls it). */
  async startup(): Promise<void> {
    for (const hook of this.startupHooks) await hook();
  }

  private build(): void {
    const ordered = orderMiddleware(this.parts.middleware);
    const providers: ProviderPlan[] = [
      { token: SETTINGS, scope: 'singleton', deps: [], build: () => this.settings, value: { value: this.settings }, label: 'SETTINGS' },
      { token: LOGGER, scope: 'singleton', deps: [], build: () => this.logger, value: { value: this.logger }, label: 'LOGGER' },
      { token: TEMPLATES, scope: 'singleton', deps: [], build: () => this.templates, value: { value: this.templates }, label: 'TEMPLATES' },
      ...this.parts.providers.map(normaliseProvider),
      ...this.parts.controllers.map((c) => classPlan(c, 'singleton')),
      ...ordered.map((m) => classPlan(m.cls, 'singleton')),
    ];
    const container = new AppContainer({ providers, bubbling: new Set(this.parts.controllers), overrides: this.overrides });
    const routes = buildRouteTable(this.parts.controllers, container);
    const middleware = instantiateMiddleware(ordered, container);
    const withHooks = (hook: 'onStartup' | 'onShutdown') =>
      container.singletonsWith(hook).map((token) => ({
        name: typeof token === 'function' ? token.name : String(token),
        run: () => (container.get(token) as Record<string, () => unknown>)[hook](),
      }));
    this.startupHooks = withHooks('onStartup').map((hook) => hook.run);
    this.shutdownHooks = withHooks('onShutdown').reverse();
    void middleware;
    this.kernel = new Kernel({
      routes,
      middleware,
      exceptions: { debug: this.settings.debug, logger: this.logger, patterns: () => this.routes() },
    });
    this.appContainer = container;
    this.routeTable = routes;
    this.unregister();
    this.unregister = registerReverseTable(routes);
  }
}
