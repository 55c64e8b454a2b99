/**
 * The middleware chain, composed once at start-up: Django's layering, koa-compose's
 * guards. Every middleware is first adapted to one shape, a Layer: `around` for a
 * `handle(request, next)` class, `before`/`after` for a Django-style `processRequest` /
 * `processResponse` class (MiddlewareMixin's adaptation, done at load time). One engine,
 * `composeChain`, then runs any list of layers by index, as koa-compose does:
 *
 *   enter(from): `before` hooks inwards until a layer answers, an `around` layer takes the
 *                rest (its `next` enters the layer below it), or the view is reached;
 *   leave(at):   `after` hooks back outwards to `from`, in one go once the answer is there.
 *
 * So a run of Django-style layers around an async view costs one promise, not one per
 * layer. An exception at a layer becomes a response at that layer (the Convert): outer
 * layers see a response, as with Django's `convert_exception_to_response`. The next()-twice
 * and missing-response guards hold for every layer, however many.
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

/** The one shape every middleware is adapted to. */
interface Layer {
  label: string;
  around?: (request: HttpRequest, next: Next) => unknown;
  before?: (request: HttpRequest) => unknown;
  after?: (request: HttpRequest, response: HttpResponse) => unknown;
}

export function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/** Wraps a handler so every exception becomes a response (sync stays sync). */
export function guard(inner: Handler, convert: Convert): Handler {
  return (request) => {
    try {
      const result = inner(request);
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

const HINTS = {
  handle: 'Did you forget to `return next(request)`?',
  processRequest: 'Return undefined to continue, or an HttpResponse to answer early.',
  processResponse: 'Return the response it was given (or another HttpResponse).',
};

function adapt({ instance, label }: ChainLayer): Layer | undefined {
  if (typeof instance.handle === 'function') return { label, around: instance.handle.bind(instance) };
  const before = instance.processRequest?.bind(instance);
  const after = instance.processResponse?.bind(instance);
  return before === undefined && after === undefined ? undefined : { label, before, after };
}

/** Builds the whole chain: layers[0] outermost, `view` innermost. The result never rejects. */
export function composeChain(entries: readonly ChainLayer[], view: Handler, convert: Convert): Handler {
  const layers = entries.map(adapt).filter((layer): layer is Layer => layer !== undefined);
  const count = layers.length;
  const inner = guard(view, convert);

  /** A hook's value as a response, or a contract error (as a response) naming the hook. */
  const checked = (request: HttpRequest, value: unknown, at: number, hook: keyof typeof HINTS): MaybePromise<HttpResponse> =>
    value instanceof HttpResponse ? value : convert(request, new MiddlewareContractError(
      'MIDDLEWARE_NO_RESPONSE',
      `${layers[at].label}.${hook} returned ${describe(value)} instead of an HttpResponse for ${request.method} ${request.rawPath}. ${HINTS[hook]}`,
    ));
  /** `then` without a promise when `value` is none. */
  const then = <T>(value: MaybePromise<T>, next: (settled: T) => MaybePromise<HttpResponse>): MaybePromise<HttpResponse> =>
    isPromise<T>(value) ? value.then(next) : next(value);

  /** `after` hooks from layer `at` out to layer `from`. */
  const leave = (request: HttpRequest, at: number, from: number, answer: MaybePromise<HttpResponse>): MaybePromise<HttpResponse> =>
    then(answer, (response) => {
      for (let i = at; i >= from; i--) {
        const after = layers[i].after;
        if (after === undefined) continue;
        let result: unknown;
        try {
          result = after(request, response);
        } catch (error) {
          return leave(request, i - 1, from, convert(request, error));
        }
        if (isPromise(result)) {
          return leave(request, i - 1, from, result.then((value) => checked(request, value, i, 'processResponse'), (error: unknown) => convert(request, error)));
        }
        if (!(result instanceof HttpResponse)) return leave(request, i - 1, from, checked(request, result, i, 'processResponse'));
        response = result;
      }
      return response;
    });

  /** An `around` layer: its `next` (built once per layer) enters the layer below it. */
  const around = (request: HttpRequest, at: number): MaybePromise<HttpResponse> => {
    try {
      const result = layers[at].around!(request, nexts[at]);
      return isPromise(result)
        ? result.then((value) => checked(request, value, at, 'handle'), (error: unknown) => convert(request, error))
        : checked(request, result, at, 'handle');
    } catch (error) {
      return convert(request, error);
    }
  };

  /** `before` hooks from layer `from` inwards, then whatever answers; then back out to `from`. */
  const enter = (request: HttpRequest, from: number): MaybePromise<HttpResponse> => {
    for (let i = from; i < count; i++) {
      const layer = layers[i];
      if (layer.around !== undefined) return leave(request, i - 1, from, around(request, i));
      if (layer.before === undefined) continue;
      let early: unknown;
      try {
        early = layer.before(request);
      } catch (error) {
        return leave(request, i - 1, from, convert(request, error));
      }
      if (early === undefined) continue;
      if (isPromise(early)) {
        return early.then(
          (value) => leave(request, i, from, value === undefined ? enter(request, i + 1) : checked(request, value, i, 'processRequest')),
          (error: unknown) => leave(request, i - 1, from, convert(request, error)),
        );
      }
      // An early answer: this layer's own `after` still runs (Django's MiddlewareMixin).
      return leave(request, i, from, checked(request, early, i, 'processRequest'));
    }
    return leave(request, count - 1, from, inner(request));
  };

  // next() of the layer at `depth`: one integer on the request, the depth the chain reached,
  // tells a second call (nothing below may have been entered yet), for any number of layers.
  const nexts: Next[] = layers.map((_, depth) => (request) => {
    if (request.chainDepth > depth) {
      return Promise.reject(new MiddlewareContractError(
        'MIDDLEWARE_NEXT_TWICE',
        `${layers[depth].label}.handle called next() twice for ${request.method} ${request.rawPath}; call it once and reuse the response it gave`,
      ));
    }
    request.chainDepth = depth + 1;
    const response = enter(request, depth + 1);
    return isPromise<HttpResponse>(response) ? response : Promise.resolve(response);
  });

  return (request) => enter(request, 0);
}
