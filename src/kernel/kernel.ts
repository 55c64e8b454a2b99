/**
 * The cycle, like Django's `BaseHandler`: the middleware chain (chain.ts) around one
 * response step, `respond`, that reads as Django's `_get_response` does: resolve the URL,
 * processView hooks, load the body, call the view, processException hooks, result to
 * response, processTemplateResponse hooks, render. Every exception, wherever it is raised,
 * becomes a response in one place (the Convert the app hands in: its exception handler,
 * then the built-in pages). What can be decided at start-up (which hooks apply to which
 * view) is decided in the constructor.
 */
import { Http404, MethodNotAllowed } from '../http/errors';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import type { ViewInfo } from '../middleware/middleware-contract';
import type { RouteTable } from '../routing/route-table';
import type { Params } from '../views/argument-resolvers';
import { toResponse } from '../views/result-mapper';
import { isPromise, type MaybePromise } from '../http/maybe-promise';
import { composeChain, type ChainLayer, type Convert, type Handler } from './chain';
import type { CompiledView } from './view-compiler';

/** A response rendered late, after processTemplateResponse (TemplateResponse). */
export interface DeferredResponse extends HttpResponse {
  readonly isRendered: boolean;
  /** Renders the body (may return a promise). */
  render(): unknown;
}

function isDeferred(response: HttpResponse): response is DeferredResponse {
  const candidate = response as { render?: unknown; isRendered?: boolean };
  return typeof candidate.render === 'function' && !candidate.isRendered;
}

export interface KernelSpec {
  routes: RouteTable<CompiledView>;
  /** Sorted by order, outermost first. */
  middleware: readonly ChainLayer[];
  /** The one place an exception becomes a response. */
  convert: Convert;
  /** The last step of every response, outside the chain (signing cookies); may throw. */
  finish?: (response: HttpResponse) => HttpResponse;
}

type Hook<A extends unknown[]> = (request: HttpRequest, ...args: A) => unknown;
type ViewHook = Hook<[ViewInfo, Params]>;

/** The converted URL parameters of the view a request resolved to. */
function paramsOf(request: HttpRequest): Params {
  return request.resolverMatch!.params;
}

function hooks<A extends unknown[]>(
  layers: readonly ChainLayer[],
  key: 'processException' | 'processTemplateResponse',
): Hook<A>[] {
  return layers
    .filter((l) => typeof l.instance[key] === 'function')
    .map((l) => (l.instance[key] as (...args: unknown[]) => unknown).bind(l.instance))
    .reverse(); // innermost first, as Django runs them
}

export class Kernel {
  /** Handles one request; never rejects (errors are already responses). */
  readonly handle: Handler;
  private readonly routes: RouteTable<CompiledView>;
  /** processView hooks per view, filtered by each middleware's appliesToView. */
  private readonly viewHooks = new Map<CompiledView, ViewHook[]>();
  private readonly exceptionHooks: Hook<[unknown]>[];
  private readonly templateHooks: Hook<[HttpResponse]>[];

  constructor(spec: KernelSpec) {
    this.routes = spec.routes;
    const withViewHook = spec.middleware.filter((l) => typeof l.instance.processView === 'function');
    for (const { handler: view } of spec.routes.list()) {
      const applicable = withViewHook.filter((l) => l.instance.appliesToView?.(view.info) ?? true);
      this.viewHooks.set(
        view,
        applicable.map((l) => l.instance.processView!.bind(l.instance) as ViewHook),
      );
    }
    this.exceptionHooks = hooks(spec.middleware, 'processException');
    this.templateHooks = hooks(spec.middleware, 'processTemplateResponse');
    this.handle = composeChain(spec.middleware, (request) => this.respond(request), {
      convert: spec.convert,
      finish: spec.finish,
    });
  }

