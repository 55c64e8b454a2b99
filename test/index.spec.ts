import { expect } from 'chai';
import * as rondo from 'rondo';
import * as testing from 'rondo/testing';
import * as auth from 'rondo/auth';

// The public surface. A change here is a change to the contract: update the README too.
const RONDO_EXPORTS = [
  'App', 'BadRequest', 'BadSignature', 'Body', 'Cookie', 'DEFAULT_MIDDLEWARE', 'DEFAULT_SETTINGS', 'Delete', 'DisallowedHost',
  'DisallowedRedirect', 'Get', 'Header', 'Http404', 'HttpError', 'HttpRequest', 'HttpResponse', 'HttpResponseBadRequest',
  'HttpResponseForbidden', 'HttpResponseNotAllowed', 'HttpResponseNotFound', 'HttpResponsePermanentRedirect',
  'HttpResponseRedirect', 'ImproperlyConfigured', 'Inject', 'Injectable', 'JsonResponse', 'LOGGER', 'MethodNotAllowed',
  'Middleware', 'MiddlewareContractError', 'NoReverseMatch', 'Param', 'Patch', 'PermissionDenied', 'Post', 'Put', 'Query',
  'QueryDict', 'REQUEST', 'Req', 'RequestDataTooBig', 'RequestHeaders', 'ResponseHeaders', 'RondoError', 'Route', 'SETTINGS',
  'ServiceUnavailable', 'Session', 'SignatureExpired', 'Signer', 'StreamingHttpResponse', 'SuspiciousOperation',
  'TooManyFieldsSent', 'UnsupportedMediaType', 'User', 'ViewOption', 'consoleLogger', 'createApp', 'redirect',
  'registerConverter', 'reverse', 'silentLogger', 'Optional',
  // built-in middleware, sessions, auth, messages
  'SecurityMiddleware', 'CSP', 'Csp', 'CspReportOnly', 'cspNonce', 'SessionMiddleware', 'CommonMiddleware', 'CsrfViewMiddleware', 'CsrfExempt', 'CsrfFailure',
  'getToken', 'AuthenticationMiddleware', 'NotAuthenticated', 'MessageMiddleware', 'XFrameOptionsMiddleware', 'XFrameOptionsExempt',
  'GZipMiddleware', 'ConditionalGetMiddleware', 'CorsMiddleware', 'RequestSession', 'SessionStoreUnavailable', 'SessionInterrupted',
  'CookieSessionStore', 'MemorySessionStore', 'RedisSessionStore', 'AnonymousUser', 'USER_LOADER', 'isAuthenticated',
  'login', 'logout', 'isSafeRedirect', 'LoginRequired', 'PermissionRequired', 'makePassword', 'verifyPassword',
  'needsRehash', 'MessageBag', 'MESSAGE_LEVELS', 'updateSessionAuthHash',
  // templates
  'render', 'TemplateResponse', 'Templates', 'TEMPLATES', 'TemplateError', 'TemplateDoesNotExist', 'TemplateNameInvalid',
  'safe', 'SafeString', 'escapeHtml', 'escapeCsv', 'csvResponse',
  // validation
  'Type', 'ValidationFailed', 'validateForm', 'Form',
  // complete HTTP
  'UploadedFile', 'UploadDestinationExists', 'UploadGone', 'FileDict', 'TooManyFilesSent', 'FileResponse',
  // the error catalogue and API-mode errors
  'ERROR_CODES', 'JsonErrors', 'Accepts', 'Unauthorized', 'Conflict', 'UnprocessableContent', 'TooManyRequests', 'RateLimit', 'Mailer',
  // models
  'InjectRepository', 'DATA_SOURCE', 'ENTITY_MANAGER', 'DATABASE', 'Atomic', 'NonAtomic', 'getObjectOr404', 'getListOr404', 'paginate',
  'atomic', 'captureQueries', 'PickType', 'OmitType', 'PartialType', 'DEFAULT_VALIDATION_MESSAGES',
  // observability
  'RequestIdMiddleware', 'HealthMiddleware', 'MetricsMiddleware', 'AppStatus', 'jsonLogger',
  // cache
  'Cache', 'CacheKeyInvalid', 'CacheKeyMissing', 'CacheUnavailable', 'CacheMiddleware', 'CachePage',
];

describe('the public API', () => {
  it("exports exactly the documented names from 'rondo'", () => {
    expect(Object.keys(rondo).sort()).to.deep.equal([...RONDO_EXPORTS].sort());
  });

  it("exports TestClient, TestResponse and the test-database helpers from 'rondo/testing'", () => {
    expect(Object.keys(testing).sort()).to.deep.equal(['TestClient', 'TestResponse', 'loadFixtures', 'testDatabase', 'useTestDatabase']);
  });

  it("exports the accounts API from 'rondo/auth'", () => {
    expect(Object.keys(auth).sort()).to.deep.equal([
      'ACCOUNT_MESSAGES', 'AUTH_ENTITIES', 'AUTH_MIGRATIONS', 'AUTH_TEMPLATES_DIR', 'AccountRateLimits', 'AccountViews', 'Accounts', 'ApiToken',
      'ApiTokens', 'DEFAULT_PASSWORD_RULES', 'Group', 'LoginForm', 'LoginThrottle', 'MAX_PASSWORD_LENGTH', 'PasswordChangeForm', 'PasswordField',
      'PasswordResetForm', 'PasswordResetTokens', 'SetPasswordForm', 'SignupForm', 'TokenAuthMiddleware', 'USERNAME_PATTERN', 'User', 'authApp',
      'normalizeEmail', 'normalizeUsername', 'validatePassword',
    ]);
  });
});
