/**
 * `rondo routes --explain GET /posts/42`: the effective pipeline of one request, read from
 * the app as it was built: the matched pattern and converted params, the middleware in
 * and out with their order and file, the processView hooks, the view, and the DI scope of
 * each of the controller's dependencies. Start-up and CLI only; nothing here runs per request.
 */
import type { AppContainer } from '../di/container-builder';
import { tokenName } from '../di/providers';
import type { ChainLayer } from '../kernel/chain';
import type { CompiledView } from '../kernel/view-compiler';
import type { Token } from '../metadata/keys';
import type { RouteTable } from '../routing/route-table';
import { HOOKS, type OrderedMiddleware } from './middleware-stack';

export interface ExplainedMiddleware {
  name: string;
  /** The class itself. */
  cls: Function;
  order: number;
  /** The module that defines the class, when it is loaded from a file. */
  file: string | undefined;
  /**
   * Which hooks it has: handle, processRequest, processResponse, processView, processException,
   * processTemplateResponse.
   */
  hooks: string[];
}

export interface Explanation {
  method: string;
  path: string;
  /** What the URL dispatcher decided. */
  outcome: 'route' | 'method-not-allowed' | 'not-found';
  pattern?: string;
  params?: Record<string, unknown>;
  name?: string;
  view?: string;
  viewOptions?: Record<string, unknown>;
  allowed?: readonly string[];
  middleware: ExplainedMiddleware[];
  /** The middleware whose processView runs before this view (appliesToView said yes). */
  processView?: string[];
  /** What wraps the whole request, outside the middleware (debug SQL capture with debug on). */
  requestWrappers: string[];
  /** What wraps the view's call (views/view-wrappers.ts), outermost first: 'rate limit ...', 'atomic ...'. */
  viewWrappers?: string[];
  controllerScope?: string;
  dependencies?: Array<{ token: string; scope: string }>;
}

export interface ExplainParts {
  routes: RouteTable<CompiledView>;
  ordered: readonly OrderedMiddleware[];
  layers: readonly ChainLayer[];
  container: AppContainer;
  requestWrappers: string[];
}

/** The loaded module whose exports hold `cls`, preferring the one that defines it over an index that re-exports it. */
function fileOf(cls: Function): string | undefined {
  const holders = Object.values(require.cache)
    .filter((module) => {
      const exported = module?.exports as Record<string, unknown> | undefined;
      return (
        exported !== undefined &&
        exported !== null &&
        typeof exported === 'object' &&
        Object.values(exported).includes(cls)
      );
    })
    .map((module) => module!.filename);
  return holders.find((file) => !/[\\/]index\.[cm]?js$/.test(file)) ?? holders[0];
}

export function explainRequest(parts: ExplainParts, method: string, path: string): Explanation {
  const middleware = parts.ordered.map(({ cls, order }, i) => ({
    name: cls.name,
    cls,
    order,
    file: fileOf(cls),
    hooks: HOOKS.filter(
      (hook) => typeof (parts.layers[i].instance as unknown as Record<string, unknown>)[hook] === 'function',
    ),
  }));
  const base = { method: method.toUpperCase(), path, middleware, requestWrappers: parts.requestWrappers };
  const url = new URL(path, 'http://explain.invalid');
  const match = parts.routes.match(base.method, url.pathname);
  if (match.kind === 'none') return { ...base, outcome: 'not-found' };
  if (match.kind === 'method') return { ...base, outcome: 'method-not-allowed', allowed: match.allowed };
  const { info } = match.route.handler;
  const controller = info.controller as Token;
  const scoped = (token: Token) => {
    try {
      return parts.container.scope(token);
    } catch {
      return 'unbound';
    }
  };
  return {
    ...base,
    outcome: 'route',
    pattern: match.route.path,
    params: match.params,
    name: match.route.name,
    view: match.route.source,
    viewOptions: { ...info.options },
    processView: parts.layers
      .filter(
        (layer) => typeof layer.instance.processView === 'function' && (layer.instance.appliesToView?.(info) ?? true),
      )
      .map((layer) => layer.label),
    viewWrappers: [...match.route.handler.wrappers],
    controllerScope: info.source === 'StaticFiles.serve' ? undefined : scoped(controller),
    dependencies: parts.container
      .dependencies(controller)
      .map((token) => ({ token: tokenName(token), scope: scoped(token) })),
  };
}
