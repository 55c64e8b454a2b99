/**
 * Orders an app's middleware by their `@Middleware(order)` and instantiates them once.
 * Two classes with one order, or a class without `@Middleware`, fail at start-up.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { AppContainer } from '../di/container-builder';
import type { ChainLayer } from '../kernel/chain';
import { instantiate } from '../kernel/view-compiler';
import { MIDDLEWARE_KEY, type Class, type MiddlewareMeta } from '../metadata/keys';
import type { MiddlewareHandler } from '../middleware/middleware-decorator';
import type { RouteTable } from '../routing/route-table';
import { unmetViewNeed } from '../views/view-options';
import type { CompiledView } from '../kernel/view-compiler';

export interface OrderedMiddleware {
  cls: Class;
  order: number;
}

export function orderMiddleware(classes: readonly Class[]): OrderedMiddleware[] {
  const byOrder = new Map<number, Class>();
  const ordered: OrderedMiddleware[] = [];
  for (const cls of new Set(classes)) {
    const meta = Reflect.getMetadata(MIDDLEWARE_KEY, cls) as MiddlewareMeta | undefined;
    if (meta === undefined) {
      throw new ImproperlyConfigured(
        'MIDDLEWARE_NOT_DECORATED',
        `${cls.name} is listed as middleware but has no @Middleware(order) decorator; add one with an order unique in the app`,
      );
    }
    if (!Number.isFinite(meta.order)) {
      throw new ImproperlyConfigured(
        'MIDDLEWARE_ORDER_INVALID',
        `${cls.name} has @Middleware(${meta.order}); the order must be a finite number`,
      );
    }
    const clash = byOrder.get(meta.order);
    if (clash !== undefined) {
      throw new ImproperlyConfigured(
        'MIDDLEWARE_ORDER_DUPLICATE',
        `${clash.name} and ${cls.name} both use @Middleware(${meta.order}); orders must be unique. Give one of them a free order (built-ins use 50, 60, 100, 150, 200 ... 700)`,
      );
    }
    byOrder.set(meta.order, cls);
    ordered.push({ cls, order: meta.order });
  }
  return ordered.sort((a, b) => a.order - b.order);
}

/** Every hook a middleware class may define (Django's and `handle`). */
export const HOOKS = [
  'handle',
  'processRequest',
  'processResponse',
  'processView',
  'processException',
  'processTemplateResponse',
];

export function instantiateMiddleware(ordered: readonly OrderedMiddleware[], container: AppContainer): ChainLayer[] {
  return ordered.map(({ cls }) => {
    const instance = instantiate(cls, container) as MiddlewareHandler;
    const has = (key: string) => typeof (instance as Record<string, unknown>)[key] === 'function';
    if (!HOOKS.some(has)) {
      throw new ImproperlyConfigured(
        'MIDDLEWARE_EMPTY',
        `${cls.name} has none of ${HOOKS.join(', ')}; implement at least one`,
      );
    }
    if (has('handle') && (has('processRequest') || has('processResponse'))) {
      throw new ImproperlyConfigured(
        'MIDDLEWARE_MIXED',
        `${cls.name} defines handle() and also processRequest()/processResponse(); handle() would hide them. Keep handle(request, next), or remove it and keep the Django-style pair`,
      );
    }
    return { instance, label: cls.name };
  });
}

/**
 * Fails when a view carries a decorator whose middleware is not in the chain (e.g.
 * `@LoginRequired()` without AuthenticationMiddleware would let everyone in).
 */
export function checkViewNeeds(routes: RouteTable<CompiledView>, ordered: readonly OrderedMiddleware[]): void {
  const present = new Set<string>();
  for (const { cls } of ordered) {
    for (
      let c: Function | null = cls;
      c !== null && c !== Function.prototype;
      c = Object.getPrototypeOf(c) as Function | null
    )
      present.add(c.name);
  }
  for (const { handler: view } of routes.list()) {
    const unmet = unmetViewNeed(view.info.options, present);
    if (unmet !== undefined) {
      throw new ImproperlyConfigured(
        'VIEW_MIDDLEWARE_MISSING',
        `${view.info.source} is marked ${unmet[0]}, but the app's middleware has no ${unmet[1]}, so the check would never run and every request would get through. Add ${unmet[1]} to settings.middleware (it is in DEFAULT_MIDDLEWARE), or remove the decorator`,
      );
    }
  }
}
