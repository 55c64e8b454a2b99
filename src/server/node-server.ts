/**
 * The node:http adapter: turns IncomingMessage into a RequestInit, runs the app, writes
 * the response, and manages the listening server (timeouts, graceful close). The only
 * module importing node:http.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { HttpRequest, RequestInit } from '../http/request';
import type { HttpResponse } from '../http/response';
import { isPromise, type MaybePromise } from '../http/maybe-promise';
import { accessLogTo } from './access-log';
import type { Logger } from '../observability/logger';
import { ResponseDeadline } from './response-deadline';
import { loggedPath, writeResponse } from './response-writer';
import { UpgradeResponse, type UpgradedConnection } from './upgrade';

/** What the server needs from an app. */
export interface ServedApp {
  createRequest(init: RequestInit): HttpRequest;
  /** The whole cycle; never rejects. */
  handle(request: HttpRequest): MaybePromise<HttpResponse>;
  readonly logger: Logger;
  readonly settings: Readonly<{ accessLog: boolean }>;
}

const WRITE_FAILED = 'Server Error (500)';
const TIMED_OUT = 'Service Unavailable (503): the response took too long';

export interface ServerLimits {
  headersTimeout: number;
  requestTimeout: number;
  /** ms a socket may read nothing while its response is pending, or stay silent while it streams (0 = no deadline). */
  responseTimeout: number;
  keepAliveTimeout: number;
  maxHeaderSize: number;
  maxRequestsPerSocket: number;
  shutdownTimeout: number;
}

export interface ListenOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /**
   * Shut down gracefully on SIGTERM/SIGINT and exit: 0, or 1 when connections were cut at
   * shutdownTimeout, an onShutdown hook failed, a second signal came, or all that took
   * longer than 2 × shutdownTimeout. Default true.
   */
  handleSignals?: boolean;
  /** Run N worker processes sharing the port (node:cluster); 'auto' = one per CPU. Default: none. */
  workers?: number | 'auto';
}

/** Host field lines in the raw headers: node keeps the first, RFC 9112 wants a 400 for two. */
function hostLines(raw: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host')) count++;
  }
  return count;
}

function toInit(req: IncomingMessage): RequestInit {
  const socket = req.socket as Socket & { encrypted?: boolean };
  return {
    hostLines: hostLines(req.rawHeaders),
    headerLines: req.rawHeaders.length / 2,
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    body: req,
    remoteAddress: socket.remoteAddress,
    encrypted: socket.encrypted === true,
    httpVersion: req.httpVersion,
  };
}

/**
 * The socket's last resort, when no HttpResponse can be written (the kernel rejected, which
 * is a Rondo bug, or writing the app's response failed): a bare 500, or a cut connection
 * once the headers were sent. Every error page an app serves comes from the kernel.
 */
function abort(app: ServedApp, res: ServerResponse, what: string, error: unknown): void {
  app.logger.error(`${what} for ${res.req.method} ${loggedPath(res.req.url)}`, error);
  if (res.headersSent) res.destroy();
  else
    res
      .writeHead(500, ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(WRITE_FAILED.length)])
      .end(WRITE_FAILED);
}

/** Unread bodies up to this declared size are drained by node and the connection kept (as Go does). */
const DRAIN_LIMIT = 64 * 1024;

/**
 * True while the request still has body bytes on the way that are not worth draining:
 * chunked, or a Content-Length over DRAIN_LIMIT, and node has not seen its end. (A GET
 * answered synchronously is not complete yet either, hence the header checks.)
 */
function bodyStillArriving(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0' && !(Number(length) <= DRAIN_LIMIT);
  return req.headers['transfer-encoding'] !== undefined;
}

function write(app: ServedApp, res: ServerResponse, response: HttpResponse, isHead: boolean): void {
  // Answering before the body was read (404 or 413 on a POST, a view that ignored it): say
  // `Connection: close` and close after the response, instead of reading the rest of a
  // body that may be huge or never end, or taking its bytes for the next request.
  if (bodyStillArriving(res.req)) res.shouldKeepAlive = false;
  try {
    writeResponse(res, response, isHead, app.logger);
  } catch (error) {
    abort(app, res, 'Could not write the response', error);
  }
}

