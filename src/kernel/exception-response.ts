/**
 * Django's `convert_exception_to_response`: the one place an exception becomes a response.
 * HttpErrors become their status; anything else is a 500, logged once with the request
 * line. It never throws, so outer middleware always receive a response.
 */
import { isJsonType, prefersJson } from '../http/content-negotiation';
import { HttpError, MethodNotAllowed, SuspiciousOperation } from '../http/errors';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import { plainPage, problemResponse, technical404, technical500, technical500Json } from './error-pages';
import type { Logger } from './logger';

export interface ExceptionContext {
  debug: boolean;
  logger: Logger;
  /** Patterns for the debug 404 page. */
  patterns(): ReadonlyArray<{ path: string; methods: readonly string[]; name?: string }>;
}

/** Does this client want errors as problem+json? (Accept prefers JSON, or it sent JSON.) */
export function wantsJson(request: HttpRequest): boolean {
  return prefersJson(request.headers.get('accept')) || isJsonType(request.contentType);
}

export function exceptionToResponse(request: HttpRequest, error: unknown, context: ExceptionContext): HttpResponse {
  try {
    const response = error instanceof HttpError ? httpErrorResponse(request, error, context) : serverError(request, error, context);
    if (error instanceof MethodNotAllowed) response.headers.set('Allow', error.allowed.join(', '));
    return response;
  } catch (failure) {
    context.logger.error(`Rondo failed while rendering an error page for ${requestLine(request)}`, failure);
    return new HttpResponse('Server Error (500)', { status: 500, contentType: 'text/plain; charset=utf-8' });
  }
}

function httpErrorResponse(request: HttpRequest, error: HttpError, context: ExceptionContext): HttpResponse {
  const suspicious = error instanceof SuspiciousOperation;
  if (suspicious) context.logger.warn(`${error.name} on ${requestLine(request)}: ${error.message}`);
  // A suspicious request learns nothing about why it was refused unless debug is on.
  const detail = suspicious && !context.debug ? undefined : error.message;
  if (wantsJson(request)) return problemResponse(request, error.status, detail, error.extra);
  if (error.status === 404 && context.debug) return technical404(request, error.message, context.patterns());
  return plainPage(error.status, detail);
}

function serverError(request: HttpRequest, error: unknown, context: ExceptionContext): HttpResponse {
  context.logger.error(`Internal Server Error: ${requestLine(request)}`, error);
  const json = wantsJson(request);
  if (context.debug) return json ? technical500Json(request, error) : technical500(request, error);
  return json ? problemResponse(request, 500, undefined) : plainPage(500, undefined);
}

/** `GET /path` with the raw (encoded) path, capped: never headers or bodies. */
export function requestLine(request: HttpRequest): string {
  return `${request.method} ${request.rawPath.slice(0, 500)}`;
}
