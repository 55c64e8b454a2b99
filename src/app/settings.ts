/**
 * The Settings type: one typed object, every key documented with its default. Types only
 * (the defaults and the environment overlay are in default-settings.ts), so every layer
 * can read settings without importing the framework back.
 */
import type { Class } from '../metadata/keys';
import type { CspPolicy } from '../middleware/csp';
import type { TemplateSettings } from '../templates/template-settings';

/** settings.authLoginRateLimit: see Settings. */
export interface LoginRateLimit {
  points: number;
  duration: number;
  addressPoints?: number;
  lockout?: 'address' | 'login';
}

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
  /** The middleware stack, any order (sorted by `@Middleware` order). Default: the built-in stack. */
  middleware: readonly Class[];
  /** Largest request body read into memory, in bytes (413 beyond). Default 2.5 MB. */
  dataUploadMaxMemorySize: number;
  /** Deepest nesting of arrays and objects in any JSON body (400 beyond). Default 64. */
  jsonMaxDepth: number;
  /** Most fields in a query string or form (400 beyond). Default 1000. */
  dataUploadMaxNumberFields: number;
  /**
   * Uploads stay in memory only when the whole body is at most this many bytes; else they stream to temporary files.
   * Default 2.5 MB.
   */
  fileUploadMaxMemorySize: number;
  /** Largest uploaded file accepted (413 beyond). Default 20 MB. */
  fileUploadMaxSize: number;
  /** Largest total of all files uploaded in one request (413 beyond). Default 50 MB. */
  fileUploadMaxTotalSize: number;
  /** Most files in one multipart body (400 beyond). Default 100. */
  dataUploadMaxNumberFiles: number;
  /** Folder for temporary upload files ('' = the OS temp folder). */
  fileUploadTempDir: string;
  /** Longest name (bytes) an uploaded file may have (400 beyond). Default 255. */
  fileUploadMaxNameLength: number;
  /**
   * The app's database, for models (entities): `sqlite:./db.sqlite3` (relative to the
   * project), `sqlite::memory:`, or `postgres://user@host:5432/name`. Read only when the app
   * declares an entity. Env: DATABASE_URL. Default 'sqlite:./db.sqlite3'.
   */
  database: string;
  /** Compiled migration files TypeORM loads (globs, relative to the project). Default ['dist/migrations/*.js']. */
  migrations: string[];
  /** Where `rondo makemigrations` writes new migrations (TypeScript). Default 'src/migrations'. */
  migrationsSourceDir: string;
  /** Most PostgreSQL connections the app holds open. Default 10. */
  databasePoolSize: number;
  /** Run every view in a transaction (Django's ATOMIC_REQUESTS); `@NonAtomic()` opts out. Default false. */
  atomicRequests: boolean;
  /** Redis URL for shared stores (sessions, cache). Env: REDIS_URL. */
  redisUrl: string;
  /** rondo/auth: what users log in with, 'username' (default) or 'email'. */
  authLoginField: 'username' | 'email';
  /** rondo/auth: password validators (minLength, similarTo, common, numeric) over DEFAULT_PASSWORD_RULES. */
  passwordRules: Readonly<{
    minLength?: number;
    similarTo?: readonly string[];
    common?: boolean | string;
    numeric?: boolean;
  }>;
  /** rondo/auth TokenAuthMiddleware: the Authorization schemes it reads. */
  authTokenSchemes: string[];
  /** rondo/auth: seconds a JWT from ApiTokens.issueJwt stays valid. */
  authJwtLifetime: number;
  /** rondo/auth views: where login goes without a safe `next`. Default '/'. */
  loginRedirectUrl: string;
  /** rondo/auth views: where logout goes without a safe `next`. Default '/'. */
  logoutRedirectUrl: string;
  /** rondo/auth: seconds a password reset link stays valid (Django's PASSWORD_RESET_TIMEOUT). Default 3 days. */
  passwordResetTimeout: number;
  /**
   * rondo/auth LoginThrottle: failed logins allowed per `duration` seconds for one (client
   * address, login name) pair (`points`) and for one address whatever the name
   * (`addressPoints`, default 5 × points). `lockout: 'login'` counts per login name alone
   * instead (anyone can then lock an account out). null turns it off.
   */
  authLoginRateLimit: Readonly<LoginRateLimit> | null;
  /** rondo/auth: sign-ups allowed per client address per `duration` seconds (HTML and API); null turns it off. */
  authSignupRateLimit: Readonly<{ points: number; duration: number }> | null;
  /**
   * rondo/auth: password reset requests allowed per `duration` seconds, per client address and per e-mail address; null
   * turns it off.
   */
  authPasswordResetRateLimit: Readonly<{ points: number; duration: number }> | null;
  /**
   * makePassword's algorithm for new hashes: 'scrypt' (default) or 'argon2' (the argon2 package, installed by the app).
   */
  passwordHasher: 'scrypt' | 'argon2';
  /** Mailer: 'console' (log), 'file' (emailFilePath), 'smtp' (emailHost...) or 'memory' (mailer.outbox, tests). */
  emailBackend: 'console' | 'file' | 'smtp' | 'memory';
  emailFilePath: string;
  emailHost: string;
  emailPort: number;
  emailHostUser: string;
  emailHostPassword: string;
  /** Implicit TLS (port 465); STARTTLS is used when the server offers it. */
  emailUseTls: boolean;
  defaultFromEmail: string;
  /** Where `@RateLimit` counts: 'memory' (this process) or 'redis' (redisUrl, shared by every process). */
  rateLimitStore: 'memory' | 'redis';
  /** Cache: 'memory' (an LRU per process) or 'redis' (redisUrl, shared). Default 'memory'. */
  cacheBackend: 'memory' | 'redis';
  /**
   * Where queued tasks wait: 'immediate' (run in this process at enqueue: development and
   * tests), 'database' (the rondo_task table, run by `rondo worker`) or 'redis' (BullMQ on
   * redisUrl, run by `rondo worker`). Default 'immediate'.
   */
  tasksBackend: 'immediate' | 'database' | 'redis';
  /** ms a worker holds a task without renewing; a killed worker's task runs again after it. Default 30 000. */
  tasksLease: number;
  /** ms a database worker waits before looking again when no task is ready. Default 1 000. */
  tasksPollInterval: number;
  /**
   * Seconds a finished task (successful or failed) stays readable by `queue.result(id)`;
   * then workers delete it (database) or BullMQ drops it (redis). Default 604 800 (a week).
   */
  tasksResultRetention: number;
  /**
   * Where WebSocket broadcasts go: 'memory' (the connections of this process) or 'redis'
   * (published on redisUrl: every instance delivers to its own). Default 'memory'.
   */
  channelsBackend: 'memory' | 'redis';
  /** Seconds an entry lives when set without a timeout; null = forever. Default 300. */
  cacheTimeout: number | null;
  /**
   * Put before every key this app keeps in Redis (cache `prefix:version:key`, sessions,
   * rate-limit counters, channels, tasks), so apps can share a Redis. Default 'rondo'.
   */
  cacheKeyPrefix: string;
  /** The key version; bump it to leave every entry unread. Default 1. */
  cacheVersion: number;
  /** Memory backend bounds: entries, and bytes of keys and JSON values. Defaults 10000 and 64 MiB. */
  cacheMaxEntries: number;
  cacheMaxBytes: number;
  /**
   * CacheMiddleware: seconds every GET page is cached (Django's per-site cache); 0 = only `@CachePage` views. Default 0.
   */
  cacheMiddlewareSeconds: number;
  /** node:http: ms to receive the complete headers. */
  headersTimeout: number;
  /** node:http: ms to receive the complete request. */
  requestTimeout: number;
  /**
   * ms a response may be pending without its socket reading anything (a body still
   * arriving restarts the clock) or a streamed response may stall: a view that has not
   * answered by then (at most a quarter later) gets a 503 and the socket closes after it;
   * a stalled stream is cut. 0 = no deadline. Default 30000.
   */
  responseTimeout: number;
  /** node:http: ms an idle keep-alive socket stays open. */
  keepAliveTimeout: number;
  /** node:http: largest request header block in bytes (431 beyond). */
  maxHeaderSize: number;
  /** Most header lines a request may carry (431 beyond). Default 100. */
  maxHeaderCount: number;
  /**
   * Longest request target, path and query, in characters (414 beyond; nginx's default buffer is 8 KB). Default 8192.
   */
  maxUrlLength: number;
  /** Requests served on one keep-alive socket before it is closed (0 = no limit). */
  maxRequestsPerSocket: number;
  /** ms a graceful shutdown waits for in-flight requests before forcing. */
  shutdownTimeout: number;
  /** 'text' (default: `[rondo] time LEVEL message` on stderr) or 'json' (one pino JSON line per entry on stdout). */
  logFormat: 'text' | 'json';
  /** One log line per request (method, path, route, status, duration, bytes, request id, user id). Default false. */
  accessLog: boolean;
  /**
   * RequestIdMiddleware: the header a trusted proxy (settings.trustedProxies) may send the
   * request id in, and the response header it is returned in. Default 'X-Request-Id'.
   */
  requestIdHeader: string;
  /** HealthMiddleware: liveness URL (200 while the process runs). Default '/healthz'. */
  healthLiveUrl: string;
  /** HealthMiddleware: readiness URL (database and Redis reachable, not shutting down). Default '/readyz'. */
  healthReadyUrl: string;
  /** MetricsMiddleware: where the Prometheus text is served. Default '/metrics'. */
  metricsUrl: string;
  /** URL prefix of static files (templates' `static(path)`). Default '/static/'. */
  staticUrl: string;
  /** Folders static files are served from in development, searched in order. Default []. */
  staticDirs: string[];
  /** Serve `staticUrl` from `staticDirs`; null = only when debug is on. Default null. */
  serveStatic: boolean | null;
  /** Serve files and folders whose name starts with '.' (`.env`, `.git/`) from staticDirs. Default false (404). */
  staticServeDotfiles: boolean;

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
  /**
   * SecurityMiddleware: a fixed `Content-Security-Policy` header value ('' = not sent); `csp` is the structured form.
   */
  contentSecurityPolicy: string;
  /**
   * SecurityMiddleware: the Content-Security-Policy as directives, with `CSP.NONCE` for the
   * request's nonce (templates write `<%= cspNonce %>`). Default null (none); `@Csp()` overrides per view.
   */
  csp: CspPolicy | null;
  /**
   * SecurityMiddleware: a policy sent as Content-Security-Policy-Report-Only (browsers report, block nothing). Default
   * null.
   */
  cspReportOnly: CspPolicy | null;
  /**
   * SessionMiddleware: 'cookie' (signed cookie, no server state: cannot be revoked),
   * 'database' (a rondo_session table through the app's TypeORM connection: Django's
   * default, revocable), 'memory' (one process) or 'redis'.
   */
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
  /** AuthenticationMiddleware: where `@LoginRequired()` redirects. Default '/accounts/login/'. */
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
  /** Replaces or translates error messages of forms and DTOs, by rule name (see DEFAULT_VALIDATION_MESSAGES). */
  validationMessages: Readonly<
    Record<string, (context: { property: string; value: unknown; constraints: readonly unknown[] }) => string>
  >;
  /**
   * API mode: every error is problem+json whatever the Accept header (routing 404/405
   * included). Per controller: `@JsonErrors()`. Default false (JSON for clients that
   * prefer it or sent JSON, HTML pages for the rest).
   */
  jsonErrors: boolean;

  // Templates (src/templates/). Given keys are merged over the defaults.
  /** `{ dirs: [], contextProcessors: [request, user, csrf, messages, url, static, debug], cache: null }`. */
  templates: TemplateSettings;
}

/** What an app passes: any subset of the settings; grouped ones (templates) partially too. */
export type SettingsInput = Partial<Omit<Settings, 'templates'>> & { templates?: Partial<TemplateSettings> };
