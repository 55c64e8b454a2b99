/**
 * The access log (`settings.accessLog: true`): one line per request once its response is
 * done or the client left: method, path (without the query string, which may carry
 * tokens), route name, status, duration, bytes sent (headers included), request id and
 * user id when the view loaded the user. Never a header, cookie, query or body.
 */
import type { ServerResponse } from 'node:http';
import type { HttpRequest } from '../http/request';
import type { Logger } from '../observability/logger';

export type AccessLog = (request: HttpRequest, res: ServerResponse, startedAt: number) => void;

function userIdOf(request: HttpRequest): string | number | undefined {
  const user = request.user as { isAuthenticated?: boolean; id?: unknown } | undefined;
  if (user?.isAuthenticated !== true) return undefined;
  return typeof user.id === 'number' || typeof user.id === 'string' ? user.id : undefined;
}

/** Call before the response is written: it notes the socket's byte count to subtract. */
export function accessLogTo(logger: Logger): AccessLog {
  return (request, res, startedAt) => {
    const socket = res.socket;
    const before = socket?.bytesWritten ?? 0;
    res.once('close', () => {
      const match = request.resolverMatch;
      logger.info(`${request.method} ${request.rawPath.slice(0, 500)} ${res.statusCode}`, {
        method: request.method,
        path: request.rawPath.slice(0, 500),
        route: match === undefined ? undefined : (match.name ?? match.route),
        status: res.statusCode,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
        bytes: (socket?.bytesWritten ?? before) - before,
        requestId: request.id,
        userId: userIdOf(request),
        aborted: res.writableFinished ? undefined : true,
      });
    });
  };
}
