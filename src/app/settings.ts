/**
 * Settings: one typed object with documented defaults, overridable from the environment
 * (`RONDO_<SETTING_NAME>`, e.g. RONDO_DEBUG=true, RONDO_ALLOWED_HOSTS=a.com,b.com;
 * plus DATABASE_URL and REDIS_URL). Precedence: defaults < code < environment.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { Class } from '../metadata/keys';
import { DEFAULT_MIDDLEWARE } from '../middleware/defaults';
import { DEFAULT_TEMPLATE_SETTINGS, type TemplateSettings } from '../templates/templates';

export interface Settings {
  /** Technical error pages and template reloading. Never on in production. Default false. */
  debug: boolean;
  /** Key for signing (sessions, CSRF, signed cookies). Required when debug is off and a component signs. */
  secretKey: string;
  /** Older keys still accepted when verifying signatures (key rotation). */
  secretKeyFallbacks: string[];
  /** Host names this site serves (Django's ALLOWED_HOSTS); '.example.com' matches subdomains, '*' any. */
  allowedHosts: string[];
  /** `['X-Forwarded-Proto', 'https']`: trust this header from your proxy to mean HTTPS. Default [] (off). */
  secureProxySslHeader: string[];
  /** Use X-Forwarded-Host over Host (only behind a proxy that sets it). Default false. */
  useXForwardedHost: boolean;
  /** Proxy addresses whose X-Forwarded-For gives `request.clientAddress`. Default []. */
  trustedProxies: string[];
  /** The middleware stack, any order (sorted by @Middleware order). Default: the built-in stack. */
  middleware: readonly Class[];
  /** Largest request body read into memory, in bytes (413 beyond). Default 2.5 MB. */
  dataUploadMaxMemorySize: number;
  /** Most fields in a query string or form (400 beyond). Default 1000. */
  dataUploadMaxNumberFields: number;
  /** Bytes of an uploaded file kept in memory; larger files stream to a temporary file. Default 2.5 MB. */
  fileUploadMaxMemorySize: number;
  /** Largest uploaded file accepted (413 beyond). Default 20 MB. */
  fileUploadMaxSize: number;
  /** Most files in one multipart body (400 beyond). Default 100. */
  dataUploadMaxNumberFiles: number;
  /** Folder for temporary upload files ('' = the OS temp folder). */
  fileUploadTempDir: string;
  /** Database connection URL for apps and their models. Env: DATABASE_URL. */
  databaseUrl: string;
  /** Redis URL for shared stores (sessions, cache). Env: REDIS_URL. */
  redisUrl: string;
  /** node:http: ms to receive the complete headers. */
  headersTimeout: number;
  /** node:http: ms to receive the complete request. */
  requestTimeout: number;
  /** node:http: ms an idle keep-alive socket stays open. */
  keepAliveTimeout: number;
  /** node:http: largest request header block in bytes (431 beyond). */
  maxHeaderSize: number;
  /** Requests served on one keep-alive socket before it is closed (0 = no limit). */
  maxRequestsPerSocket: number;
  /** ms a graceful shutdown waits for in-flight requests before forcing. */
  shutdownTimeout: number;
  /** URL prefix of static files (templates' `static(path)`). Default '/static/'. */
  staticUrl: string;
  /** Folders static files are served from in development, searched in order. Default []. */
  staticDirs: string[];
  /** Serve `staticUrl` from `staticDirs`; null = only when debug is on. Default null. */
  serveStatic: boolean | null;

  // Built-in middleware (src/middleware/), with Django's names in camelCase.
  /** SecurityMiddleware: send `X-Content-Type-Options: nosniff`. Default true. */
  secureContentTypeNosniff: boolean;
  /** SecurityMiddleware: `Referrer-Policy` ('' = not sent). Default 'same-origin'. */
  secureReferrerPolicy: string;
  /** SecurityMiddleware: `Cross-Origin-Opener-Policy` ('' = not sent). Default 'same-origin'. */
  secureCrossOriginOpenerPolicy: string;
  /** SecurityMiddleware: HSTS max-age in seconds on secure responses (0 = off). Default 0. */
  secureHstsSeconds: number;
  secureHstsIncludeSubdomains: boolean;
  secureHstsPreload: boolean;
  /** SecurityMiddleware: redirect http to https (301). Default false. */
  secureSslRedirect: boolean;
  /** Path regexes (without the leading slash, as Django) exempt from the https redirect. */
  secureRedirectExempt: string[];
  /** Host to redirect to for https ('' = the request's host). */
  secureSslHost: string;
  /** SecurityMiddleware: a `Content-Security-Policy` header value ('' = not sent). */
  contentSecurityPolicy: string;
  /** SessionMiddleware: 'cookie' (signed cookie, no server state), 'memory' (one process) or 'redis'. */
  sessionEngine: string;
  /** SessionMiddleware: a custom store instance (overrides sessionEngine). Default null. */
  sessionStore: object | null;
  sessionCookieName: string;
  /** Seconds a session lives. Default 1209600 (two weeks). */
  sessionCookieAge: number;
  sessionCookieSecure: boolean;
  sessionCookieHttponly: boolean;
  /** 'Lax', 'Strict', 'None' or '' (not sent). Default 'Lax'. */
  sessionCookieSamesite: string;
  sessionCookieDomain: string;
  sessionCookiePath: string;
  /** Session cookie without Max-Age (gone when the browser closes). Default false. */
  sessionExpireAtBrowserClose: boolean;
  /** Save the session on every request, not only when modified. Default false. */
  sessionSaveEveryRequest: boolean;
  /** CsrfViewMiddleware: cookie holding the CSRF secret. */
  csrfCookieName: string;
  /** Seconds. Default 31449600 (one year). */
  csrfCookieAge: number;
  csrfCookieSecure: boolean;
  csrfCookieHttponly: boolean;
  csrfCookieSamesite: string;
  csrfCookieDomain: string;
  csrfCookiePath: string;
  /** Header carrying the token for AJAX. Default 'X-CSRFToken'. */
  csrfHeaderName: string;
  /** Origins trusted for unsafe requests besides the request's own, e.g. 'https://*.example.com'. */
  csrfTrustedOrigins: string[];
  /** Keep the CSRF secret in the session instead of a cookie. Default false. */
  csrfUseSessions: boolean;
  /** AuthenticationMiddleware: where @LoginRequired() redirects. Default '/accounts/login/'. */
  loginUrl: string;
  /** MessageMiddleware: 'session' or 'cookie' (signed). Default 'session'. */
  messageStorage: string;
  /** CommonMiddleware: redirect `/path` to `/path/` when only the latter matches. Default true. */
  appendSlash: boolean;
  /** CommonMiddleware: User-Agent regexes answered with 403. Default []. */
  disallowedUserAgents: string[];
  /** XFrameOptionsMiddleware: 'DENY' or 'SAMEORIGIN'. Default 'DENY'. */
  xFrameOptions: string;
  /** CorsMiddleware: allowed origins ('https://a.com'), or ['*']. Default []. */
  corsAllowedOrigins: string[];
  /** CorsMiddleware: origin regexes. Default []. */
  corsAllowedOriginRegexes: string[];
  corsAllowMethods: string[];
  corsAllowHeaders: string[];
  corsExposeHeaders: string[];
  corsAllowCredentials: boolean;
  /** Seconds a preflight may be cached. Default 86400. */
  corsPreflightMaxAge: number;

  /** DTO validation: report fields the DTO does not declare (400) instead of dropping them. Default false. */
  validationForbidUnknown: boolean;
  /** DTO validation: deepest JSON nesting accepted (400 beyond). Default 32. */
  validationMaxDepth: number;

  // Templates (src/templates/). Given keys are merged over the defaults.
  /** `{ dirs: [], contextProcessors: [request, user, csrf, messages, url, static, debug], cache: null }`. */
  templates: TemplateSettings;
}

