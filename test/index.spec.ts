import { expect } from 'chai';
import * as rondo from 'rondo';
import * as testing from 'rondo/testing';
import * as auth from 'rondo/auth';
import * as cache from 'rondo/cache';
import * as db from 'rondo/db';
import * as mail from 'rondo/mail';
import * as openapi from 'rondo/openapi';
import * as tasks from 'rondo/tasks';
import * as realtime from 'rondo/realtime';
import * as admin from 'rondo/admin';

// The public surface. A change here is a change to the contract: update the README too.
const RONDO_EXPORTS = [
  'App',
  'BadRequest',
  'BadSignature',
  'Body',
  'Cookie',
  'DEFAULT_MIDDLEWARE',
  'DEFAULT_SETTINGS',
  'Delete',
  'DisallowedHost',
  'DisallowedRedirect',
  'Get',
  'Header',
  'Http404',
  'HttpError',
  'HttpRequest',
  'HttpResponse',
  'HttpResponseBadRequest',
  'HttpResponseForbidden',
  'HttpResponseNotAllowed',
  'HttpResponseNotFound',
  'HttpResponsePermanentRedirect',
  'HttpResponseRedirect',
  'ImproperlyConfigured',
  'Inject',
  'Injectable',
  'JsonResponse',
  'LOGGER',
  'MethodNotAllowed',
  'Middleware',
  'MiddlewareContractError',
  'NoReverseMatch',
  'Param',
  'Patch',
  'PermissionDenied',
  'Post',
  'Put',
  'Query',
  'QueryDict',
  'REQUEST',
  'Req',
  'RequestDataTooBig',
  'RequestHeaders',
  'ResponseHeaders',
  'RondoError',
  'Route',
  'SETTINGS',
  'ServiceUnavailable',
  'Session',
  'SignatureExpired',
  'Signer',
  'StreamingHttpResponse',
  'SuspiciousOperation',
  'TooManyFieldsSent',
  'UnsupportedMediaType',
  'User',
  'ViewOption',
  'consoleLogger',
  'createApp',
  'redirect',
  'registerConverter',
  'reverse',
  'silentLogger',
  'Optional',
  // built-in middleware, sessions, auth, messages
  'SecurityMiddleware',
  'CSP',
  'Csp',
  'CspReportOnly',
  'cspNonce',
  'SessionMiddleware',
  'CommonMiddleware',
  'CsrfViewMiddleware',
  'CsrfExempt',
  'CsrfFailure',
  'getToken',
  'AuthenticationMiddleware',
  'NotAuthenticated',
  'MessageMiddleware',
  'XFrameOptionsMiddleware',
  'XFrameOptionsExempt',
  'GZipMiddleware',
  'ConditionalGetMiddleware',
  'CorsMiddleware',
  'RequestSession',
  'SessionStoreUnavailable',
  'SessionInterrupted',
  'CookieSessionStore',
  'MemorySessionStore',
  'RedisSessionStore',
  'AnonymousUser',
  'USER_LOADER',
  'isAuthenticated',
  'login',
  'logout',
  'isSafeRedirect',
  'LoginRequired',
  'PermissionRequired',
  'makePassword',
  'verifyPassword',
  'needsRehash',
  'MessageBag',
  'MESSAGE_LEVELS',
  'updateSessionAuthHash',
  // templates
  'render',
  'TemplateResponse',
  'Templates',
  'TEMPLATES',
  'TemplateError',
  'TemplateDoesNotExist',
  'TemplateNameInvalid',
  'safe',
  'SafeString',
  'escapeHtml',
  'escapeCsv',
  'csvResponse',
  // app commands
  'Command',
  'CommandUsageError',
  // OpenAPI
  'ApiResponse',
  'ApiOperation',
  'ApiExclude',
  'APP',
  // validation
  'Type',
  'ValidationFailed',
  'validateForm',
  'Form',
  // complete HTTP
  'UploadedFile',
  'UploadDestinationExists',
  'UploadGone',
  'FileDict',
  'TooManyFilesSent',
  'FileResponse',
  'EventStream',
  'EventStreamResponse',
  // signals
  'Signal',
  'Signals',
  'Receiver',
  'requestStarted',
  'requestFinished',
  'userLoggedIn',
  'userLoggedOut',
  'userLoginFailed',
  'migrationApplied',
  'entityInserted',
  'entityUpdated',
  'entityRemoved',
  // the error catalogue and API-mode errors
  'ERROR_CODES',
  'JsonErrors',
  'Accepts',
  'Unauthorized',
  'Conflict',
  'UnprocessableContent',
  'TooManyRequests',
  'RateLimit',
  // models
  'InjectRepository',
  'Atomic',
  'NonAtomic',
  'getObjectOr404',
  'getListOr404',
  'paginate',
  'PickType',
  'OmitType',
  'PartialType',
  'DEFAULT_VALIDATION_MESSAGES',
  // observability
  'RequestIdMiddleware',
  'HealthMiddleware',
  'MetricsMiddleware',
  'AppStatus',
  'jsonLogger',
];

