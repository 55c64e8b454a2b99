/**
 * One build of an app (at start-up, and again after `override`): the container, the route
 * table with its compiled views, the middleware instances, the exception-to-response place
 * and the kernel around them. App keeps what a build gives and rebuilds on overrides.
 */
import type { Class } from '../metadata/keys';
import { RequestSignalsMiddleware } from '../middleware/request-signals';
import { Signals, receiversOf, requestFinished, requestStarted } from '../signals/signals';
import { Channels } from '../realtime/channels';
import { wrapWebSocketViews } from '../realtime/websocket';
import type { AppContainer } from '../di/container-builder';
import type { CookieSigning } from '../http/cookie-signing';
import type { Handler } from '../kernel/chain';
import { exceptionConverter, type ExceptionHandler } from '../kernel/exception-response';
import { Kernel } from '../kernel/kernel';
import type { CompiledView } from '../kernel/view-compiler';
import type { Token } from '../metadata/keys';
import type { Logger } from '../observability/logger';
import type { RouteTable } from '../routing/route-table';
import type { Templates } from '../templates/templates';
import { captureQueries, capturedQueries } from '../db/query-log';
import { buildAppContainer, type AppParts } from './app-container';
import type { AppResources } from './app-resources';
import type { ExplainParts } from './explain';
import type { LifecycleHooks } from './lifecycle-hooks';
import { checkViewNeeds, instantiateMiddleware, orderMiddleware } from './middleware-stack';
import type { RequestFactory } from './request-factory';
import { buildRouteTable, jsonErrorPrefixes, routeInfos } from './route-compiler';
import type { Settings } from './settings';
import { addStaticRoute } from './static-route';

/** What a build reads: the app's settings, parts and the pieces that outlive builds. */
export interface BuildInputs {
  settings: Readonly<Settings>;
  parts: AppParts;
  overrides: ReadonlyMap<Token, unknown>;
  logger: Logger;
  templates: Templates;
  resources: AppResources;
  hooks: LifecycleHooks;
  requests: RequestFactory;
  signing: CookieSigning;
  app: object;
}

/** What a build gives the App. */
export interface BuiltApp {
  container: AppContainer;
  routes: RouteTable<CompiledView>;
  /** The whole cycle for one request; never rejects. */
  handle: Handler;
  explain: ExplainParts;
}

export function buildApp(inputs: BuildInputs): BuiltApp {
  const { settings, logger, templates, parts, resources } = inputs;
  // Receivers come from the app's own classes; request signals add their middleware only when received.
  const classes = [
    ...parts.providers.filter((provider): provider is Class => typeof provider === 'function'),
    ...parts.controllers,
    ...parts.middleware,
  ];
  const requestSignals = receiversOf(classes).some(
    (receiver) => receiver.signal === requestStarted || receiver.signal === requestFinished,
  );
  const ordered = orderMiddleware(requestSignals ? [...parts.middleware, RequestSignalsMiddleware] : parts.middleware);
  const container = buildAppContainer({
    parts,
    middleware: ordered.map((m) => m.cls),
    overrides: inputs.overrides,
    settings,
    logger,
    templates,
    app: inputs.app,
    values: resources.values,
  });
  container.get(Signals).connectReceivers(classes, (cls) => container.get<object>(cls));
  const routes = buildRouteTable(parts.controllers, container);
  checkViewNeeds(routes, ordered);
  addStaticRoute(routes, settings);
  resources.wrapViews(routes);
  wrapWebSocketViews(routes, { settings, logger, rooms: container.get(Channels) });
  const middleware = instantiateMiddleware(ordered, container);
  inputs.hooks.collect(container);
  inputs.requests.provideAppServices({ settings, templates, routes, container });
  const handler =
    parts.exceptionHandler === undefined ? undefined : container.get<ExceptionHandler>(parts.exceptionHandler);
  const jsonErrors = settings.jsonErrors || jsonErrorPrefixes(parts.controllers);
  const convert = exceptionConverter({
    debug: settings.debug,
    settings,
    logger,
    patterns: () => routeInfos(routes),
    handler,
    jsonErrors,
  });
  const kernel = new Kernel({ routes, middleware, convert, finish: inputs.signing.signPending });
  const debugSql = settings.debug && resources.database !== undefined;
  return {
    container,
    routes,
    handle: withDebugSql(kernel.handle, debugSql),
    explain: {
      routes,
      ordered,
      layers: middleware,
      container,
      requestWrappers: debugSql ? ['debug SQL capture (debug on)'] : [],
    },
  };
}

/** With debug on and models declared, each request records its SQL (the debug 500 page lists it). */
function withDebugSql(handle: Handler, debugSql: boolean): Handler {
  if (!debugSql) return handle;
  return (request) =>
    capturedQueries() === undefined
      ? captureQueries(() => handle(request)).then(({ result }) => result)
      : handle(request);
}
