/**
 * The middleware chain, composed once at start-up: Django's layering, koa-compose's
 * guards. Every middleware is first adapted to one shape, a Layer: `around` for a
 * `handle(request, next)` class, `before`/`after` for a Django-style `processRequest` /
 * `processResponse` class (MiddlewareMixin's adaptation, done at load time). One engine,
 * `composeChain`, then runs any list of layers by index, as koa-compose does: `run(from)`
 * goes inwards through the `before` hooks until a layer answers, an `around` layer takes
 * the rest (its `next` runs the layers below it) or the view is reached, then `outwards`
 * through the `after` hooks back to `from`, in one go once the answer is there.
 *
 * So a run of Django-style layers around an async view costs one promise, not one per
 * layer. An exception at a layer becomes a response at that layer (the Convert): outer
 * layers see a response, as with Django's `convert_exception_to_response`. The next()-twice
 * and missing-response guards hold for every layer, however many.
 */
import { MiddlewareContractError } from '../errors/rondo-error';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import { isPromise, type MaybePromise } from '../http/maybe-promise';
import type { MiddlewareHandler, Next } from '../middleware/middleware-contract';

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

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  return typeof value === 'object' ? `a ${value.constructor?.name ?? 'plain object'}` : `a ${typeof value}`;
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

export interface ChainOptions {
  convert: Convert;
  /** The last step of every response, outermost (signing cookies); an exception is converted. */
  finish?: (response: HttpResponse) => HttpResponse;
}

/** Builds the whole chain: layers[0] outermost, `view` innermost. The result never rejects. */
export function composeChain(entries: readonly ChainLayer[], view: Handler, options: ChainOptions): Handler {
  const layers = entries.map(adapt).filter((layer): layer is Layer => layer !== undefined);
  const { finish } = options;
  // `finish` as the outermost `after`: it runs in the same pass as the other after hooks.
  if (finish !== undefined)
    layers.unshift({ label: 'Rondo (finishing the response)', after: (_request, response) => finish(response) });
  const chain = new Chain(layers, view, options.convert);
  return (request) => chain.run(request, 0);
}

class Chain {
  private readonly count: number;
  /** next() of each `around` layer, built once: it runs the layers below it. */
  private readonly nexts: Next[];

  constructor(
    private readonly layers: readonly Layer[],
    private readonly view: Handler,
    private readonly convert: Convert,
  ) {
    this.count = layers.length;
    this.nexts = layers.map((_, depth) => (request) => this.next(request, depth));
  }

  /**
   * The response layer `from` hands to its caller. Inwards: `before` hooks from `from` on,
   * until one answers, an `around` layer takes the rest, or the view answers. Outwards:
   * the `after` hooks of the layers the request went through, back to `from`.
   *
   * `outwards(..., through, ...)` names the innermost layer whose `after` hook runs: the
   * layer itself when its `before` answered (Django still runs its processResponse), the
   * one above it when its hook threw or it is an `around` layer (which has no `after`).
   */
  run(request: HttpRequest, from: number): MaybePromise<HttpResponse> {
    for (let i = from; i < this.count; i++) {
      const { around, before } = this.layers[i];
      if (around !== undefined) return this.outwards(request, this.runAround(request, i), i - 1, from);
      if (before === undefined) continue;
      let early: unknown;
      try {
        early = before(request);
      } catch (error) {
        return this.outwards(request, this.convert(request, error), i - 1, from);
      }
      if (early === undefined) continue;
      if (isPromise(early)) {
        return early.then(
          (value) =>
            value === undefined
              ? this.outwards(request, this.run(request, i + 1), i, from)
              : this.outwards(request, this.asResponse(request, value, i, 'processRequest'), i, from),
          (error: unknown) => this.outwards(request, this.convert(request, error), i - 1, from),
        );
      }
      return this.outwards(request, this.asResponse(request, early, i, 'processRequest'), i, from);
    }
    return this.outwards(request, this.callView(request), this.count - 1, from);
  }

