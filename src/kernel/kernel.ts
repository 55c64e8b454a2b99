/**
 * The cycle, like Django's `BaseHandler`: the middleware chain around the view step.
 * The view step resolves the URL, runs processView hooks, calls the view, maps its result
 * to a response, renders template responses after processTemplateResponse hooks, and gives
 * view exceptions to processException hooks. Synchronous views stay synchronous end to end.
 */
import { Http404, MethodNotAllowed } from '../http/errors';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import type { MiddlewareHandler } from '../middleware/middleware-decorator';
import type { RouteTable } from '../routing/route-table';
import type { Params } from '../views/argument-resolvers';
import { toResponse } from '../views/result-mapper';
import { composeChain, isPromise, type ChainLayer, type Handler, type MaybePromise } from './chain';
import { exceptionToResponse, type ExceptionContext } from './exception-response';
import type { CompiledView } from './view-compiler';

/** A response rendered late, after processTemplateResponse (TemplateResponse). */
export interface DeferredResponse extends HttpResponse {
  readonly isRendered: boolean;
  render(): Promise<unknown> | unknown;
}

function isDeferred(response: HttpResponse): response is DeferredResponse {
  const candidate = response as { render?: unknown; isRendered?: boolean };
  return typeof candidate.render === 'function' && !candidate.isRendered;
}

export interface KernelSpec {
  routes: RouteTable<CompiledView>;
  /** Sorted by order, outermost first. */
  middleware: readonly ChainLayer[];
  exceptions: ExceptionContext;
}

type Hook<A extends unknown[]> = (request: HttpRequest, ...args: A) => unknown;

function hooks<K extends keyof MiddlewareHandler>(layers: readonly ChainLayer[], key: K): Hook<any[]>[] {
  return layers
    .filter((l) => typeof l.instance[key] === 'function')
    .map((l) => (l.instance[key] as (...args: unknown[]) => unknown).bind(l.instance));
}

export class Kernel {
  /** Handles one request; never rejects (errors are already responses). */
  readonly handle: Handler;
  private readonly routes: RouteTable<CompiledView>;
  /** processView hooks per view, filtered by each middleware's appliesToView (start-up). */
  private readonly viewHooks = new Map<CompiledView, Hook<[CompiledView['info'], Params]>[]>();
  private readonly exceptionHooks: Hook<[unknown]>[];
  private readonly templateHooks: Hook<[HttpResponse]>[];

  constructor(spec: KernelSpec) {
    this.routes = spec.routes;
    const viewLayers = spec.middleware.filter((l) => typeof l.instance.processView === 'function');
    for (const route of spec.routes.list()) {
      const view = route.handler;
      const applicable = viewLayers.filter((l) => typeof l.instance.appliesToView !== 'function' || l.instance.appliesToView(view.info));
      this.viewHooks.set(view, applicable.map((l) => (l.instance.processView as (...args: unknown[]) => unknown).bind(l.instance)));
    }
    this.exceptionHooks = hooks(spec.middleware, 'processException').reverse();
    this.templateHooks = hooks(spec.middleware, 'processTemplateResponse').reverse();
    const convert = (request: HttpRequest, error: unknown) => exceptionToResponse(request, error, spec.exceptions);
    this.handle = composeChain(spec.middleware, (request) => this.viewStep(request), convert);
  }

  private viewStep(request: HttpRequest): MaybePromise<HttpResponse> {
    request.validateHost(); // DisallowedHost (400) before anything else looks at the request
    void request.path; // a malformed percent-encoding is a 400 before routing
    const match = this.routes.match(request.method, request.rawPath);
    if (match.kind === 'none') throw new Http404(`No route matches ${request.method} ${request.path}`);
    if (match.kind === 'method') return this.notAllowed(request, match.allowed);
    const view = match.route.handler;
    const params = match.params;
    request.resolverMatch = { name: match.route.name, route: match.route.path, params, options: view.info.options };
    const viewHooks = this.viewHooks.get(view)!;
    // processView hooks run synchronously until one returns a promise (CSRF on a GET, say,
    // answers undefined at once): the common case costs no promise.
    for (let i = 0; i < viewHooks.length; i++) {
      const early = viewHooks[i](request, view.info, params);
      if (early === undefined) continue;
      if (isPromise(early)) return this.viewSlow(request, view, params, viewHooks, i + 1, early);
      if (early instanceof HttpResponse) return early;
    }
    return this.callView(request, view, params);
  }

