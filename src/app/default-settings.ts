/**
 * The defaults of every setting and `resolveSettings`: defaults, overlaid with the app's
 * settings, overlaid with the environment (`RONDO_<SETTING_NAME>`, e.g. RONDO_DEBUG=true,
 * RONDO_ALLOWED_HOSTS=a.com,b.com; plus DATABASE_URL and REDIS_URL).
 */
import type { ErrorCode } from '../errors/error-codes';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { DEFAULT_MIDDLEWARE } from '../middleware/defaults';
import { DEFAULT_TEMPLATE_SETTINGS } from '../templates/template-settings';
import type { Settings, SettingsInput } from './settings';

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
  jsonMaxDepth: 64,
  fileUploadMaxMemorySize: 2.5 * 1024 * 1024,
  fileUploadMaxSize: 20 * 1024 * 1024,
  fileUploadMaxTotalSize: 50 * 1024 * 1024,
  dataUploadMaxNumberFiles: 100,
  fileUploadTempDir: '',
  fileUploadMaxNameLength: 255,
  database: 'sqlite:./db.sqlite3',
  databasePoolSize: 10,
  migrations: ['dist/migrations/*.js'],
  migrationsSourceDir: 'src/migrations',
  atomicRequests: false,
  redisUrl: 'redis://127.0.0.1:6379',
  rateLimitStore: 'memory',
  cacheBackend: 'memory',
  cacheTimeout: 300,
  tasksBackend: 'immediate',
  tasksLease: 30_000,
  tasksPollInterval: 1000,
  tasksResultRetention: 7 * 24 * 3600,
  channelsBackend: 'memory',
  cacheKeyPrefix: 'rondo',
  cacheVersion: 1,
  cacheMaxEntries: 10_000,
  cacheMaxBytes: 64 * 1024 * 1024,
  cacheMiddlewareSeconds: 0,
  emailBackend: 'console',
  emailFilePath: 'sent-emails',
  emailHost: '127.0.0.1',
  emailPort: 25,
  emailHostUser: '',
  emailHostPassword: '',
  emailUseTls: false,
  defaultFromEmail: 'webmaster@localhost',
  authLoginField: 'username',
  passwordRules: {},
  authTokenSchemes: ['Token', 'Bearer'],
  authJwtLifetime: 7 * 24 * 3600,
  loginRedirectUrl: '/',
  logoutRedirectUrl: '/',
  passwordResetTimeout: 3 * 24 * 3600,
  authLoginRateLimit: { points: 10, duration: 900, addressPoints: 50, lockout: 'address' as const },
  authSignupRateLimit: { points: 10, duration: 3600 },
  authPasswordResetRateLimit: { points: 5, duration: 3600 },
  passwordHasher: 'scrypt',
  headersTimeout: 20_000,
  requestTimeout: 60_000,
  responseTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16 * 1024,
  maxHeaderCount: 100,
  maxUrlLength: 8192,
  maxRequestsPerSocket: 0,
  shutdownTimeout: 10_000,
  logFormat: 'text',
  accessLog: false,
  requestIdHeader: 'X-Request-Id',
  healthLiveUrl: '/healthz',
  healthReadyUrl: '/readyz',
  metricsUrl: '/metrics',
  staticUrl: '/static/',
  staticDirs: [],
  serveStatic: null,
  staticServeDotfiles: false,
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
  csp: null,
  cspReportOnly: null,
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
  validationMessages: {},
  jsonErrors: false,
  templates: DEFAULT_TEMPLATE_SETTINGS,
});

