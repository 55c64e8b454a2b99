/**
 * `@Route` and the verb shortcuts. They only record metadata; the route table is compiled
 * from it once at start-up.
 */
import { CONTROLLER_KEY, ROUTES_KEY, ownList, type ControllerMeta, type RouteMeta } from '../metadata/keys';

export interface RouteOptions {
  /** Route name (method) or namespace (class) for `reverse('namespace:name')`. */
  name?: string;
  /** HTTP methods; default ['GET'] (HEAD and OPTIONS are answered automatically). */
  methods?: string[];
}

function record(path: string, options: RouteOptions, defaultMethods: string[]) {
  return (target: object, propertyKey?: string | symbol): void => {
    if (propertyKey === undefined) {
      const meta: ControllerMeta = { prefix: path, namespace: options.name };
      Reflect.defineMetadata(CONTROLLER_KEY, meta, target);
      return;
    }
    const ctor = (target as { constructor: object }).constructor;
    const routes = ownList<RouteMeta>(ROUTES_KEY, ctor);
    routes.push({
      methodName: String(propertyKey),
      path,
      name: options.name,
      methods: (options.methods ?? defaultMethods).map((m) => m.toUpperCase()),
    });
    Reflect.defineMetadata(ROUTES_KEY, routes, ctor);
  };
}

/**
 * On a class: a controller with a URL prefix and a name namespace.
 * On a method: a view for `path` (GET by default; `methods` for others).
 *
 * @example
 * @Route('/posts', { name: 'posts' })
 * class PostController {
 *   @Route('/<int:id>', { name: 'detail' }) detail(request: HttpRequest, params: { id: number }) {}
 * }
 */
export function Route(path = '', options: RouteOptions = {}): ClassDecorator & MethodDecorator {
  return record(path, options, ['GET']);
}

function verb(method: string) {
  return (path = '', options: Omit<RouteOptions, 'methods'> = {}): MethodDecorator =>
    record(path, { ...options, methods: [method] }, [method]);
}

/** `@Get(path)` = `@Route(path, { methods: ['GET'] })`. */
export const Get = verb('GET');
/** `@Post(path)` = `@Route(path, { methods: ['POST'] })`. */
export const Post = verb('POST');
/** `@Put(path)`. */
export const Put = verb('PUT');
/** `@Patch(path)`. */
export const Patch = verb('PATCH');
/** `@Delete(path)`. */
export const Delete = verb('DELETE');
