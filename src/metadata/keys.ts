/**
 * The reflect-metadata keys every decorator writes under, and the shapes of what it writes.
 * Named once here; read only at start-up (never per request).
 */
import 'reflect-metadata';

/** Class-level `@Route`: URL prefix and name namespace. */
export const CONTROLLER_KEY = Symbol.for('rondo:controller');
/** Method-level `@Route` / `@Get`...: a list on the class. */
export const ROUTES_KEY = Symbol.for('rondo:routes');
/** `@Middleware(order)`. */
export const MIDDLEWARE_KEY = Symbol.for('rondo:middleware');
/** `@Injectable(options)`. */
export const INJECTABLE_KEY = Symbol.for('rondo:injectable');
/** `@Inject(token)` on constructor parameters: index → token. */
export const INJECT_KEY = Symbol.for('rondo:inject');
export const OPTIONAL_KEY = Symbol.for('rondo:optional');
/** Parameter decorators of view methods: method name → parameter list. */
export const VIEW_PARAMS_KEY = Symbol.for('rondo:view-params');
/** View options (csrfExempt, loginRequired...) by method name; '' holds the class-wide ones. */
export const VIEW_OPTIONS_KEY = Symbol.for('rondo:view-options');
export const DTO_TYPE_KEY = Symbol.for('rondo:dto-type');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any class, whatever its constructor takes
export type Class<T = any> = new (...args: any[]) => T;
/** A binding key: a class (abstract classes too, as interface-like tokens), a symbol or a string. */
export type Token<T = unknown> = Class<T> | (abstract new (...args: never[]) => T) | symbol | string;

export interface ControllerMeta {
  prefix: string;
  namespace: string | undefined;
}

export interface RouteMeta {
  methodName: string;
  path: string;
  name: string | undefined;
  methods: string[];
}

export interface MiddlewareMeta {
  order: number;
}

export type Scope = 'singleton' | 'request' | 'transient';

export interface InjectableMeta {
  scope: Scope;
}

export type ParamKind = 'param' | 'query' | 'body' | 'req' | 'header' | 'cookie' | 'session' | 'user' | 'socket';

export interface ParamMeta {
  index: number;
  kind: ParamKind;
  name: string | undefined;
}

/** Reads a list stored under `key` on `target`, copying so a subclass never mutates its parent's. */
export function ownList<T>(key: symbol, target: object): T[] {
  return [...((Reflect.getMetadata(key, target) as T[] | undefined) ?? [])];
}

/**
 * The options view decorators record on a view (or on every view of a controller), read at
 * start-up by the middleware and view wrappers they concern. Rondo's own are typed here;
 * an app's own (`ViewOption('audited', true)`) ride along under their keys.
 */
export interface ViewOptions {
  /** `@CsrfExempt()`: no CSRF check, and JSON bodies only unless `@Accepts` says otherwise. */
  readonly csrfExempt?: boolean;
  /** `@XFrameOptionsExempt()` */
  readonly xFrameOptionsExempt?: boolean;
  /** `@Accepts(...)`: the body media types the view takes. */
  readonly accepts?: readonly string[];
  /** `@Atomic()` (true) or `@NonAtomic()` (false): the view's transaction. */
  readonly atomic?: boolean;
  /** `@RateLimit({...})` */
  readonly rateLimit?: object;
  /** `@LoginRequired()` */
  readonly loginRequired?: boolean;
  /** `@PermissionRequired(...)` */
  readonly permissionRequired?: readonly string[];
  /** `@CachePage(seconds)` */
  readonly cachePage?: number;
  /** `@JsonErrors()` */
  readonly jsonErrors?: boolean;
  /** `@Csp(...)` / `@CspReportOnly(...)`: the compiled policy, or null for none. */
  readonly csp?: unknown;
  readonly cspReportOnly?: unknown;
  readonly [key: string]: unknown;
}
