/**
 * The middleware contract: the shape a middleware class fulfils and what the view hooks
 * see of a view. Types only; the chain (kernel/chain.ts) adapts every style at start-up.
 */
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import type { ViewOptions } from '../metadata/keys';

/** Calls the rest of the chain (inner middleware and the view). Call it at most once. */
export type Next = (request: HttpRequest) => Promise<HttpResponse>;

/** What the view step knows of the matched view, passed to `processView`. */
export interface ViewInfo {
  /** `PostController.detail` */
  source: string;
  controller: Function;
  methodName: string;
  /** `namespace:name` or undefined. */
  name: string | undefined;
  /** The route pattern as declared, e.g. `/posts/<int:id>`. */
  route: string;
  /** Options set by view decorators (csrfExempt, loginRequired...). */
  options: ViewOptions;
}

/**
 * The shape of a middleware class. Every method is optional; `handle` wraps the rest of
 * the chain, the `process*` hooks are Django's. A class defines either `handle` or the
 * pair `processRequest`/`processResponse` (Django's MiddlewareMixin style), not both.
 */
export interface MiddlewareHandler {
  handle?(request: HttpRequest, next: Next): Promise<HttpResponse> | HttpResponse;
  /**
   * Runs on the way in, before inner middleware and the view: return undefined to go on,
   * or an HttpResponse to answer at once (inner layers and the view are skipped; this
   * layer's processResponse and the outer ones still run). Layers written this way cost
   * no promise per request when they are synchronous.
   */
  processRequest?(request: HttpRequest): Promise<HttpResponse | void> | HttpResponse | void;
  /** Runs on the way out with the response from inside; returns it (or another one). */
  processResponse?(request: HttpRequest, response: HttpResponse): Promise<HttpResponse> | HttpResponse;
  processView?(
    request: HttpRequest,
    view: ViewInfo,
    params: Record<string, unknown>,
  ): Promise<HttpResponse | void> | HttpResponse | void;
  /**
   * Called once per route at start-up: false means processView never runs for that view
   * (so views that need no hook keep the fast path).
   */
  appliesToView?(view: ViewInfo): boolean;
  processException?(request: HttpRequest, error: unknown): Promise<HttpResponse | void> | HttpResponse | void;
  processTemplateResponse?(request: HttpRequest, response: HttpResponse): Promise<HttpResponse> | HttpResponse;
}
