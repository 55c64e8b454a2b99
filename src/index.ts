/**
 * Rondo's public API: everything users and outside tests import comes from here
 * (and from `rondo/testing`). test/index.spec.ts lists these names, so a change to the
 * surface is deliberate.
 */
import 'reflect-metadata';

export { createApp, type CreateAppOptions } from './app/create-app';
export { App, type RouteInfo } from './app/app';
export { DEFAULT_SETTINGS, type Settings } from './app/settings';

export { RondoError, ImproperlyConfigured, NoReverseMatch, MiddlewareContractError } from './errors/rondo-error';
export {
  HttpError, Http404, PermissionDenied, BadRequest, SuspiciousOperation, DisallowedHost, DisallowedRedirect,
  MethodNotAllowed, RequestDataTooBig, TooManyFieldsSent, UnsupportedMediaType, ServiceUnavailable,
} from './http/errors';
export { HttpRequest, type RequestInit } from './http/request';
export { QueryDict } from './http/query-dict';
export { Signer, BadSignature, SignatureExpired, type SignerOptions } from './http/signing';
export { RequestHeaders, ResponseHeaders } from './http/headers';
export type { CookieOptions } from './http/cookies';
export {
  HttpResponse, JsonResponse, HttpResponseRedirect, HttpResponsePermanentRedirect, HttpResponseNotAllowed,
  HttpResponseNotFound, HttpResponseBadRequest, HttpResponseForbidden, StreamingHttpResponse,
  type ResponseInit, type StreamBody,
} from './http/response';

export { Route, Get, Post, Put, Patch, Delete, type RouteOptions } from './routing/route-decorators';
export { registerConverter, type PathConverter } from './routing/converters';
export { reverse } from './routing/reverse';

export { Injectable, Inject, REQUEST, SETTINGS, LOGGER } from './di/injectable';
export type { Provider } from './di/providers';

export { Middleware, type MiddlewareHandler, type Next, type ViewInfo } from './middleware/middleware-decorator';
export { DEFAULT_MIDDLEWARE } from './middleware/defaults';

export { Param, Query, Body, Req, Header, Cookie, Session, User } from './views/param-decorators';
export { ViewOption } from './views/view-options';
export { redirect } from './views/shortcuts';

export { consoleLogger, silentLogger, type Logger } from './kernel/logger';
export type { RunningServer, ListenOptions } from './server/node-server';