/** Temporary upload files and the like go once the response is done (or the client left). */
function cleanupAfter(request: HttpRequest, res: ServerResponse): void {
  if (!request.hasCleanups) return;
  if (res.writableFinished || res.destroyed) void request.cleanup();
  else res.once('close', () => void request.cleanup());
}

/** How `startServer` runs the listener: the response deadline, and the server to watch closing. */
interface ListenerOptions {
  /** Undefined when responseTimeout is 0. */
  deadline: ResponseDeadline | undefined;
  server: http.Server;
  /** The connections upgraded (WebSockets), closed when the server stops. */
  upgraded: Set<UpgradedConnection>;
}

/** The head bytes that came with each upgrade request (what ws reads first). */
const upgradeHeads = new WeakMap<IncomingMessage, Buffer>();

/**
 * A view accepted an upgrade (a WebSocket): the socket leaves HTTP and goes to its handler.
 * A 101 for a request that did not ask to upgrade is a Rondo bug: answered 500.
 */
function upgrade(
  app: ServedApp,
  res: ServerResponse,
  response: HttpResponse,
  upgraded: Set<UpgradedConnection> | undefined,
): void {
  const head = upgradeHeads.get(res.req);
  const socket = res.socket;
  if (!(response instanceof UpgradeResponse) || head === undefined || socket === null || upgraded === undefined)
    return abort(app, res, 'A 101 answer to a request that cannot be upgraded here (a Rondo bug)', response.status);
  res.detachSocket(socket);
  socket.setTimeout(0); // its own heartbeats watch it from now on
  const setCookies = response.cookieCount === 0 ? [] : [...response.cookies.values()];
  const connection = response.handler.upgrade(res.req, socket, head, setCookies);
  upgraded.add(connection);
  socket.once('close', () => upgraded.delete(connection));
}

/**
 * Node's 'upgrade' event has no ServerResponse: one is made on the socket, so the request
 * goes through the same listener (middleware, routing, views) and a refusal is an ordinary
 * response, after which the socket closes.
 */
function upgradeListener(listener: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    upgradeHeads.set(req, head);
    const res = new http.ServerResponse(req);
    res.assignSocket(socket);
    res.shouldKeepAlive = false;
    res.once('finish', () => socket.end());
    socket.on('error', () => socket.destroy());
    listener(req, res);
  };
}

/**
 * A `(req, res)` listener for `http.createServer(app.handler)`. Under `startServer`, a
 * pending or streamed response is under the response deadline (a synchronous answer
 * costs nothing for it), and requests during a close end their keep-alive.
 */
export function requestListener(
  app: ServedApp,
  serving?: ListenerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const log = app.settings.accessLog ? accessLogTo(app.logger) : undefined;
  const deadline = serving?.deadline;
  /** Writes the app's response (a stream stays under the deadline: it can stall), then cleans up. */
  const send = (request: HttpRequest, res: ServerResponse, response: HttpResponse): void => {
    if (response.status === 101) return upgrade(app, res, response, serving?.upgraded);
    if (response.stream !== undefined) deadline?.streaming(res.req.socket);
    write(app, res, response, res.req.method === 'HEAD');
    cleanupAfter(request, res);
  };
  return (req, res) => {
    if (serving !== undefined && !serving.server.listening) res.shouldKeepAlive = false; // closing: no keep-alive
    const startedAt = log === undefined ? 0 : performance.now();
    const request = app.createRequest(toInit(req));
    const result = app.handle(request);
    log?.(request, res, startedAt);
    if (!isPromise<HttpResponse>(result)) return send(request, res, result);
    // An asynchronous answer waits under the deadline; one then() for it, no async frames.
    const waiting = deadline?.pending(res);
    result.then(
      (response) => {
        if (waiting !== undefined) deadline!.answered(waiting);
        send(request, res, response);
      },
      (error: unknown) => {
        if (waiting !== undefined) deadline!.answered(waiting);
        abort(app, res, 'The kernel rejected (a Rondo bug)', error);
        cleanupAfter(request, res);
      },
    );
  };
}

