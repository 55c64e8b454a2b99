/**
 * Which WebSocketConnection a `@WebSocket` view's request carries: set by the route's
 * wrapper just before the view runs, read by the `@Socket()` argument.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { HttpRequest } from '../http/request';
import type { WebSocketConnection } from '../realtime/connection';

export const connections = new WeakMap<HttpRequest, WebSocketConnection>();

export function socketOf(request: HttpRequest, source: string): WebSocketConnection {
  const connection = connections.get(request);
  if (connection === undefined)
    throw new ImproperlyConfigured('WEBSOCKET_INVALID', `@Socket() on ${source}, which is not a @WebSocket route`);
  return connection;
}
