/**
 * `@Middleware(order)` and the contract a middleware class fulfils. Lowest order is
 * outermost: it sees the request first and the response last.
 */
import { MIDDLEWARE_KEY, type MiddlewareMeta } from '../metadata/keys';

export type { MiddlewareHandler, Next, ViewInfo } from './middleware-contract';

/**
 * Registers a middleware class at `order` (unique per app; built-ins use 50-700 with gaps).
 *
 * @example
 * @Middleware(150)
 * export class TimingMiddleware {
 *   async handle(request: HttpRequest, next: Next) { const r = await next(request); r.headers.set('X-T', '1'); return
 * r; }
 * }
 */
export function Middleware(order: number): ClassDecorator {
  return (target) => {
    const meta: MiddlewareMeta = { order };
    Reflect.defineMetadata(MIDDLEWARE_KEY, meta, target);
  };
}