  /**
   * Django's `_get_response`, its steps in order: resolve the URL, processView hooks, then
   * `viewResponse`: load the body, call the view (`callView`: result to response,
   * processTemplateResponse hooks and render; exceptions to `viewFailed`). Each step
   * answers synchronously when it can (a promise only when a hook or the view made one);
   * anything thrown here goes to the chain's Convert.
   */
  private respond(request: HttpRequest): MaybePromise<HttpResponse> {
    request.checkLimits(); // 414 / 431
    request.validateHost(); // DisallowedHost (400) before anything else looks at the request
    void request.path; // a malformed percent-encoding is a 400 before routing
    const match = this.routes.match(request.method, request.rawPath);
    if (match.kind === 'none') throw new Http404(`No route matches ${request.method} ${request.path}`);
    if (match.kind === 'method') return optionsOrNotAllowed(request, match.allowed);
    const { handler: view, name, path: route } = match.route;
    request.resolverMatch = { name, route, params: match.params, options: view.info.options, view: view.info.source };
    const early = this.processView(request, view, 0);
    if (isPromise<HttpResponse | undefined>(early))
      return early.then((value) => value ?? this.viewResponse(request, view));
    return early ?? this.viewResponse(request, view);
  }

  /**
   * Loads the body the view reads (after the media type check), then calls it: one then()
   * once the body is there, none without a body to read.
   */
  private viewResponse(request: HttpRequest, view: CompiledView): MaybePromise<HttpResponse> {
    if (!request.hasBody) return this.callView(request, view);
    try {
      view.checkBody?.(request); // 415 for a media type the view does not accept
    } catch (error) {
      return this.viewFailed(request, error);
    }
    if (!view.readsBody) return this.callView(request, view);
    return request.load().then(
      () => this.callView(request, view),
      (error: unknown) => this.viewFailed(request, error),
    );
  }

  /** Calls the view: its result as a response, rendered; its exception to processException. */
  private callView(request: HttpRequest, view: CompiledView): MaybePromise<HttpResponse> {
    let result: unknown;
    try {
      result = view.call(request, paramsOf(request));
    } catch (error) {
      return this.viewFailed(request, error);
    }
    if (!isPromise(result)) return this.render(request, toResponse(result, view.info.source)); // no closure on this path
    return result.then(
      (value) => this.render(request, toResponse(value, view.info.source)),
      (error: unknown) => this.viewFailed(request, error),
    );
  }

  /** processView hooks from `from` on: the first response answers instead of the view. */
  private processView(request: HttpRequest, view: CompiledView, from: number): MaybePromise<HttpResponse | undefined> {
    const hooks = this.viewHooks.get(view)!;
    for (let i = from; i < hooks.length; i++) {
      const early = hooks[i](request, view.info, paramsOf(request));
      if (isPromise(early)) {
        return early.then((value) => (value instanceof HttpResponse ? value : this.processView(request, view, i + 1)));
      }
      if (early instanceof HttpResponse) return early;
    }
    return undefined;
  }

  /** A TemplateResponse renders after the processTemplateResponse hooks (innermost first). */
  private render(request: HttpRequest, response: HttpResponse): MaybePromise<HttpResponse> {
    return isDeferred(response) ? this.renderTemplate(request, response) : response;
  }

  private async renderTemplate(request: HttpRequest, deferred: DeferredResponse): Promise<HttpResponse> {
    let response: HttpResponse = deferred;
    for (const hook of this.templateHooks) {
      const changed = await hook(request, response);
      if (changed instanceof HttpResponse) response = changed;
    }
    if (isDeferred(response)) await response.render();
    return response;
  }

  /**
   * processException hooks, innermost first: the first response wins (as the view's
   * result, rendered), else the error goes on to the chain's Convert.
   */
  private async viewFailed(request: HttpRequest, error: unknown): Promise<HttpResponse> {
    for (const hook of this.exceptionHooks) {
      const response = await hook(request, error);
      if (response instanceof HttpResponse) return this.render(request, response);
    }
    throw error;
  }
}

/** A known path asked with another method: OPTIONS lists the methods, others are 405. */
function optionsOrNotAllowed(request: HttpRequest, allowed: readonly string[]): HttpResponse {
  if (request.method !== 'OPTIONS') throw new MethodNotAllowed(request.method, allowed);
  const response = new HttpResponse('', { status: 200 });
  response.headers.delete('Content-Type');
  response.headers.set('Allow', allowed.join(', '));
  response.headers.set('Content-Length', '0');
  return response;
}
