/**
 * WebSocket routes, declared like views: `@WebSocket('/ws/articles/<slug:slug>/')` on a
 * controller method makes it a GET route that only takes WebSocket upgrades. The upgrade
 * request goes through the middleware as any request (host validation, session, user,
 * token authentication, `@LoginRequired`...), then the route checks the Origin (a browser
 * page of another site cannot open it with the user's cookies), then the view runs with
 * its `@Socket()` connection: it may refuse with an HTTP answer (a 403, a 404), or set up
 * the connection's handlers and rooms. The handshake completes after it returns.
 */
import type { WebSocket as Ws, WebSocketServer } from 'ws';
import type { Settings } from '../app/settings';
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import { UpgradeResponse, type UpgradeHandler } from '../server/upgrade';
import { isPromise } from '../http/maybe-promise';
import type { CompiledView } from '../kernel/view-compiler';
import { VIEW_PARAMS_KEY, type ParamMeta } from '../metadata/keys';
import type { Logger } from '../observability/logger';
import type { RouteTable } from '../routing/route-table';
import { Get } from '../routing/route-decorators';
import { ViewOption } from '../views/view-options';
import { wrapView } from '../views/view-wrappers';
import { WebSocketConnection, type RoomRegistry, type WebSocketOptions } from './connection';
import { connections } from '../views/socket-argument';

const DEFAULTS: Required<Omit<WebSocketOptions, 'name'>> = {
  json: true,
  maxPayload: 64 * 1024,
  maxBuffered: 1024 * 1024,
  heartbeat: 30_000,
};

/**
 * A WebSocket route. The method takes the connection with `@Socket()`, and any other view
 * parameter (`@Param`, `@User`, `@Req`...).
 *
 * @example
 * @WebSocket('/ws/articles/<slug:slug>/', { name: 'live' })
 * live(@Socket() socket: WebSocketConnection, @Param('slug') slug: string) {
 *   socket.join(`article:${slug}`);
 * }
 */
export function WebSocket(path: string, options: WebSocketOptions = {}): MethodDecorator {
  const route = Get(path, { name: options.name });
  const marker = ViewOption('websocket', { ...DEFAULTS, ...options });
  return (target, key, descriptor) => {
    route(target, key, descriptor);
    marker(target, key, descriptor);
  };
}

/** The view's WebSocketConnection (only on a `@WebSocket` route). */
export function Socket(): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) return;
    const ctor = (target as { constructor: object }).constructor;
    const all = new Map<string, ParamMeta[]>(
      (Reflect.getOwnMetadata(VIEW_PARAMS_KEY, ctor) as Map<string, ParamMeta[]> | undefined) ?? [],
    );
    all.set(String(key), [...(all.get(String(key)) ?? []), { index, kind: 'socket', name: undefined }]);
    Reflect.defineMetadata(VIEW_PARAMS_KEY, all, ctor);
  };
}

const UPGRADE_REQUIRED = 'This URL takes WebSocket connections only (Upgrade Required)';

/** An upgrade request for a WebSocket (RFC 6455 §4.1: GET, Upgrade: websocket). */
function wantsWebSocket(request: HttpRequest): boolean {
  return request.method === 'GET' && /(^|,)\s*websocket\s*(,|$)/i.test(request.headers.get('upgrade') ?? '');
}

/** The Origin is this site, or one of csrfTrustedOrigins; absent (not a browser) is allowed. */
function originAllowed(request: HttpRequest, trusted: readonly string[]): boolean {
  const origin = request.headers.get('origin');
  if (origin === undefined) return true;
  if (origin === `${request.scheme}://${request.getHost()}`) return true;
  return trusted.includes(origin);
}

export interface WebSocketRuntime {
  settings: Readonly<Settings>;
  logger: Logger;
  rooms: RoomRegistry;
}

/** At each build: every `@WebSocket` view gets its handshake wrapper (and a check of its parameters). */
export function wrapWebSocketViews(routes: RouteTable<CompiledView>, runtime: WebSocketRuntime): void {
  for (const { handler: view } of routes.list()) {
    const options = view.info.options.websocket as Required<Omit<WebSocketOptions, 'name'>> | undefined;
    if (options === undefined) continue;
    const { source, controller, methodName } = view.info;
    const params = (Reflect.getMetadata(VIEW_PARAMS_KEY, controller) as Map<string, ParamMeta[]> | undefined)?.get(
      methodName,
    );
    if (!params?.some((param) => param.kind === 'socket'))
      throw new ImproperlyConfigured(
        'WEBSOCKET_INVALID',
        `@WebSocket on ${source} has no @Socket() parameter; add one (socket: WebSocketConnection) to use the connection`,
      );
    const server = webSocketServer(options.maxPayload);
    wrapView(view, 'websocket (upgrade, Origin check)', (call) => (request, routeParams) => {
      if (!wantsWebSocket(request))
        return new HttpResponse(UPGRADE_REQUIRED, {
          status: 426,
          headers: { Upgrade: 'websocket', Connection: 'Upgrade', 'Content-Type': 'text/plain; charset=utf-8' },
        });
      if (!originAllowed(request, runtime.settings.csrfTrustedOrigins))
        return new HttpResponse(
          `Forbidden (403): WebSocket Origin '${request.headers.get('origin')}' is not this site nor one of settings.csrfTrustedOrigins`,
          { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
        );
      const connection = new WebSocketConnection(request, options, runtime.rooms, runtime.logger);
      connections.set(request, connection);
      const accept = (result: unknown) => {
        if (result instanceof HttpResponse) {
          connection.close(); // refused: its queue and rooms go
          return result;
        }
        return new UpgradeResponse({
          upgrade: (...upgrade) => handshake(server, connection, ...upgrade),
        });
      };
      const result = call(request, routeParams);
      return isPromise(result) ? result.then(accept) : accept(result);
    });
  }
}

type Upgrade = Parameters<UpgradeHandler['upgrade']>;

/** Set-Cookie values for a handshake under way, read by the server's 'headers' event. */
const handshakeCookies = new WeakMap<Upgrade[0], readonly string[]>();

function handshake(
  server: WebSocketServer,
  connection: WebSocketConnection,
  ...[req, socket, head, setCookies]: Upgrade
) {
  if (setCookies.length > 0) handshakeCookies.set(req, setCookies);
  server.handleUpgrade(req, socket, head, (ws: Ws) => connection.attach(ws));
  return connection;
}

const servers = new Map<number, WebSocketServer>();

/** One `ws` server per message limit (it only performs handshakes: `noServer`, no client list). */
function webSocketServer(maxPayload: number): WebSocketServer {
  let server = servers.get(maxPayload);
  if (server === undefined) {
    const { WebSocketServer: Server } = require('ws') as typeof import('ws');
    server = new Server({ noServer: true, maxPayload, perMessageDeflate: false, clientTracking: false });
    // ws writes the 101 itself: the middleware's cookies join its headers here.
    server.on('headers', (headers: string[], req: Upgrade[0]) => {
      for (const value of handshakeCookies.get(req) ?? []) headers.push(`Set-Cookie: ${value}`);
    });
    servers.set(maxPayload, server);
  }
  return server;
}
