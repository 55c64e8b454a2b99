/**
 * One WebSocket connection as a view sees it. The view runs before the handshake
 * completes (so it can refuse with an HTTP answer): what it sends meanwhile is queued, and
 * its handlers are attached once the socket opens. Messages are JSON by default: a text
 * frame that is not JSON closes the connection with 1007, a frame over `maxPayload` with
 * 1009 (by `ws`), and a client that reads slower than the server sends, past
 * `maxBuffered` bytes, with 1013 (the server keeps no unbounded queue for it).
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { HttpRequest } from '../http/request';
import type { Logger } from '../observability/logger';

export interface WebSocketOptions {
  /** Route name, for `reverse`. */
  name?: string;
  /** Parse each text message as JSON (default true); false hands the handler strings and Buffers. */
  json?: boolean;
  /** Largest message in bytes; larger closes with 1009 (default 64 KiB). */
  maxPayload?: number;
  /** Bytes queued for a slow client before it is dropped with 1013 (default 1 MiB). */
  maxBuffered?: number;
  /** ms between pings; a client that does not answer one by the next is dropped (default 30 000, 0 = none). */
  heartbeat?: number;
}

/** Close codes Rondo uses (RFC 6455 §7.4). */
export const CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED: 1003,
  INVALID_DATA: 1007,
  POLICY: 1008,
  TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
} as const;

/** Gets each message: parsed JSON on a JSON route, else a string (text) or a Buffer (binary). */
export type MessageHandler = (message: unknown) => unknown;
/** Gets the close code and reason once the connection has closed. */
export type CloseHandler = (code: number, reason: string) => unknown;

/** Where connections join and leave rooms (the app's Channels). */
export interface RoomRegistry {
  join(connection: WebSocketConnection, room: string): void;
  leave(connection: WebSocketConnection, room: string): void;
  closed(connection: WebSocketConnection): void;
}

export class WebSocketConnection {
  readonly id = randomUUID();
  /** The upgrade request (its user, session, path parameters were the view's). */
  readonly request: HttpRequest;
  private socket: WebSocket | undefined;
  private queued: string[] = [];
  private readonly messageHandlers: MessageHandler[] = [];
  private readonly closeHandlers: CloseHandler[] = [];
  private readonly joined = new Set<string>();
  private readonly controller = new AbortController();
  private ended = false;

  constructor(
    request: HttpRequest,
    private readonly options: Required<Omit<WebSocketOptions, 'name'>>,
    private readonly rooms: RoomRegistry,
    private readonly logger: Logger,
  ) {
    this.request = request;
  }

  /** Aborted when the connection closes (either side): where the view unsubscribes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isOpen(): boolean {
    return this.socket !== undefined && !this.ended;
  }

  /** The rooms this connection is in. */
  get roomNames(): ReadonlySet<string> {
    return this.joined;
  }

  /** Sends one message (a value that is not a string is sent as JSON); false once closed or dropped. */
  send(message: unknown): boolean {
    if (this.ended) return false;
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (this.socket === undefined) {
      this.queued.push(text);
      return true;
    }
    if (this.socket.bufferedAmount + text.length > this.options.maxBuffered) {
      this.close(CLOSE.TRY_AGAIN_LATER, 'slow consumer: too many messages waiting');
      return false;
    }
    this.socket.send(text);
    return true;
  }

  /** Called with each message from the client (parsed JSON unless the route says json: false). */
  onMessage(handler: MessageHandler): void {
    this.messageHandlers.push(handler);
  }

  /** Called once when the connection closes, with the close code and reason. */
  onClose(handler: CloseHandler): void {
    this.closeHandlers.push(handler);
  }

  /** Joins a room: `channels.broadcast(room, message)` reaches this connection (on every instance, with Redis). */
  join(room: string): void {
    if (this.ended) return;
    this.joined.add(room);
    this.rooms.join(this, room);
  }

  leave(room: string): void {
    this.joined.delete(room);
    this.rooms.leave(this, room);
  }

  /** Closes with `code` (default 1000) and a reason of at most 123 bytes. */
  close(code: number = CLOSE.NORMAL, reason = ''): void {
    if (this.socket === undefined) {
      this.finish(code, reason);
      return;
    }
    if (!this.ended) this.socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
  }

  /** @internal The handshake completed: flush what the view sent, start listening. */
  attach(socket: WebSocket): void {
    if (this.ended) {
      socket.close(CLOSE.GOING_AWAY, 'closed before the handshake completed');
      return;
    }
    this.socket = socket;
    let alive = true;
    const ping =
      this.options.heartbeat > 0
        ? setInterval(() => {
            if (!alive) return socket.terminate();
            alive = false;
            socket.ping();
          }, this.options.heartbeat)
        : undefined;
    ping?.unref();
    socket.on('pong', () => (alive = true));
    socket.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    // ws closes the socket itself on a protocol error (bad frame 1002, bad UTF-8 1007, too big 1009).
    socket.on('error', (error) => this.logger.debug(`WebSocket ${this.request.path}: ${error.message}`));
    socket.on('close', (code, reason) => {
      clearInterval(ping);
      this.finish(code, reason.toString());
    });
    const queued = this.queued;
    this.queued = [];
    for (const text of queued) this.send(text);
  }

  /** @internal The server stops: 1001. */
  shutdown(): void {
    this.close(CLOSE.GOING_AWAY, 'server shutting down');
  }

  /** @internal The server's shutdownTimeout passed: cut. */
  terminate(): void {
    this.socket?.terminate();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    let message: unknown = isBinary ? data : data.toString('utf8');
    if (this.options.json) {
      if (isBinary) return this.close(CLOSE.UNSUPPORTED, 'binary messages are not accepted here: send JSON text');
      try {
        message = JSON.parse(message as string);
      } catch {
        return this.close(CLOSE.INVALID_DATA, 'message is not JSON');
      }
    }
    for (const handler of this.messageHandlers) {
      try {
        const result = handler(message);
        if (result instanceof Promise) result.catch((error: unknown) => this.failed(error));
      } catch (error) {
        this.failed(error);
      }
    }
  }

  private failed(error: unknown): void {
    this.logger.error(
      `WebSocket ${this.request.path}: a message handler failed; the connection is closed (1011)`,
      error,
    );
    this.close(CLOSE.SERVER_ERROR, 'server error');
  }

  private finish(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.queued = [];
    this.rooms.closed(this);
    this.joined.clear();
    this.controller.abort();
    for (const handler of this.closeHandlers) {
      try {
        handler(code, reason);
      } catch (error) {
        this.logger.error(`WebSocket ${this.request.path}: an onClose handler failed`, error);
      }
    }
  }
}