/** What an app passes: any subset of the settings; grouped ones (templates) partially too. */
export type SettingsInput = Partial<Omit<Settings, 'templates'>> & { templates?: Partial<TemplateSettings> };

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  debug: false,
  secretKey: '',
  secretKeyFallbacks: [],
  allowedHosts: [],
  secureProxySslHeader: [],
  useXForwardedHost: false,
  trustedProxies: [],
  middleware: DEFAULT_MIDDLEWARE,
  dataUploadMaxMemorySize: 2.5 * 1024 * 1024,
  dataUploadMaxNumberFields: 1000,
  fileUploadMaxMemorySize: 2.5 * 1024 * 1024,
  fileUploadMaxSize: 20 * 1024 * 1024,
  dataUploadMaxNumberFiles: 100,
  fileUploadTempDir: '',
  databaseUrl: 'postgres://127.0.0.1:5432/test',
  redisUrl: 'redis://127.0.0.1:6379',
  headersTimeout: 20_000,
  requestTimeout: 60_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16 * 1024,
  maxRequestsPerSocket: 0,
  shutdownTimeout: 10_000,
  staticUrl: '/static/',
  staticDirs: [],
  serveStatic: null,
  secureContentTypeNosniff: true,
  secureReferrerPolicy: 'same-origin',
  secureCrossOriginOpenerPolicy: 'same-origin',
  secureHstsSeconds: 0,
  secureHstsIncludeSubdomains: false,
  secureHstsPreload: false,
  secureSslRedirect: false,
  secureRedirectExempt: [],
  secureSslHost: '',
  contentSecurityPolicy: '',
  sessionEngine: 'cookie',
  sessionStore: null,
  sessionCookieName: 'sessionid',
  sessionCookieAge: 1_209_600,
  sessionCookieSecure: false,
  sessionCookieHttponly: true,
  sessionCookieSamesite: 'Lax',
  sessionCookieDomain: '',
  sessionCookiePath: '/',
  sessionExpireAtBrowserClose: false,
  sessionSaveEveryRequest: false,
  csrfCookieName: 'csrftoken',
  csrfCookieAge: 31_449_600,
  csrfCookieSecure: false,
  csrfCookieHttponly: false,
  csrfCookieSamesite: 'Lax',
  csrfCookieDomain: '',
  csrfCookiePath: '/',
  csrfHeaderName: 'X-CSRFToken',
  csrfTrustedOrigins: [],
  csrfUseSessions: false,
  loginUrl: '/accounts/login/',
  messageStorage: 'session',
  appendSlash: true,
  disallowedUserAgents: [],
  xFrameOptions: 'DENY',
  corsAllowedOrigins: [],
  corsAllowedOriginRegexes: [],
  corsAllowMethods: ['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
  corsAllowHeaders: ['accept', 'authorization', 'content-type', 'user-agent', 'x-csrftoken', 'x-requested-with'],
  corsExposeHeaders: [],
  corsAllowCredentials: false,
  corsPreflightMaxAge: 86_400,
  validationForbidUnknown: false,
  validationMaxDepth: 32,
  templates: DEFAULT_TEMPLATE_SETTINGS,
});