describe('the public API', () => {
  it("exports exactly the documented names from 'rondo'", () => {
    expect(Object.keys(rondo).sort()).to.deep.equal([...RONDO_EXPORTS].sort());
  });

  it("exports TestClient, TestResponse and the test-database helpers from 'rondo/testing'", () => {
    expect(Object.keys(testing).sort()).to.deep.equal([
      'TestClient',
      'TestResponse',
      'loadFixtures',
      'testDatabase',
      'useTestDatabase',
    ]);
  });

  it("exports models from 'rondo/db' (the everyday ones also from 'rondo')", () => {
    expect(Object.keys(db).sort()).to.deep.equal([
      'Atomic',
      'DATABASE',
      'DATA_SOURCE',
      'ENTITY_MANAGER',
      'InjectRepository',
      'NonAtomic',
      'atomic',
      'captureQueries',
      'getListOr404',
      'getObjectOr404',
      'paginate',
    ]);
    for (const name of [
      'InjectRepository',
      'Atomic',
      'NonAtomic',
      'getObjectOr404',
      'getListOr404',
      'paginate',
    ] as const) {
      expect(rondo[name], name).to.equal(db[name]);
    }
  });

  it("exports the cache from 'rondo/cache' and the mailer from 'rondo/mail'", () => {
    expect(Object.keys(cache).sort()).to.deep.equal([
      'Cache',
      'CacheKeyInvalid',
      'CacheKeyMissing',
      'CacheMiddleware',
      'CachePage',
      'CacheUnavailable',
    ]);
    expect(Object.keys(mail)).to.deep.equal(['Mailer']);
  });

  it("exports the OpenAPI part and the contract check from 'rondo/openapi'", () => {
    expect(Object.keys(openapi).sort()).to.deep.equal([
      'ContractChecker',
      'ContractViolation',
      'OPENAPI_OPTIONS',
      'checkResponse',
      'openapiApp',
    ]);
  });

  it("exports tasks, schedules and the worker from 'rondo/tasks'", () => {
    expect(Object.keys(tasks).sort()).to.deep.equal([
      'Schedule',
      'Task',
      'TaskBackendUnavailable',
      'TaskInvalid',
      'TaskQueue',
      'TaskResult',
      'runWorker',
    ]);
  });

  it("exports WebSocket routes and rooms from 'rondo/realtime'", () => {
    expect(Object.keys(realtime).sort()).to.deep.equal([
      'CLOSE',
      'Channels',
      'Socket',
      'WebSocket',
      'WebSocketConnection',
    ]);
  });

  it("exports the admin site from 'rondo/admin'", () => {
    expect(Object.keys(admin).sort()).to.deep.equal([
      'ADMIN_TEMPLATES_DIR',
      'Admin',
      'AdminAction',
      'LogEntry',
      'adminApp',
    ]);
  });

  it('has no name that means two things across the entry points (but User, as the design names both)', () => {
    // `@User()` (rondo's parameter decorator) and `User` (rondo/auth's entity) are both the
    // contract's names: an app importing both renames one (`User as CurrentUser`).
    const allowed = new Set(['User']);
    const seen = new Map<string, unknown>();
    for (const entry of [rondo, testing, auth, db, cache, mail, openapi, tasks, realtime, admin] as Array<
      Record<string, unknown>
    >) {
      for (const [name, value] of Object.entries(entry)) {
        if (seen.has(name) && !allowed.has(name)) expect(seen.get(name), name).to.equal(value);
        seen.set(name, value);
      }
    }
  });

  it("exports the accounts API from 'rondo/auth'", () => {
    expect(Object.keys(auth).sort()).to.deep.equal([
      'ACCOUNT_MESSAGES',
      'AUTH_ENTITIES',
      'AUTH_MIGRATIONS',
      'AUTH_TEMPLATES_DIR',
      'AccountRateLimits',
      'AccountViews',
      'Accounts',
      'ApiToken',
      'ApiTokens',
      'DEFAULT_PASSWORD_RULES',
      'Group',
      'LoginForm',
      'LoginThrottle',
      'MAX_PASSWORD_LENGTH',
      'PasswordChangeForm',
      'PasswordField',
      'PasswordResetForm',
      'PasswordResetTokens',
      'SetPasswordForm',
      'SignupForm',
      'TokenAuthMiddleware',
      'USERNAME_PATTERN',
      'User',
      'authApp',
      'normalizeEmail',
      'normalizeUsername',
      'validatePassword',
    ]);
  });
});
