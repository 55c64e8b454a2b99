/**
 * Calls a view method with its arguments: built once per route at start-up from the
 * resolvers its parameter decorators compiled to (views/argument-resolvers.ts). Per
 * request it runs those resolvers and the method, nothing else. A view whose arguments are
 * all at hand is called synchronously; one asynchronous argument (a `@Body()`, a `@User()`)
 * costs one then(), or none when the value is already there.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import { isPromise } from '../http/maybe-promise';
import type { HttpRequest } from '../http/request';
import { compileResolvers, type Params } from '../views/argument-resolvers';

/** Calls a view on an instance with its arguments resolved. */
export type Invoker = (instance: object, request: HttpRequest, params: Params) => unknown;

type ViewMethod = (this: object, ...args: unknown[]) => unknown;

export function compileInvoker(ctor: Function, methodName: string, source: string): Invoker {
  const method = (ctor.prototype as Record<string, unknown>)[methodName];
  if (typeof method !== 'function') {
    throw new ImproperlyConfigured('VIEW_NOT_A_METHOD', `${source} is decorated as a route but is not a method`);
  }
  const view = method as ViewMethod;
  const specs = compileResolvers(ctor, methodName, source);
  if (specs === undefined) return (instance, request, params) => view.call(instance, request, params);
  const resolvers = specs.map((spec) => spec.resolve);
  const asynchronous = specs.filter((spec) => spec.async).length;
  if (asynchronous > 1) {
    return async (instance, request, params) => {
      const args: unknown[] = [];
      for (const resolve of resolvers) args.push(await resolve(request, params));
      return view.apply(instance, args);
    };
  }
  if (resolvers.length === 1 && asynchronous === 0) {
    // The common view (one @Param, @Query or @Req): no arguments array, no apply.
    const [only] = resolvers;
    return (instance, request, params) => view.call(instance, only(request, params));
  }
  // Every argument at once, except at most one asynchronous one, which the view waits for.
  const waitFor = specs.findIndex((spec) => spec.async);
  return (instance, request, params) => {
    const args: unknown[] = new Array<unknown>(resolvers.length);
    for (let i = 0; i < resolvers.length; i++) if (i !== waitFor) args[i] = resolvers[i](request, params);
    if (waitFor === -1) return view.apply(instance, args);
    const value = resolvers[waitFor](request, params);
    // A body the kernel loaded already is at hand: no then(), and no closure for one.
    if (!isPromise(value)) return callWith(view, instance, args, waitFor, value);
    return value.then((resolved) => callWith(view, instance, args, waitFor, resolved));
  };
}

function callWith(view: ViewMethod, instance: object, args: unknown[], at: number, value: unknown): unknown {
  args[at] = value;
  return view.apply(instance, args);
}