  /**
   * The rest of the hooks after an asynchronous processView hook (`pending`, then the hooks
   * from `from` on), then the view.
   */
  private async viewSlow(
    request: HttpRequest, view: CompiledView, params: Params,
    viewHooks: readonly Hook<[CompiledView['info'], Params]>[], from: number, pending: Promise<unknown>,
  ): Promise<HttpResponse> {
    const first = await pending;
    if (first instanceof HttpResponse) return first;
    for (let i = from; i < viewHooks.length; i++) {
      let early = viewHooks[i](request, view.info, params);
      if (isPromise(early)) early = await early; // sync hooks cost no microtask
      if (early instanceof HttpResponse) return early;
    }
    return this.callView(request, view, params);
  }

  /** Loads the body when there is one (one then()), then calls the view. */
  private callView(request: HttpRequest, view: CompiledView, params: Params): MaybePromise<HttpResponse> {
    if (!request.hasBody) return this.invoke(request, view, params);
    return request.load().then(
      () => this.invoke(request, view, params),
      (error: unknown) => this.viewError(request, error),
    );
  }

  /** Calls the view; its exception goes to processException hooks, its result becomes a response. */
  private invoke(request: HttpRequest, view: CompiledView, params: Params): MaybePromise<HttpResponse> {
    let result: unknown;
    try {
      result = view.call(request, params);
    } catch (error) {
      return this.viewError(request, error);
    }
    return isPromise(result) ? this.settleView(request, result, view) : this.finish(request, result, view);
  }

  /** An asynchronous view: one then() (no async frame) to map its result or its error. */
  private settleView(request: HttpRequest, pending: Promise<unknown>, view: CompiledView): Promise<HttpResponse> {
    return pending.then(
      (result) => this.finish(request, result, view),
      (error: unknown) => this.viewError(request, error),
    );
  }

  private finish(request: HttpRequest, result: unknown, view: CompiledView): MaybePromise<HttpResponse> {
    const response = toResponse(result, view.info.source);
    return isDeferred(response) ? this.renderLate(request, response) : response;
  }

  private async renderLate(request: HttpRequest, deferred: DeferredResponse): Promise<HttpResponse> {
    let response: HttpResponse = deferred;
    for (const hook of this.templateHooks) {
      const changed = await hook(request, response);
      if (changed instanceof HttpResponse) response = changed;
    }
    if (isDeferred(response)) await response.render();
    return response;
  }

  /** Gives a view's exception to processException hooks (innermost first), else rethrows. */
  private viewError(request: HttpRequest, error: unknown): MaybePromise<HttpResponse> {
    if (this.exceptionHooks.length === 0) throw error;
    return this.exceptionFromHooks(request, error);
  }

  private async exceptionFromHooks(request: HttpRequest, error: unknown): Promise<HttpResponse> {
    for (const hook of this.exceptionHooks) {
      const response = await hook(request, error);
      if (response instanceof HttpResponse) return response;
    }
    throw error;
  }

  private notAllowed(request: HttpRequest, allowed: readonly string[]): HttpResponse {
    if (request.method !== 'OPTIONS') throw new MethodNotAllowed(request.method, allowed);
    const response = new HttpResponse('', { status: 200 });
    response.headers.delete('Content-Type');
    response.headers.set('Allow', allowed.join(', '));
    response.headers.set('Content-Length', '0');
    return response;
  }
}