/** Environment names that are not `RONDO_` + the setting name. */
const ENV_ALIASES: Partial<Record<keyof Settings, string>> = { database: 'DATABASE_URL', redisUrl: 'REDIS_URL' };

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
    if (text.trim() === '' || Number.isNaN(value))
      throw new ImproperlyConfigured('SETTINGS_ENV_INVALID', `${where} is not a number`);
    return value;
  }
  if (Array.isArray(fallback))
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
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
      throw new ImproperlyConfigured(
        'SETTINGS_UNKNOWN',
        `Unknown setting '${key}'.${near.length ? ` Did you mean '${near[0]}'?` : ''} See docs/reference/settings.md`,
      );
    }
    if (value === undefined) continue;
    const fallback = (DEFAULT_SETTINGS as Record<string, unknown>)[key];
    // Grouped settings (templates) merge over their defaults, so `{ dirs }` alone is enough.
    settings[key] = isPlainObject(fallback) && isPlainObject(value) ? { ...fallback, ...value } : value;
  }
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) {
    const text = env[envName(key)];
    const isScalar =
      ['boolean', 'number', 'string'].includes(typeof fallback) ||
      (Array.isArray(fallback) && fallback.every((v) => typeof v === 'string') && key !== 'middleware');
    if (text !== undefined && isScalar) settings[key] = fromEnv(key, text, fallback);
  }
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) checkType(key, settings[key], fallback);
  for (const [key, header] of Object.entries(HEADER_SETTINGS)) checkHeaderValue(key, header, settings[key]);
  for (const key of ['authLoginRateLimit', 'authSignupRateLimit', 'authPasswordResetRateLimit'])
    checkRateLimit(key, settings[key]);
  for (const [key, [code, choices]] of Object.entries(CHOICES)) {
    if (!choices.includes(settings[key] as string)) {
      throw new ImproperlyConfigured(
        code,
        `settings.${key} is ${JSON.stringify(settings[key])}; use one of ${choices.map((c) => `'${c}'`).join(', ')} (environment: ${envName(key)})`,
      );
    }
  }
  return settings as unknown as Settings;
}

/** Settings that take one of a few words, checked at start-up. */
const CHOICES: Record<string, readonly [ErrorCode, readonly string[]]> = {
  emailBackend: ['EMAIL_BACKEND_UNKNOWN', ['console', 'file', 'smtp', 'memory']],
  rateLimitStore: ['RATE_LIMIT_STORE_UNKNOWN', ['memory', 'redis']],
  authLoginField: ['AUTH_LOGIN_FIELD', ['username', 'email']],
  passwordHasher: ['PASSWORD_HASHER_UNKNOWN', ['scrypt', 'argon2']],
  logFormat: ['LOG_FORMAT_UNKNOWN', ['text', 'json']],
  cacheBackend: ['CACHE_BACKEND_UNKNOWN', ['memory', 'redis']],
  tasksBackend: ['TASK_BACKEND_UNKNOWN', ['immediate', 'database', 'redis']],
  channelsBackend: ['CHANNELS_BACKEND_UNKNOWN', ['memory', 'redis']],
};

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

/** A rate-limit setting: null, or positive points and duration (the login one: a known lockout). */
function checkRateLimit(key: string, value: unknown): void {
  if (value === null) return;
  const limit = value as { points?: unknown; duration?: unknown; addressPoints?: unknown; lockout?: unknown };
  const positive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;
  const fine =
    positive(limit.points) &&
    positive(limit.duration) &&
    (limit.addressPoints === undefined || positive(limit.addressPoints)) &&
    (limit.lockout === undefined || limit.lockout === 'address' || limit.lockout === 'login');
  if (!fine) {
    throw new ImproperlyConfigured(
      'SETTINGS_TYPE',
      `Setting '${key}' is ${JSON.stringify(value)}; give { points: <n > 0>, duration: <seconds > 0> }${key === 'authLoginRateLimit' ? " (optionally addressPoints > 0 and lockout: 'address' | 'login')" : ''}, or null to turn it off`,
    );
  }
}

function checkType(key: string, value: unknown, fallback: unknown): void {
  const expected = Array.isArray(fallback) ? 'array' : fallback === null ? 'null' : typeof fallback;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (expected !== 'null' && value !== null && expected !== actual) {
    throw new ImproperlyConfigured(
      'SETTINGS_TYPE',
      `Setting '${key}' must be a ${expected}; got ${actual} (${JSON.stringify(value)})`,
    );
  }
  if (typeof value === 'number' && (Number.isNaN(value) || value < 0)) {
    throw new ImproperlyConfigured('SETTINGS_TYPE', `Setting '${key}' must be a number >= 0; got ${value}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}
