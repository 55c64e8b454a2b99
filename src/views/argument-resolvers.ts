/**
 * Compiles a view method's parameter decorators into argument resolvers, once at
 * start-up (the kernel's view-invoker calls them). Per request only the precomputed
 * resolvers run: no metadata lookups.
 */
import { socketOf } from './socket-argument';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { BadRequest, UnsupportedMediaType } from '../http/errors';
import { isFormType, isJsonType } from '../http/content-negotiation';
import { whenReady } from '../http/maybe-promise';
import type { HttpRequest } from '../http/request';
import { VIEW_PARAMS_KEY, type ParamMeta } from '../metadata/keys';
import { bodyDtoResolver, queryDtoResolver } from '../validation/dto-arguments';
import { isDtoClass } from '../validation/dto-schema';

export type Params = Record<string, unknown>;
export type ArgResolver = (request: HttpRequest, params: Params) => unknown;

/** Resolves the argument for one decorated parameter (body parsing is async). */
export interface ResolverSpec {
  resolve: ArgResolver;
  async: boolean;
}

/**
 * True when the kernel loads a declared body before calling the view: the view takes the
 * request (no parameter decorators, or `@Req()`), so it may read `request.POST`/`FILES`
 * synchronously, or a `@Body()` without a DTO, which then costs no promise of its own (a
 * DTO's validation is asynchronous anyway: it reads the body itself). Other views never
 * make Rondo read a body.
 */
export function loadsBodyFirst(ctor: Function, methodName: string): boolean {
  const metas = (Reflect.getMetadata(VIEW_PARAMS_KEY, ctor) as Map<string, ParamMeta[]> | undefined)?.get(methodName);
  if (metas === undefined || metas.length === 0) return true;
  const types =
    (Reflect.getMetadata('design:paramtypes', ctor.prototype as object, methodName) as unknown[] | undefined) ?? [];
  return metas.some((m) => m.kind === 'req' || (m.kind === 'body' && !isDtoClass(types[m.index])));
}

/**
 * The resolvers of a view's decorated parameters, one per parameter in order (the
 * kernel's invoker calls them), or undefined for a view without parameter decorators
 * (called as `(request, params)`).
 */
export function compileResolvers(ctor: Function, methodName: string, source: string): ResolverSpec[] | undefined {
  const metas = (Reflect.getMetadata(VIEW_PARAMS_KEY, ctor) as Map<string, ParamMeta[]> | undefined)?.get(methodName);
  if (metas === undefined || metas.length === 0) return undefined;
  const types =
    (Reflect.getMetadata('design:paramtypes', ctor.prototype as object, methodName) as unknown[] | undefined) ?? [];
  const count = Math.max(...metas.map((m) => m.index)) + 1;
  const specs: ResolverSpec[] = [];
  for (let i = 0; i < count; i++) {
    const meta = metas.find((m) => m.index === i);
    if (meta === undefined) {
      throw new ImproperlyConfigured(
        'VIEW_PARAM_UNDECORATED',
        `Parameter #${i} of ${source} has no decorator while others do; decorate it (@Req(), @Param('x'), ...) so Rondo knows what to pass`,
      );
    }
    specs.push(resolverFor(meta, types[i], source));
  }
  return specs;
}

function resolverFor(meta: ParamMeta, type: unknown, source: string): ResolverSpec {
  const name = meta.name;
  const sync = (resolve: ArgResolver): ResolverSpec => ({ resolve, async: false });
  switch (meta.kind) {
    case 'req':
      return sync((request) => request);
    case 'param':
      return sync(
        name === undefined
          ? (_r, params) => params
          : (_r, params) => coerce(params[name], type, `path parameter '${name}'`),
      );
    case 'query':
      if (name === undefined && isDtoClass(type)) return { resolve: queryDtoResolver(type), async: true };
      return sync(
        name === undefined
          ? (request) => request.GET
          : (request) => coerce(request.GET.get(name), type, `query parameter '${name}'`),
      );
    case 'header':
      return sync((request) => coerce(request.headers.get(name!), type, `header '${name}'`));
    case 'cookie':
      return sync((request) => coerce(request.getCookie(name!), type, `cookie '${name}'`));
    case 'session':
      return sync((request) => request.session);
    case 'user':
      return { resolve: (request) => request.auser(), async: true };
    case 'socket':
      return sync((request) => socketOf(request, source));
    case 'body':
      if (isDtoClass(type)) return { resolve: bodyDtoResolver(type, name), async: true };
      return {
        resolve: name === undefined ? readBodyArgument : (request) => bodyMemberOf(readBodyArgument(request), name),
        async: true,
      };
    default:
      throw new ImproperlyConfigured('VIEW_PARAM_UNKNOWN', `Unknown parameter decorator on ${source}`);
  }
}

/**
 * `@Body()`: the JSON value, or the form fields as an object; at once when the kernel has
 * loaded the body, else once it is read (a JSON body's parse resolves with its value).
 */
function readBodyArgument(request: HttpRequest): unknown {
  if (request.isLoaded) return loadedBody(request);
  if (isJsonType(request.contentType)) return request.json();
  return request.load().then(() => loadedBody(request));
}

/** The loaded body as `@Body()` gives it; 415 for a media type that is neither JSON nor a form. */
function loadedBody(request: HttpRequest): unknown {
  const type = request.contentType;
  if (isJsonType(type)) return request.loadedJson();
  if (isFormType(type)) return request.POST.toObject();
  if (!request.hasBody) return undefined;
  throw new UnsupportedMediaType(`The body must be JSON or a form; got ${type || 'no Content-Type'}`);
}

/** `@Body('user')` without a DTO, once the body is there. */
function bodyMemberOf(body: unknown, key: string): unknown {
  return whenReady(body, (value) => bodyMember(value, key));
}

/** `@Body('user')` without a DTO: that member of the body object (undefined when absent). */
function bodyMember(body: unknown, key: string): unknown {
  if (body === undefined) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequest(`The body must be an object with a '${key}' member`);
  return Object.prototype.hasOwnProperty.call(body, key) ? (body as Record<string, unknown>)[key] : undefined;
}

const TRUE = new Set(['true', '1', 'on', 'yes']);
const FALSE = new Set(['false', '0', 'off', 'no', '']);

/** Converts a string from the URL or headers to the parameter's declared primitive type. */
function coerce(value: unknown, type: unknown, label: string): unknown {
  if (typeof value !== 'string') return value;
  if (type === Number) {
    const number = Number(value);
    if (value.trim() === '' || Number.isNaN(number))
      throw new BadRequest(`The ${label} must be a number; got ${JSON.stringify(value)}`);
    return number;
  }
  if (type === Boolean) {
    const lower = value.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    throw new BadRequest(`The ${label} must be true or false; got ${JSON.stringify(value)}`);
  }
  return value;
}
