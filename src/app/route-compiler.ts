/**
 * Builds an app's RouteTable from its controllers' metadata: joins class prefix and method
 * path, namespaces the names, and compiles each view. Runs once per app build. Also the
 * routes as `rondo routes` lists them (RouteInfo).
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { AppContainer } from '../di/container-builder';
import { compileView, type CompiledView } from '../kernel/view-compiler';
import { CONTROLLER_KEY, ROUTES_KEY, type Class, type ControllerMeta, type RouteMeta } from '../metadata/keys';
import { RouteTable } from '../routing/route-table';
import { viewOptions } from '../views/view-options';

/** `/posts` + `/` → `/posts/`; `/posts/` + `/x` → `/posts/x`; `` + `` → `/`. */
export function joinPath(prefix: string, path: string): string {
  if (prefix === '' || prefix === '/') return path === '' ? '/' : path.startsWith('/') ? path : `/${path}`;
  const base = prefix.startsWith('/') ? prefix : `/${prefix}`;
  if (path === '') return base;
  return base.endsWith('/') || path.startsWith('/')
    ? `${base.replace(/\/$/, '')}/${path.replace(/^\//, '')}`
    : `${base}/${path}`;
}

export function buildRouteTable(controllers: readonly Class[], container: AppContainer): RouteTable<CompiledView> {
  const table = new RouteTable<CompiledView>();
  for (const controller of controllers) {
    const meta = Reflect.getMetadata(CONTROLLER_KEY, controller) as ControllerMeta | undefined;
    const routes = (Reflect.getMetadata(ROUTES_KEY, controller) as RouteMeta[] | undefined) ?? [];
    if (routes.length === 0) {
      throw new ImproperlyConfigured(
        'CONTROLLER_EMPTY',
        `${controller.name} is a controller (@Route on the class) but has no routes; decorate its view methods with @Get(), @Post() or @Route()`,
      );
    }
    for (const route of routes) {
      const path = joinPath(meta?.prefix ?? '', route.path);
      const name =
        route.name === undefined ? undefined : meta?.namespace ? `${meta.namespace}:${route.name}` : route.name;
      const handler = compileView(
        { controller, methodName: route.methodName, name, route: path, methods: route.methods },
        container,
      );
      table.add({ path, methods: route.methods, name, handler, source: handler.info.source });
    }
  }
  return table;
}

/** Prefixes of controllers marked `@JsonErrors()`: errors under them are problem+json. */
export function jsonErrorPrefixes(controllers: readonly Class[]): string[] {
  return controllers
    .filter((controller) => viewOptions(controller, '').jsonErrors === true)
    .map((controller) =>
      joinPath((Reflect.getMetadata(CONTROLLER_KEY, controller) as ControllerMeta | undefined)?.prefix ?? '', ''),
    );
}

/** A route as `rondo routes` and the debug 404 page show it. */
export interface RouteInfo {
  path: string;
  methods: readonly string[];
  name: string | undefined;
  view: string;
  /** The controller class and method behind `view` (for tools such as `rondo check`). */
  controller: Function;
  methodName: string;
}

export function routeInfos(table: RouteTable<CompiledView>): RouteInfo[] {
  return table.list().map((r) => ({
    path: r.path,
    methods: r.methods,
    name: r.name,
    view: r.source,
    controller: r.handler.info.controller,
    methodName: r.handler.info.methodName,
  }));
}
