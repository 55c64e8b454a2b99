/**
 * `rondo`: the core every app uses, grouped as the request travels: the app, HTTP,
 * routing, DI, middleware (built-ins, sessions, authentication, messages), views,
 * templates, validation, errors and logging. Areas with their own dependency or concept
 * have their own entry points: `rondo/testing`, `rondo/auth` (accounts), `rondo/db`
 * (models), `rondo/cache`, `rondo/mail`. test/index.spec.ts lists the names of each, so a
 * change to the surface is deliberate.
 */
import 'reflect-metadata';

// The app and its settings.
export { createApp, type AppModule, type CreateAppOptions } from './app/create-app';
export { App, type RouteInfo } from './app/app';
export type { Explanation, ExplainedMiddleware } from './app/explain';
export { DEFAULT_SETTINGS } from './app/default-settings';
export type { LoginRateLimit, Settings, SettingsInput } from './app/settings';

// Errors: Rondo's coded errors, and the HTTP errors that become responses.
export { RondoError, ImproperlyConfigured, NoReverseMatch, MiddlewareContractError } from './errors/rondo-error';
export { ERROR_CODES, type ErrorCode } from './errors/error-codes';
export type { ExceptionHandler } from './kernel/exception-response';
export {
  HttpError,
  Http404,
  PermissionDenied,
  BadRequest,
  Unauthorized,
  Conflict,
  UnprocessableContent,
  TooManyRequests,
  SuspiciousOperation,
  DisallowedHost,
  DisallowedRedirect,
  MethodNotAllowed,
  RequestDataTooBig,
  TooManyFieldsSent,
  TooManyFilesSent,
  UnsupportedMediaType,
  ServiceUnavailable,
} from './http/errors';

// Requests and responses.
export { HttpRequest, type RequestInit, type ServiceKey } from './http/request';
export type { BodySource } from './http/body';
export type { MaybePromise } from './http/maybe-promise';
export { QueryDict } from './http/query-dict';
export {
  UploadedFile,
  UploadDestinationExists,
  UploadGone,
  FileDict,
  type UploadedFileInit,
} from './http/uploaded-file';
export { FileResponse, type FileResponseOptions } from './http/file-response';
export { EventStream, EventStreamResponse, type EventStreamOptions, type ServerSentEvent } from './http/event-stream';
export { Signer, BadSignature, SignatureExpired, type SignerOptions } from './http/signing';

// Signals (Django's django.dispatch and its built-in signals).
export {
  Signal,
  Signals,
  Receiver,
  requestStarted,
  requestFinished,
  userLoggedIn,
  userLoggedOut,
  userLoginFailed,
  migrationApplied,
  entityInserted,
  entityUpdated,
  entityRemoved,
  type ReceiverOptions,
  type SignalHandler,
} from './signals/signals';
export { RequestHeaders, ResponseHeaders, type IncomingHeaders } from './http/headers';
export type { CookieOptions } from './http/cookies';
export {
  HttpResponse,
  JsonResponse,
  HttpResponseRedirect,
  HttpResponsePermanentRedirect,
  HttpResponseNotAllowed,
  HttpResponseNotFound,
  HttpResponseBadRequest,
  HttpResponseForbidden,
  StreamingHttpResponse,
  type ResponseInit,
  type StreamBody,
} from './http/response';

// Routing.
export { Route, Get, Post, Put, Patch, Delete, type RouteOptions } from './routing/route-decorators';
export { registerConverter, type PathConverter } from './routing/converters';
export { reverse } from './routing/reverse';

// Dependency injection.
export { Injectable, Inject, Optional, REQUEST, SETTINGS, LOGGER, APP } from './di/injectable';
export type { Provider } from './di/providers';

// Middleware: the contract and the default stack.
export { Middleware, type MiddlewareHandler, type Next, type ViewInfo } from './middleware/middleware-decorator';
export { DEFAULT_MIDDLEWARE } from './middleware/defaults';

