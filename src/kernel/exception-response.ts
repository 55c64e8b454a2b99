/**
 * Django's `convert_exception_to_response`: the one place an exception becomes a response,
 * wherever it was raised (routing 404/405, body parsing, validation, processView hooks,
 * views, middleware). The app's ExceptionHandler sees every error first (Django's
 * handler404/handler500, DRF's EXCEPTION_HANDLER); what it leaves is answered here:
 * HttpErrors become their status, database errors a client causes their 4xx/503
 * (db/database-errors.ts), anything else a 500 logged once with the request line.
 * The converter never throws, so outer middleware always receive a response.
 */
import { isJsonType, prefersJson } from '../http/content-negotiation';
import { HttpError, MethodNotAllowed, SuspiciousOperation, TooManyRequests, Unauthorized } from '../http/errors';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import type { Logger } from '../observability/logger';
import { databaseHttpError } from '../db/database-errors';
import { isPromise, type MaybePromise } from '../http/maybe-promise';
import type { Convert } from './chain';
import { plainPage, problemResponse, technical404, technical500, technical500Json } from './error-pages';

/**
 * An app's own error responses, a class built by the container (`createApp({
 * exceptionHandler: ApiErrors })`). Return a response, or undefined for Rondo's own page.
 *
 * @example
 * @Injectable()
 * export class ApiErrors implements ExceptionHandler {
 *   handle(request: HttpRequest, error: unknown) {
 *     if (error instanceof ValidationFailed) return new JsonResponse({ errors: error.errors }, { status: 422 });
 *   }
 * }
 */
export interface ExceptionHandler {
  handle(request: HttpRequest, error: unknown): MaybePromise<HttpResponse | undefined | void>;
}

export interface ExceptionContext {
  debug: boolean;
  logger: Logger;
  /** Patterns for the debug 404 page. */
  patterns(): ReadonlyArray<{ path: string; methods: readonly string[]; name?: string }>;
  handler?: ExceptionHandler;
  /** Shown (masked) on the debug 500 page. */
  settings?: Readonly<object>;
  /** Errors as problem+json whatever the Accept header: always (true) or under these path prefixes. */
  jsonErrors: boolean | readonly string[];
}

/** The app's Convert: its handler first, then the built-in pages. */
export function exceptionConverter(context: ExceptionContext): Convert {
  const builtIn = (request: HttpRequest, error: unknown) => exceptionToResponse(request, error, context);
  const handler = context.handler;
  if (handler === undefined) return builtIn;
  const failed = (request: HttpRequest, error: unknown, failure: unknown): HttpResponse => {
    context.logger.error(
      `The app's exception handler failed on ${requestLine(request)}; Rondo answered with its own page`,
      failure,
    );
    return builtIn(request, error);
  };
  // The app's own response for an HTTP error keeps the headers the protocol requires of it.
  const settle = (request: HttpRequest, error: unknown, answer: unknown): HttpResponse =>
    answer instanceof HttpResponse ? withErrorHeaders(answer, error) : builtIn(request, error);
  return (request, error) => {
    try {
      const answer = handler.handle(request, error);
      if (!isPromise(answer)) return settle(request, error, answer);
      return answer.then(
        (value) => settle(request, error, value),
        (failure: unknown) => failed(request, error, failure),
      );
    } catch (failure) {
      return failed(request, error, failure);
    }
  };
}

/**
 * The headers an HTTP error's answer must carry (RFC 9110: Allow on 405, WWW-Authenticate
 * on 401; Retry-After on 429), on Rondo's pages and the app's handler's answers alike;
 * a header the answer set itself stays.
 */
function withErrorHeaders(response: HttpResponse, error: unknown): HttpResponse {
  const set = (name: string, value: string) => {
    if (!response.headers.has(name)) response.headers.set(name, value);
  };
  if (error instanceof MethodNotAllowed) set('Allow', error.allowed.join(', '));
  if (error instanceof TooManyRequests) set('Retry-After', String(error.retryAfter));
  if (error instanceof Unauthorized && error.challenge !== undefined) set('WWW-Authenticate', error.challenge);
  return response;
}

/** Does this request get errors as problem+json? (API mode, Accept prefers JSON, or it sent JSON.) */
function wantsJson(request: HttpRequest, context: ExceptionContext): boolean {
  const mode = context.jsonErrors;
  if (mode === true || request.resolverMatch?.options.jsonErrors === true) return true;
  if (mode !== false && mode.some((prefix) => request.rawPath.startsWith(prefix))) return true;
  return prefersJson(request.headers.get('accept')) || isJsonType(request.contentType);
}

export function exceptionToResponse(request: HttpRequest, error: unknown, context: ExceptionContext): HttpResponse {
  try {
    const http = error instanceof HttpError ? error : databaseHttpError(error);
    if (http !== undefined && !(error instanceof HttpError))
      context.logger.warn(`${http.message} (${http.status}) on ${requestLine(request)}`, error);
    const response =
      http !== undefined ? httpErrorResponse(request, http, context) : serverError(request, error, context);
    if (http?.status === 503 && !response.headers.has('Retry-After')) response.headers.set('Retry-After', '1');
    return withErrorHeaders(response, error);
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
  if (wantsJson(request, context)) return problemResponse(request, error.status, detail, error.extra);
  if (error.status === 404 && context.debug) return technical404(request, error.message, context.patterns());
  return plainPage(request, error.status, detail);
}

function serverError(request: HttpRequest, error: unknown, context: ExceptionContext): HttpResponse {
  context.logger.error(`Internal Server Error: ${requestLine(request)}`, error);
  const json = wantsJson(request, context);
  if (context.debug) return json ? technical500Json(request, error) : technical500(request, error, context.settings);
  return json ? problemResponse(request, 500, undefined) : plainPage(request, 500, undefined);
}

/** `GET /path` with the raw (encoded) path, capped: never headers or bodies. */
export function requestLine(request: HttpRequest): string {
  return `${request.method} ${request.rawPath.slice(0, 500)}${request.id === undefined ? '' : ` (request ${request.id})`}`;
}
