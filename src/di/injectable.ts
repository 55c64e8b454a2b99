/**
 * DI decorators: `@Injectable` marks a service and its scope, `@Inject` names a token for one
 * constructor parameter. They only record; di/container-builder reads them at start-up.
 */
import {
  OPTIONAL_KEY,
  INJECT_KEY,
  INJECTABLE_KEY,
  type InjectableMeta,
  type Scope,
  type Token,
} from '../metadata/keys';

/** Injects the current HttpRequest into a request-scoped service. */
export const REQUEST: unique symbol = Symbol.for('rondo:REQUEST');
/** Injects the app's settings object. */
export const SETTINGS: unique symbol = Symbol.for('rondo:SETTINGS');
/** Injects the app's logger. */
export const LOGGER: unique symbol = Symbol.for('rondo:LOGGER');
/** The App itself: for parts that describe or drive the whole app (rondo/openapi's document). */
export const APP: unique symbol = Symbol.for('rondo:APP');

/**
 * Marks a class as a service the container builds. Singleton by default;
 * `{ scope: 'request' }` gives one instance per HTTP request, `'transient'` one per injection.
 *
 * @example
 * @Injectable({ scope: 'request' })
 * class Audit { constructor(@Inject(REQUEST) readonly request: HttpRequest) {} }
 */
export function Injectable(options: { scope?: Scope } = {}): ClassDecorator {
  return (target) => {
    const meta: InjectableMeta = { scope: options.scope ?? 'singleton' };
    Reflect.defineMetadata(INJECTABLE_KEY, meta, target);
  };
}

/**
 * Injects by token instead of by the parameter's type (for interfaces, strings, symbols).
 *
 * @example constructor(@Inject('Clock') clock: Clock) {}
 */
export function Inject(token: Token): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey !== undefined) return; // only constructor parameters are injected
    const tokens = new Map<number, Token>(
      (Reflect.getOwnMetadata(INJECT_KEY, target) as Map<number, Token> | undefined) ?? [],
    );
    tokens.set(index, token);
    Reflect.defineMetadata(INJECT_KEY, tokens, target);
  };
}

/**
 * Marks a constructor parameter as optional: when nothing is bound for it, it receives
 * `undefined` instead of failing start-up with DI_MISSING_BINDING.
 *
 * @example constructor(@Optional() @Inject(USER_LOADER) loader?: UserLoader) {}
 */
export function Optional(): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey !== undefined) return;
    const optional = new Set<number>((Reflect.getOwnMetadata(OPTIONAL_KEY, target) as Set<number> | undefined) ?? []);
    optional.add(index);
    Reflect.defineMetadata(OPTIONAL_KEY, optional, target);
  };
}