  /** The view; a synchronous throw is converted here, a rejection in `outwards`. */
  private callView(request: HttpRequest): MaybePromise<HttpResponse> {
    try {
      return this.view(request);
    } catch (error) {
      return this.convert(request, error);
    }
  }

  /**
   * The `after` hooks from layer `through` out to layer `from`, once the answer is there:
   * one then() for the whole run when it is a promise, none when it is a response.
   */
  private outwards(
    request: HttpRequest,
    answer: MaybePromise<HttpResponse>,
    through: number,
    from: number,
  ): MaybePromise<HttpResponse> {
    if (!isPromise<HttpResponse>(answer)) return this.afterHooks(request, answer, through, from);
    // The rejection of the view (or of a layer below) becomes a response here, so no layer
    // above ever sees an exception from inside.
    return answer.then(
      (response) => this.afterHooks(request, response, through, from),
      (error: unknown) => this.outwards(request, this.convert(request, error), through, from),
    );
  }

  /** Runs the `after` hooks from `through` to `from` on a response that is there. */
  private afterHooks(
    request: HttpRequest,
    response: HttpResponse,
    through: number,
    from: number,
  ): MaybePromise<HttpResponse> {
    for (let i = through; i >= from; i--) {
      const after = this.layers[i].after;
      if (after === undefined) continue;
      let result: unknown;
      try {
        result = after(request, response);
      } catch (error) {
        return this.outwards(request, this.convert(request, error), i - 1, from);
      }
      if (isPromise(result)) {
        const settled = result.then(
          (value) => this.asResponse(request, value, i, 'processResponse'),
          (error: unknown) => this.convert(request, error),
        );
        return this.outwards(request, settled, i - 1, from);
      }
      if (!(result instanceof HttpResponse)) {
        return this.outwards(request, this.asResponse(request, result, i, 'processResponse'), i - 1, from);
      }
      response = result;
    }
    return response;
  }

  /** An `around` layer (handle(request, next)), its exception or missing response converted. */
  private runAround(request: HttpRequest, at: number): MaybePromise<HttpResponse> {
    try {
      const result = this.layers[at].around!(request, this.nexts[at]);
      return isPromise(result)
        ? result.then(
            (value) => this.asResponse(request, value, at, 'handle'),
            (error: unknown) => this.convert(request, error),
          )
        : this.asResponse(request, result, at, 'handle');
    } catch (error) {
      return this.convert(request, error);
    }
  }

  /**
   * next() of the layer at `depth`. One integer on the request, the depth the chain
   * reached, tells a second call (nothing below may have been entered yet), for any
   * number of layers.
   */
  private next(request: HttpRequest, depth: number): Promise<HttpResponse> {
    if (request.chainDepth > depth) {
      return Promise.reject(
        new MiddlewareContractError(
          'MIDDLEWARE_NEXT_TWICE',
          `${this.layers[depth].label}.handle called next() twice for ${request.method} ${request.rawPath}; call it once and reuse the response it gave`,
        ),
      );
    }
    request.chainDepth = depth + 1;
    const response = this.run(request, depth + 1);
    return isPromise<HttpResponse>(response) ? response : Promise.resolve(response);
  }

  /** A hook's value as a response, or a contract error (as a response) naming the hook. */
  private asResponse(
    request: HttpRequest,
    value: unknown,
    at: number,
    hook: keyof typeof HINTS,
  ): MaybePromise<HttpResponse> {
    if (value instanceof HttpResponse) return value;
    return this.convert(
      request,
      new MiddlewareContractError(
        'MIDDLEWARE_NO_RESPONSE',
        `${this.layers[at].label}.${hook} returned ${describe(value)} instead of an HttpResponse for ${request.method} ${request.rawPath}. ${HINTS[hook]}`,
      ),
    );
  }
}
