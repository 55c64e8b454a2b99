/**
 * What the Conduit API controllers share: the caller (from `Authorization: Token <jwt>`
 * only; the API ignores cookie sessions, so CSRF does not concern it) and the error shape
 * `{"errors": {"<field>": ["..."]}}` for every failure under /api.
 */
import {
  HttpError,
  Injectable,
  JsonResponse,
  Unauthorized,
  ValidationFailed,
  type ExceptionHandler,
  type HttpRequest,
} from 'rondo';
import type { Member } from '../models/member';

/** The token's user, or undefined for an anonymous call. */
export function caller(request: HttpRequest): Member | undefined {
  return request.state.authenticatedBy === 'token' ? (request.user as Member) : undefined;
}

/** The token's user, else a 401. */
export function requireCaller(request: HttpRequest): Member {
  const member = caller(request);
  if (member === undefined)
    throw new Unauthorized('This needs Authorization: Token <token>', undefined, 'Token realm="api"');
  return member;
}

/** Every error of an /api request as Conduit's `{"errors": ...}`; other paths keep Rondo's pages. */
@Injectable()
export class ConduitErrors implements ExceptionHandler {
  handle(request: HttpRequest, error: unknown) {
    // rawPath, not path: a malformed path (/%ff) is itself the error being handled, and decoding it would throw again.
    if (!request.rawPath.startsWith('/api/') && request.rawPath !== '/api') return undefined;
    if (error instanceof ValidationFailed) return new JsonResponse({ errors: error.errors }, { status: 422 });
    if (!(error instanceof HttpError) || error.status >= 500) return undefined; // Rondo's 500 (logged, no details)
    const errors = (error.extra?.errors as Record<string, string[]> | undefined) ?? {
      [error.status === 401 ? 'token' : 'body']: [error.message],
    };
    // Rondo adds what the protocol requires (Allow, WWW-Authenticate, Retry-After) to this answer.
    return new JsonResponse({ errors }, { status: error.status });
  }
}
