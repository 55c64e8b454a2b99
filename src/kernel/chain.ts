/**
 * Composes the middleware chain once at start-up (koa-compose's idea, Django's layering):
 * each layer is wrapped so an exception becomes a response at that layer, `next()` called
 * twice is an error with a hint, and a layer that returns no response is named.
 */
import { MiddlewareContractError } from '../errors/rondo-error';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import type { MiddlewareHandler, Next } from '../middleware/middleware-decorator';

export type MaybePromise<T> = T | Promise<T>;
export type Handler = (request: HttpRequest) => MaybePromise<HttpResponse>;
export type Convert = (request: HttpRequest, error: unknown) => HttpResponse;

/** A middleware instance with its class name, in chain order (outermost first). */
export interface ChainLayer {
  instance: MiddlewareHandler;
  label: string;
}

// Which layers have called next() for a request: one bit per layer in
// `request.chainCalls` (an integer field: no per-request map or closure). Layers past 31
// are not guarded.

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

function layer(entry: ChainLayer, inner: Handler, bit: number): Handler {
  const { instance, label } = entry;
  const handle = instance.handle!.bind(instance);
  const next: Next = (request) => {
    if (bit !== 0) {
      if ((request.chainCalls & bit) !== 0) {
        return Promise.reject(
          new MiddlewareContractError('MIDDLEWARE_NEXT_TWICE', `${label}.handle called next() twice for ${request.method} ${request.rawPath}; call it once and reuse the response it gave`),
        );
      }
      request.chainCalls |= bit;
    }
    const result = inner(request);
    return isPromise<HttpResponse>(result) ? result : Promise.resolve(result);
  };
  const check = (response: unknown, request: HttpRequest): HttpResponse => {
    if (response instanceof HttpResponse) return response;
    throw new MiddlewareContractError(
      'MIDDLEWARE_NO_RESPONSE',
      `${label}.handle returned ${describe(response)} instead of an HttpResponse for ${request.method} ${request.rawPath}. Did you forget to \`return next(request)\`?`,
    );
  };
  return (request) => {
    const result = handle(request, next);
    return isPromise(result) ? result.then((response) => check(response, request)) : check(result, request);
  };
}

/**
 * Consecutive Django-style layers (processRequest / processResponse, no `handle`) run as
 * one flat loop: request hooks outermost first, then the inner handler, then response hooks
 * back outwards, starting from the layer that answered. No promise is made unless a hook
 * or the view is asynchronous. An exception in a hook becomes a response at that layer,
 * exactly as around a `handle` layer; the outer layers still see it.
 */
function segment(layers: readonly ChainLayer[], inner: Handler, convert: Convert): Handler {
  const count = layers.length;
  const labels = layers.map((l) => l.label);
  const requestHooks = layers.map((l) => l.instance.processRequest?.bind(l.instance));
  const responseHooks = layers.map((l) => l.instance.processResponse?.bind(l.instance));

  const contractError = (request: HttpRequest, index: number, hook: string, value: unknown): HttpResponse =>
    convert(request, new MiddlewareContractError(
      'MIDDLEWARE_NO_RESPONSE',
      `${labels[index]}.${hook} returned ${describe(value)} for ${request.method} ${request.rawPath}; ` +
        (hook === 'processRequest' ? 'return undefined to continue, or an HttpResponse to answer early' : 'return the response it was given (or another HttpResponse)'),
    ));

  /** Response hooks from layer `from` outwards. */
  const up = (request: HttpRequest, from: number, response: HttpResponse): MaybePromise<HttpResponse> => {
    for (let i = from; i >= 0; i--) {
      const hook = responseHooks[i];
      if (hook === undefined) continue;
      let result: MaybePromise<HttpResponse>;
      try {
        result = hook(request, response);
      } catch (error) {
        response = convert(request, error);
        continue;
      }
      if (isPromise<HttpResponse>(result)) {
        return result.then(
          (value) => up(request, i - 1, value instanceof HttpResponse ? value : contractError(request, i, 'processResponse', value)),
          (error: unknown) => up(request, i - 1, convert(request, error)),
        );
      }
      response = result instanceof HttpResponse ? result : contractError(request, i, 'processResponse', result);
    }
    return response;
  };

  /** An early answer (or failure) from layer `at`'s request hook. */
  const early = (request: HttpRequest, at: number, value: unknown): MaybePromise<HttpResponse> =>
    value instanceof HttpResponse ? up(request, at, value) : up(request, at - 1, contractError(request, at, 'processRequest', value));

  /** Request hooks from layer `from` inwards, then the inner handler. */
  const down = (request: HttpRequest, from: number): MaybePromise<HttpResponse> => {
    for (let i = from; i < count; i++) {
      const hook = requestHooks[i];
      if (hook === undefined) continue;
      let result: unknown;
      try {
        result = hook(request);
      } catch (error) {
        return up(request, i - 1, convert(request, error));
      }
      if (result === undefined) continue;
      if (isPromise(result)) {
        return result.then(
          (value) => (value === undefined ? down(request, i + 1) : early(request, i, value)),
          (error: unknown) => up(request, i - 1, convert(request, error)),
        );
      }
      return early(request, i, result);
    }
    const response = inner(request);
    return isPromise<HttpResponse>(response) ? response.then((value) => up(request, count - 1, value)) : up(request, count - 1, response);
  };

  return (request) => down(request, 0);
}

/** Django-style layers (no `handle`) that take part in the request/response flow. */
function isFlat(entry: ChainLayer): boolean {
  const { instance } = entry;
  return typeof instance.handle !== 'function' && (typeof instance.processRequest === 'function' || typeof instance.processResponse === 'function');
}

/**
 * Builds the whole chain: layers[0] outermost, `view` innermost, each one guarded.
 * `handle` layers nest; runs of processRequest/processResponse layers become flat segments.
 */
export function composeChain(layers: readonly ChainLayer[], view: Handler, convert: Convert): Handler {
  let handler = guard(view, convert);
  const active = layers.filter((l) => typeof l.instance.handle === 'function' || isFlat(l));
  let bit = 0;
  for (let i = active.length - 1; i >= 0; ) {
    if (isFlat(active[i])) {
      let start = i;
      while (start > 0 && isFlat(active[start - 1])) start--;
      handler = segment(active.slice(start, i + 1), handler, convert);
      i = start - 1;
    } else {
      handler = guard(layer(active[i], handler, bit < 31 ? 1 << bit : 0), convert);
      bit++;
      i--;
    }
  }
  return handler;
}
