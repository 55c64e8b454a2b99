/**
 * Parameter decorators of view methods. Each records which value the argument receives;
 * views/argument-resolvers compiles them into resolver functions at start-up.
 */
import { VIEW_PARAMS_KEY, type ParamKind, type ParamMeta } from '../metadata/keys';

function record(kind: ParamKind, name?: string): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey === undefined) return;
    const ctor = (target as { constructor: object }).constructor;
    const all = new Map<string, ParamMeta[]>(
      (Reflect.getOwnMetadata(VIEW_PARAMS_KEY, ctor) as Map<string, ParamMeta[]> | undefined) ?? [],
    );
    const list = [...(all.get(String(propertyKey)) ?? [])];
    list.push({ index, kind, name });
    all.set(String(propertyKey), list);
    Reflect.defineMetadata(VIEW_PARAMS_KEY, all, ctor);
  };
}

/** A converted path parameter (`@Param('id') id: number`), or all of them without a name. */
export const Param = (name?: string): ParameterDecorator => record('param', name);
/** A query parameter (last value), or the whole QueryDict without a name. */
export const Query = (name?: string): ParameterDecorator => record('query', name);
/**
 * The parsed body (JSON value or form fields as an object), validated when the type is a
 * DTO; `@Body('user')` takes that one member of a JSON object (or form field).
 */
export const Body = (key?: string): ParameterDecorator => record('body', key);
/** The HttpRequest. */
export const Req = (): ParameterDecorator => record('req');
/** A request header (case-insensitive). */
export const Header = (name: string): ParameterDecorator => record('header', name);
/** A cookie value. */
export const Cookie = (name: string): ParameterDecorator => record('cookie', name);
/** `request.session` (needs SessionMiddleware). */
export const Session = (): ParameterDecorator => record('session');
/** `request.user` (needs AuthenticationMiddleware). */
export const User = (): ParameterDecorator => record('user');