/**
 * A view still working at the deadline (see response-deadline.ts): a 503 in its place,
 * and the socket closes after it (the view's late answer is dropped), freeing the socket
 * and its descriptor.
 */
function answerLate(app: ServedApp, res: ServerResponse): void {
  app.logger.warn(`No response within responseTimeout for ${res.req.method} ${loggedPath(res.req.url)}; answered 503`);
  res.shouldKeepAlive = false;
  res
    .writeHead(503, [
      'Content-Type',
      'text/plain; charset=utf-8',
      'Content-Length',
      String(TIMED_OUT.length),
      'Retry-After',
      '1',
    ])
    .end(TIMED_OUT);
  // A client that does not read the 503 does not keep the socket either.
  const socket = res.socket;
  if (socket === null) return;
  const stuck = setTimeout(() => socket.destroy(), 1000);
  stuck.unref();
  socket.once('close', () => clearTimeout(stuck));
}

/** A listening server. `close()` stops accepting and waits for in-flight requests. */
export class RunningServer {
  /** The bound port (kept after close, for messages). */
  readonly port: number;
  /** The bound address. */
  readonly host: string;
  /** True when close() had to cut connections still busy at the deadline. */
  forced = false;
  private closing: Promise<void> | undefined;

  constructor(
    readonly server: http.Server,
    private readonly shutdownTimeout: number,
    private readonly upgraded: Set<UpgradedConnection> = new Set(),
  ) {
    const address = server.address() as AddressInfo;
    this.port = address.port;
    this.host = address.address;
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}`;
  }

  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.closing = new Promise((resolve) => {
        const force = setTimeout(() => {
          this.forced = true;
          this.server.closeAllConnections();
          for (const connection of this.upgraded) connection.terminate();
        }, this.shutdownTimeout);
        force.unref();
        // Sockets whose last request finishes during the close go idle: sweep them promptly
        // instead of waiting for keepAliveTimeout.
        const sweep = setInterval(() => this.server.closeIdleConnections(), 50);
        this.server.close(() => {
          clearTimeout(force);
          clearInterval(sweep);
          resolve();
        });
        this.server.closeIdleConnections();
        // Upgraded connections are not HTTP's to close: each is told the server is going away.
        for (const connection of this.upgraded) connection.shutdown();
      });
    }
    return this.closing;
  }
}

/** What `app.listen()` returns: the bound address and a graceful `close()`. */
export interface ServerHandle {
  readonly port: number;
  readonly host: string;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts node:http with the hardened limits from settings. */
export function startServer(app: ServedApp, limits: ServerLimits, options: ListenOptions): Promise<RunningServer> {
  const server = http.createServer({
    maxHeaderSize: limits.maxHeaderSize,
    requestTimeout: limits.requestTimeout,
    headersTimeout: limits.headersTimeout,
    keepAliveTimeout: limits.keepAliveTimeout,
    // node checks the two timeouts on this interval (30 s by default): check often enough
    // that a slowloris client is cut off close to headersTimeout.
    connectionsCheckingInterval: Math.max(100, Math.min(limits.headersTimeout, limits.requestTimeout || Infinity) / 4),
  });
  const deadline =
    limits.responseTimeout > 0
      ? new ResponseDeadline(limits.responseTimeout, (res) => answerLate(app, res))
      : undefined;
  const upgraded = new Set<UpgradedConnection>();
  const listener = requestListener(app, { deadline, server, upgraded });
  server.on('request', listener);
  server.on('upgrade', upgradeListener(listener));
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  if (deadline !== undefined) {
    // A stalled stream (armed by the deadline) or an idle keep-alive socket: cut.
    server.on('timeout', (socket: Socket) => socket.destroy());
    server.once('close', () => deadline.stop());
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8000, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve(new RunningServer(server, limits.shutdownTimeout, upgraded));
    });
  });
}
