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

/** Builds the whole chain: layers[0] outermost, `view` innermost, each one guarded. */
export function composeChain(layers: readonly ChainLayer[], view: Handler, convert: Convert): Handler {
  let handler = guard(view, convert);
  const withHandle = layers.filter((l) => typeof l.instance.handle === 'function');
  for (let i = withHandle.length - 1; i >= 0; i--) {
    const bit = i < 31 ? 1 << i : 0;
    handler = guard(layer(withHandle[i], handler, bit), convert);
  }
  return handler;
}