/** Environment names that are not `RONDO_` + the setting name. */
const ENV_ALIASES: Partial<Record<keyof Settings, string>> = { databaseUrl: 'DATABASE_URL', redisUrl: 'REDIS_URL' };

export function envName(key: string): string {
  return ENV_ALIASES[key as keyof Settings] ?? `RONDO_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function fromEnv(key: string, text: string, fallback: unknown): unknown {
  const where = `environment variable ${envName(key)}=${JSON.stringify(text)}`;
  if (typeof fallback === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off|)$/i.test(text)) return false;
    throw new ImproperlyConfigured('SETTINGS_ENV_INVALID', `${where} is not a boolean; use true or false`);
  }
  if (typeof fallback === 'number') {
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value)) throw new ImproperlyConfigured('SETTINGS_ENV_INVALID', `${where} is not a number`);
    return value;
  }
  if (Array.isArray(fallback)) return text.split(',').map((s) => s.trim()).filter(Boolean);
  return text;
}

/**
 * Defaults, overlaid with the app's settings, overlaid with the environment. Unknown keys
 * and values of the wrong type fail here, at start-up.
 */
export function resolveSettings(given: SettingsInput = {}, env: NodeJS.ProcessEnv = process.env): Settings {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [key, value] of Object.entries(given)) {
    if (!(key in DEFAULT_SETTINGS)) {
      const near = Object.keys(DEFAULT_SETTINGS).filter((k) => k.toLowerCase() === key.toLowerCase());
      throw new ImproperlyConfigured('SETTINGS_UNKNOWN', `Unknown setting '${key}'.${near.length ? ` Did you mean '${near[0]}'?` : ''} See the README's settings table`);
    }
    if (value === undefined) continue;
    const fallback = (DEFAULT_SETTINGS as Record<string, unknown>)[key];
    // Grouped settings (templates) merge over their defaults, so `{ dirs }` alone is enough.
    settings[key] = isPlainObject(fallback) && isPlainObject(value) ? { ...fallback, ...value } : value;
  }
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) {
    const text = env[envName(key)];
    const isScalar = ['boolean', 'number', 'string'].includes(typeof fallback) || (Array.isArray(fallback) && fallback.every((v) => typeof v === 'string') && key !== 'middleware');
    if (text !== undefined && isScalar) settings[key] = fromEnv(key, text, fallback);
  }
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) checkType(key, settings[key], fallback);
  for (const [key, header] of Object.entries(HEADER_SETTINGS)) checkHeaderValue(key, header, settings[key]);
  return settings as unknown as Settings;
}

/** Settings sent as response headers, by the header they become. */
const HEADER_SETTINGS: Record<string, string> = {
  secureReferrerPolicy: 'Referrer-Policy',
  secureCrossOriginOpenerPolicy: 'Cross-Origin-Opener-Policy',
  contentSecurityPolicy: 'Content-Security-Policy',
  xFrameOptions: 'X-Frame-Options',
};

function checkHeaderValue(key: string, header: string, value: unknown): void {
  if (typeof value === 'string' && /[\r\n\0]/.test(value)) {
    throw new ImproperlyConfigured(
      'SETTINGS_HEADER_VALUE',
      `Setting '${key}' holds a CR, LF or NUL character; it is sent as the ${header} header, where it would split the response. Remove it (write the value on one line)`,
    );
  }
}

function checkType(key: string, value: unknown, fallback: unknown): void {
  const expected = Array.isArray(fallback) ? 'array' : fallback === null ? 'null' : typeof fallback;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (expected !== 'null' && value !== null && expected !== actual) {
    throw new ImproperlyConfigured('SETTINGS_TYPE', `Setting '${key}' must be a ${expected}; got ${actual} (${JSON.stringify(value)})`);
  }
  if (typeof value === 'number' && (Number.isNaN(value) || value < 0)) {
    throw new ImproperlyConfigured('SETTINGS_TYPE', `Setting '${key}' must be a number >= 0; got ${value}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