// Built-in middleware.
export { SecurityMiddleware } from './middleware/security';
export { CSP, Csp, CspReportOnly, type CspPolicy } from './middleware/csp';
export { cspNonce } from './http/csp-nonce';
export { SessionMiddleware } from './middleware/session';
export { CommonMiddleware } from './middleware/common';
export { CsrfViewMiddleware, CsrfExempt, CsrfFailure, getToken } from './middleware/csrf';
export { AuthenticationMiddleware, NotAuthenticated } from './middleware/authentication';
export { MessageMiddleware } from './middleware/messages';
export { XFrameOptionsMiddleware, XFrameOptionsExempt } from './middleware/x-frame-options';
export { GZipMiddleware } from './middleware/gzip';
export { ConditionalGetMiddleware } from './middleware/conditional-get';
export { CorsMiddleware } from './middleware/cors';
export { RequestIdMiddleware } from './middleware/request-id';

// Sessions, authentication and messages.
export { RequestSession } from './sessions/session';
export {
  SessionStoreUnavailable,
  SessionInterrupted,
  type SessionStore,
  type SessionData,
} from './sessions/session-store';
export { CookieSessionStore } from './sessions/cookie-store';
export { MemorySessionStore } from './sessions/memory-store';
export { RedisSessionStore } from './sessions/redis-store';
export { AnonymousUser, USER_LOADER, isAuthenticated, type AuthUser, type UserLoader } from './auth/user';
export { login, logout, isSafeRedirect, updateSessionAuthHash } from './auth/login';
export { LoginRequired, PermissionRequired } from './auth/decorators';
export { makePassword, verifyPassword, needsRehash, type PasswordHashOptions } from './auth/password';
export { MessageBag, MESSAGE_LEVELS, type Message, type MessageLevel } from './messages/message-bag';

// Views: parameter decorators, options, shortcuts, rate limits.
export { Param, Query, Body, Req, Header, Cookie, Session, User } from './views/param-decorators';
export { ViewOption, JsonErrors } from './views/view-options';
export {
  ApiResponse,
  ApiOperation,
  ApiExclude,
  type ApiBody,
  type ApiResponseSpec,
  type ApiOperationSpec,
} from './openapi/decorators';
export type { OpenApiDocument, OpenApiOptions } from './openapi/document';
export { Command, type AppCommand, type CommandIO, type CommandSpec } from './management/command';
export { CommandUsageError, type CommandInfo } from './management/run-command';
export type { Class, Scope, Token, ViewOptions } from './metadata/keys';
export { Accepts } from './views/accepted-media';
export { redirect } from './views/shortcuts';

export { RateLimit, type RateLimitOptions } from './ratelimit/rate-limit';

// Models: the everyday names (the rest, and these, in rondo/db).
export { InjectRepository } from './db/repository-token';
export { Atomic, NonAtomic } from './db/atomic';
export {
  getObjectOr404,
  getListOr404,
  paginate,
  type FindsMany,
  type FindsOne,
  type Page,
  type Pageable,
} from './db/shortcuts';

// Templates.
export { render, TemplateResponse } from './templates/template-response';
export { Templates, TEMPLATES, type TemplateSettings, type ContextProcessor } from './templates/templates';
export { TemplateError, type TemplateEngine } from './templates/engine';
export { TemplateDoesNotExist, TemplateNameInvalid } from './templates/template-loader';
export { safe, SafeString, escapeHtml, escapeCsv } from './templates/safe-string';
export { csvResponse, type CsvRows } from './templates/csv-response';

// Validation (class-validator DTOs and forms).
export { Type } from './validation/type-decorator';
export { OmitType, PartialType, PickType, type DtoClass } from './validation/mapped-types';
export { ValidationFailed, type FieldErrors } from './validation/validation-failed';
export { validateForm, Form } from './validation/validate-form';
export {
  DEFAULT_VALIDATION_MESSAGES,
  type MessageContext,
  type ValidationMessage,
  type ValidationMessages,
} from './validation/messages';

// Serving, health and logs.
export type { ServerHandle, ListenOptions } from './server/node-server';
export { AppStatus } from './server/app-status';
export { HealthMiddleware } from './observability/health';
export { MetricsMiddleware } from './observability/metrics';
export { consoleLogger, silentLogger, type Logger, type LogFields } from './observability/logger';
export { jsonLogger, type JsonLoggerOptions } from './observability/json-logger';
