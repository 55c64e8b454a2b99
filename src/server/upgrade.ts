/**
 * The answer to an HTTP Upgrade request that a view accepted (a WebSocket): the server
 * hands the request's socket to `upgrade` instead of writing a response. A view that
 * refuses answers with an ordinary response (403, 426...), written on the socket before
 * it closes.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpResponse } from '../http/response';

/** What the server keeps of an upgraded connection, to close it when the server stops. */
export interface UpgradedConnection {
  /** Ends the connection politely (a WebSocket's close frame 1001, going away). */
  shutdown(): void;
  /** Cuts it (shutdownTimeout passed and it has not closed). */
  terminate(): void;
}

export interface UpgradeHandler {
  /** `setCookies`: the response's Set-Cookie values (a session the middleware saved), sent with the 101. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, setCookies: readonly string[]): UpgradedConnection;
}

export class UpgradeResponse extends HttpResponse {
  constructor(readonly handler: UpgradeHandler) {
    super('', { status: 101 });
  }
}
