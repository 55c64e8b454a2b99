/**
 * The middleware chain, composed once at start-up: Django's layering with koa-compose's
 * guards. Every middleware style is first adapted to one shape, Django's middleware
 * factory: given the handler inside it, a layer returns the handler that wraps it.
 * `handle(request, next)` classes and `processRequest`/`processResponse` classes (Django's
 * MiddlewareMixin) are adapted here, at load time; `composeChain` then nests the layers,
 * each guarded so an exception becomes a response at that layer.
 */
import { MiddlewareContractError } from '../errors/rondo-error';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import type { MiddlewareHandler, Next } from '../middleware/middleware-contract';

export type MaybePromise<T> = T | Promise<T>;
export type Handler = (request: HttpRequest) => MaybePromise<HttpResponse>;
/** Turns an exception into a response (the kernel's one place for that). Never throws. */
export type Convert = (request: HttpRequest, error: unknown) => MaybePromise<HttpResponse>;

/** A middleware instance with its class name, in chain order (outermost first). */
export interface ChainLayer {
  instance: MiddlewareHandler;
  label: string;
}

/** The one shape every middleware is adapted to: the handler around `inner`. */
type Layer = (inner: Handler) => Handler;

export function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/** Wraps a handler so every exception becomes a response (sync stays sync). */
export function guard(inner: Handler, convert: Convert): Handler {
  return (request) => {
    try {
      const result = inner(request);
      // One `then` rather than an async wrapper: one promise per layer instead of three.
      return isPromise<HttpResponse>(result) ? result.then(undefined, (error: unknown) => convert(request, error)) : result;
    } catch (error) {
      return convert(request, error);
    }
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  return typeof value === 'object' ? `a ${(value as object).constructor?.name ?? 'plain object'}` : `a ${typeof value}`;
}

function noResponse(label: string, request: HttpRequest, value: unknown, hint: string): MiddlewareContractError {
  return new MiddlewareContractError('MIDDLEWARE_NO_RESPONSE', `${label} returned ${describe(value)} instead of an HttpResponse for ${request.method} ${request.rawPath}. ${hint}`);
}

/**
 * `handle(request, next)`: `next` is built once per layer. The next()-twice guard uses one
 * integer on the request, the depth the chain reached: the layer at `depth` may enter the
 * layer below only while nothing below it was entered yet, however many layers there are.
 */
function handleLayer({ instance, label }: ChainLayer, depth: number): Layer {
  const handle = instance.handle!.bind(instance);
  return (inner) => {
    const next: Next = (request) => {
      if (request.chainDepth > depth) {
        return Promise.reject(new MiddlewareContractError(
          'MIDDLEWARE_NEXT_TWICE',
          `${label}.handle called next() twice for ${request.method} ${request.rawPath}; call it once and reuse the response it gave`,
        ));
      }
      request.chainDepth = depth + 1;
      const result = inner(request);
      return isPromise<HttpResponse>(result) ? result : Promise.resolve(result);
    };
    const check = (response: unknown, request: HttpRequest): HttpResponse => {
      if (response instanceof HttpResponse) return response;
      throw noResponse(`${label}.handle`, request, response, 'Did you forget to `return next(request)`?');
    };
    return (request) => {
      const result = handle(request, next);
      return isPromise(result) ? result.then((response) => check(response, request)) : check(result, request);
    };
  };
}

/**
 * Django's MiddlewareMixin: processRequest may answer early (its own processResponse still
 * runs), else the inner handler answers; processResponse sees the response on its way out.
 * No promise is made while both hooks and the inner handler are synchronous.
 */
function processLayer({ instance, label }: ChainLayer): Layer {
  const before = instance.processRequest?.bind(instance);
  const after = instance.processResponse?.bind(instance);
  const checked = (request: HttpRequest, value: unknown): HttpResponse => {
    if (value instanceof HttpResponse) return value;
    throw noResponse(`${label}.processResponse`, request, value, 'Return the response it was given (or another HttpResponse).');
  };
  const respond = (request: HttpRequest, response: HttpResponse): MaybePromise<HttpResponse> => {
    if (after === undefined) return response;
    const result = after(request, response);
    return isPromise(result) ? result.then((value) => checked(request, value)) : checked(request, result);
  };
  return (inner) => {
    const rest = (request: HttpRequest): MaybePromise<HttpResponse> => {
      const response = inner(request);
      return isPromise<HttpResponse>(response) ? response.then((value) => respond(request, value)) : respond(request, response);
    };
    const early = (request: HttpRequest, value: unknown): MaybePromise<HttpResponse> => {
      if (value === undefined) return rest(request);
      if (value instanceof HttpResponse) return respond(request, value);
      throw noResponse(`${label}.processRequest`, request, value, 'Return undefined to continue, or an HttpResponse to answer early.');
    };
    if (before === undefined) return rest;
    return (request) => {
      const value = before(request);
      return isPromise(value) ? value.then((settled) => early(request, settled)) : early(request, value);
    };
  };
}

/** Adapts one middleware to a Layer; undefined for classes with only process* view hooks. */
function adapt(entry: ChainLayer, depth: number): Layer | undefined {
  const { instance } = entry;
  if (typeof instance.handle === 'function') return handleLayer(entry, depth);
  if (typeof instance.processRequest === 'function' || typeof instance.processResponse === 'function') return processLayer(entry);
  return undefined;
}

/** Builds the whole chain: layers[0] outermost, `view` innermost, each one guarded. */
export function composeChain(layers: readonly ChainLayer[], view: Handler, convert: Convert): Handler {
  let handler = guard(view, convert);
  for (let depth = layers.length - 1; depth >= 0; depth--) {
    const layer = adapt(layers[depth], depth);
    if (layer !== undefined) handler = guard(layer(handler), convert);
  }
  return handler;
}
