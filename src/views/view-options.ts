/**
 * View options: small flags a decorator puts on a view method or a whole controller,
 * read by middleware at start-up or in `processView` (e.g. csrfExempt, loginRequired).
 */
import { VIEW_OPTIONS_KEY, type ViewOptions } from '../metadata/keys';

/**
 * Builds a decorator that sets `options[key] = value` on a method, or on every method of a
 * class. Built-in decorators such as `@CsrfExempt()` are made with it.
 *
 * @example export const Audited = () => ViewOption('audited', true);
 */
export function ViewOption(key: string, value: unknown): ClassDecorator & MethodDecorator {
  return (target: object, propertyKey?: string | symbol) => {
    const ctor = propertyKey === undefined ? target : (target as { constructor: object }).constructor;
    const method = propertyKey === undefined ? '' : String(propertyKey);
    const all = new Map<string, Record<string, unknown>>(
      (Reflect.getOwnMetadata(VIEW_OPTIONS_KEY, ctor) as Map<string, Record<string, unknown>> | undefined) ?? [],
    );
    all.set(method, { ...all.get(method), [key]: value });
    Reflect.defineMetadata(VIEW_OPTIONS_KEY, all, ctor);
  };
}

/** Class-wide options overlaid with the method's own. */
export function viewOptions(ctor: object, methodName: string): Record<string, unknown> {
  const all = Reflect.getMetadata(VIEW_OPTIONS_KEY, ctor) as Map<string, Record<string, unknown>> | undefined;
  return Object.freeze({ ...all?.get(''), ...all?.get(methodName) });
}

/**
 * Errors of these views (or of every view of a controller, and of unknown paths under its
 * prefix) are problem+json whatever the Accept header: an API's 404/405/500 never HTML.
 *
 * @example @Route('/api', { name: 'api' }) @JsonErrors() export class ApiController {}
 */
export const JsonErrors = (): ClassDecorator & MethodDecorator => ViewOption('jsonErrors', true);

/** View options that only work with a middleware in the chain: key → [decorator, middleware class name]. */
const NEEDS = new Map<string, readonly [string, string]>();

/**
 * Declares that views carrying option `key` need the middleware named `middleware` (or a
 * subclass of it); createApp refuses an app where such a view has none, instead of the
 * protection silently not running.
 */
export function viewOptionNeeds(key: string, decorator: string, middleware: string): void {
  NEEDS.set(key, [decorator, middleware]);
}

/** The first option of `options` whose middleware is not among `present`, as [decorator, middleware]. */
export function unmetViewNeed(
  options: ViewOptions,
  present: ReadonlySet<string>,
): readonly [string, string] | undefined {
  for (const [key, need] of NEEDS) {
    if (options[key] !== undefined && options[key] !== false && !present.has(need[1])) return need;
  }
  return undefined;
}
