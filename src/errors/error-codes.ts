/**
 * The catalogue of every framework error code (Fastify's lib/errors.js idea): what
 * happened and how to fix it. `RondoError.code` is typed by it, so a new code cannot be
 * raised without an entry here; a test holds it against the table in docs/reference/errors.md.
 */

interface CodeInfo {
  /** What went wrong (the thrown message adds the classes, values and files involved). */
  readonly what: string;
  readonly fix: string;
}

export const ERROR_CODES = {
  // Configuration, raised by createApp (ImproperlyConfigured).
  SETTINGS_UNKNOWN: {
    what: 'a setting name that does not exist',
    fix: 'check the spelling against docs/reference/settings.md (the message suggests the near name)',
  },
  SETTINGS_TYPE: {
    what: 'a setting of the wrong type or a negative number',
    fix: 'give the type the settings table shows',
  },
  SETTINGS_ENV_INVALID: {
    what: 'a RONDO_* environment variable that does not parse as the setting type',
    fix: 'use true/false for booleans, digits for numbers, commas for lists',
  },
  SETTINGS_HEADER_VALUE: { what: 'a header-valued setting holds CR, LF or NUL', fix: 'write the value on one line' },
  SETTINGS_STATIC_URL: { what: 'staticUrl does not start and end with /', fix: "use a value like '/static/'" },
  SECRET_KEY_MISSING: {
    what: 'a component signs (sessions, CSRF, signed cookies) but secretKey is empty',
    fix: 'set secretKey or RONDO_SECRET_KEY to a long random string',
  },
  SIGNING_SEPARATOR: {
    what: 'a Signer separator that base64url output could contain',
    fix: "use a separator such as ':'",
  },
  ROUTE_DUPLICATE: {
    what: 'two routes with the same path and method (both named)',
    fix: 'change one path or method, or remove one route',
  },
  ROUTE_NAME_DUPLICATE: {
    what: 'two routes share a name (both named)',
    fix: 'rename one, or give the controllers namespaces',
  },
  ROUTE_PATH_INVALID: {
    what: 'a route pattern that cannot be parsed',
    fix: 'use <converter:name> segments, e.g. /posts/<int:id>',
  },
  ROUTE_UNKNOWN_CONVERTER: {
    what: 'a <converter:name> whose converter is not registered',
    fix: 'use int, str, slug, uuid or path, or registerConverter() first',
  },
  CONVERTER_DUPLICATE: { what: 'registerConverter() with a name already taken', fix: 'pick another name' },
  CONVERTER_NAME_INVALID: { what: 'a converter name that is not an identifier', fix: 'use letters, digits and _' },
  CONVERTER_REGEX_INVALID: {
    what: 'a converter regex that does not compile or has capture groups',
    fix: 'use a valid regex with (?: ) groups only',
  },
  CONTROLLER_EMPTY: {
    what: 'a @Route class without route methods',
    fix: 'decorate its view methods with @Get(), @Post() or @Route()',
  },
  VIEW_NOT_A_METHOD: {
    what: 'a route decorator on something that is not a method',
    fix: 'decorate a method of the controller',
  },
  VIEW_PARAM_UNDECORATED: {
    what: 'a view parameter without a decorator while others have one',
    fix: 'decorate every parameter (@Req(), @Param(), ...)',
  },
  VIEW_PARAM_UNKNOWN: {
    what: 'a parameter decorator Rondo does not know',
    fix: 'use the decorators exported by rondo',
  },
  MIDDLEWARE_NOT_DECORATED: {
    what: 'a middleware class without @Middleware(order)',
    fix: 'add @Middleware with an order unique in the app',
  },
  MIDDLEWARE_ORDER_INVALID: {
    what: '@Middleware(order) with an order that is not a finite number',
    fix: 'use a number such as 150',
  },
  MIDDLEWARE_ORDER_DUPLICATE: {
    what: 'two middleware classes with one order (both named)',
    fix: 'give one a free order; built-ins use 50, 60, 100 ... 700',
  },
  MIDDLEWARE_EMPTY: { what: 'a middleware class with no handle() or process* hook', fix: 'implement at least one' },
  MIDDLEWARE_MIXED: {
    what: 'a middleware with handle() and processRequest()/processResponse()',
    fix: 'keep handle(), or the Django-style pair',
  },
  DI_MISSING_BINDING: {
    what: 'a constructor parameter whose type or token is not bound',
    fix: 'mark the class @Injectable(), list it in providers, or bind the token',
  },
  DI_UNRESOLVABLE_PARAM: {
    what: 'a constructor parameter without a type Rondo can inject (interface, union, primitive)',
    fix: 'use @Inject(TOKEN), or turn on emitDecoratorMetadata',
  },
  DI_CIRCULAR: {
    what: 'services that depend on each other in a circle (the path is shown)',
    fix: 'break the circle, e.g. with a third service',
  },
  DI_SCOPE_WIDENING: {
    what: 'a singleton that depends on a request-scoped service',
    fix: 'make the dependant request-scoped, or inject a factory',
  },
  DI_REQUEST_SCOPE: {
    what: 'a request-scoped service resolved outside a request',
    fix: 'resolve it from a view or a request-scoped service',
  },
  DI_CONSTRUCTION_FAILED: {
    what: 'a singleton constructor threw at start-up',
    fix: 'see the cause in the message; fix the constructor or its settings',
  },
  DISCOVERY_NOT_FOUND: {
    what: 'a discover entry matches no file',
    fix: 'point it at compiled folders (dist/...), relative to baseDir',
  },
  DISCOVERY_IMPORT_FAILED: {
    what: 'a discovered module threw while it was imported',
    fix: 'see the cause; the module and its error are named',
  },
  DISCOVERY_TYPESCRIPT: {
    what: 'discover points at .ts sources',
    fix: 'compile with tsc (decorator metadata) and discover the .js output',
  },
  CSP_INVALID: {
    what: 'a Content-Security-Policy setting or @Csp() policy with an unknown directive or a malformed source',
    fix: "write directives as the header names them, each a list of sources: { 'default-src': [CSP.SELF] }",
  },
  SESSION_ENGINE_UNKNOWN: {
    what: 'sessionEngine is not cookie, database, memory or redis',
    fix: 'use one of those, or pass a store',
  },
  SESSION_STORE_INVALID: {
    what: 'a session store that lacks load/save/delete',
    fix: 'implement the SessionStore interface',
  },
  MESSAGE_STORAGE_UNKNOWN: { what: 'messageStorage is not cookie or session', fix: 'use one of those' },
  MESSAGES_NO_SESSION: {
    what: "messageStorage 'session' without SessionMiddleware",
    fix: 'add SessionMiddleware, or use cookie storage',
  },
  CSRF_NOT_INSTALLED: {
    what: 'csrfToken() used without CsrfViewMiddleware',
    fix: 'add CsrfViewMiddleware to settings.middleware (it is in the default stack)',
  },
  TEMPLATES_SETTINGS: {
    what: 'settings.templates is not { dirs, contextProcessors }',
    fix: 'pass the keys the settings table shows',
  },
  TEMPLATES_PROCESSOR_UNKNOWN: {
    what: 'a context processor name that is not built in',
    fix: 'use a built-in name or a function (request) => ({ ... })',
  },
  DATABASE_URL_INVALID: {
    what: 'settings.database is not a URL Rondo knows',
    fix: "use 'sqlite:./db.sqlite3', 'sqlite::memory:' or 'postgres://user@host:5432/name'",
  },
  DATABASE_DRIVER_MISSING: {
    what: 'the database driver package is not installed',
    fix: 'run the npm install command the message shows (better-sqlite3 or pg)',
  },
  DATABASE_NOT_CONNECTED: {
    what: 'atomic() was called in a process with no connected database',
    fix: 'declare an entity so that createApp connects settings.database',
  },
  DATABASE_AMBIGUOUS: {
    what: 'atomic() was called outside a transaction while several apps with databases run in one process',
    fix: 'inject DATABASE and call database.atomic()',
  },
  FIXTURE_INVALID: {
    what: 'a fixture file or row could not be loaded (file, row index and entity are named)',
    fix: 'use [{ "model": "EntityName", "pk": 1, "fields": { ... } }] with a known entity',
  },
  DTO_MAPPED_PROPERTY_UNKNOWN: {
    what: 'PickType/OmitType named a property the parent class has no validation rule or @Type() for',
    fix: 'name a validated property (the message lists them), or add a rule to it',
  },
  DATABASE_UNREACHABLE: {
    what: 'createApp could not connect to settings.database (URL shown without its password)',
    fix: 'start the database server, or fix DATABASE_URL',
  },
  LISTEN_WORKERS: {
    what: "listen({ workers }) with a count that is not a positive integer or 'auto'",
    fix: "use a number >= 1 or 'auto'",
  },
  // At run time: programming mistakes, reported with the class, method or value involved.
  MIDDLEWARE_NEXT_TWICE: {
    what: 'a handle() middleware called next() twice',
    fix: 'call it once and reuse the response it gave',
  },
  MIDDLEWARE_NO_RESPONSE: {
    what: 'a middleware returned something that is not an HttpResponse',
    fix: 'return next(request), or a response',
  },
  VIEW_RESULT_INVALID: {
    what: 'a view returned a function, symbol or bigint',
    fix: 'return an HttpResponse, a string, a JSON-able value or nothing',
  },
  BODY_NOT_LOADED: {
    what: 'request.POST read in middleware before the body was loaded',
    fix: 'await request.load() first (views get it loaded)',
  },
  APPEND_SLASH_UNSAFE_METHOD: {
    what: 'a POST (or other unsafe method) to a URL without its slash while appendSlash is on (debug)',
    fix: 'send to the URL with the trailing slash, or set appendSlash: false',
  },
  NO_REVERSE_MATCH: {
    what: 'reverse() got an unknown name, or parameters that do not fit',
    fix: 'check the name (namespace:name) and the parameters the message lists',
  },
  TEMPLATES_UNAVAILABLE: {
    what: 'render() with a request that was not built by an app',
    fix: 'build requests with app.createRequest or the TestClient',
  },
  TEMPLATE_DOES_NOT_EXIST: {
    what: 'no template folder holds the name (every path tried is listed)',
    fix: 'check the name and settings.templates.dirs',
  },
  TEMPLATE_NAME_INVALID: {
    what: 'a template name that is absolute or climbs out (..)',
    fix: 'use a relative name inside the template folders',
  },
  TEMPLATE_ERROR: {
    what: 'a template failed to compile or render (name and line shown)',
    fix: 'fix the template at that line',
  },
  TEMPLATE_LAYOUT_CYCLE: {
    what: 'templates whose layouts extend each other in a circle',
    fix: 'break the layout chain shown in the message',
  },
  DTO_RECURSIVE: { what: 'a DTO that nests itself', fix: 'limit the nesting with a separate DTO class' },
  DTO_NESTED_ARRAY: { what: 'a DTO property that is an array of arrays', fix: 'wrap the inner array in a DTO class' },
  AUTH_NO_SESSION: {
    what: 'login() or logout() without SessionMiddleware',
    fix: 'add SessionMiddleware before AuthenticationMiddleware',
  },
  SESSION_COOKIE_TOO_LARGE: {
    what: 'the cookie session engine would send a cookie over 4 KB',
    fix: 'store less in the session, or use the memory or redis engine',
  },
  SIGNATURE_BAD: {
    what: 'a signed value was tampered with or signed with another key or salt',
    fix: 'treat it as untrusted input',
  },
  SIGNATURE_EXPIRED: { what: 'a signed value is older than the maxAge asked', fix: 'ask for a fresh one' },
  UPLOAD_DESTINATION_EXISTS: {
    what: 'UploadedFile.moveTo(path) found a file at path',
    fix: 'choose a free path, or remove the file first',
  },
  UPLOAD_GONE: {
    what: 'an upload read or moved again after moveTo() or after the response',
    fix: 'read or move each upload once, during the request',
  },
  COOKIE_NAME_INVALID: {
    what: 'response.setCookie() with a name that is not an RFC 6265 token (a space, ;, =, a control character...)',
    fix: "name the cookie with letters, digits and !#$%&'*+-.^_`|~",
  },
  COOKIE_SAMESITE_NONE_INSECURE: {
    what: "a cookie with sameSite 'none' but not secure",
    fix: 'add secure: true (browsers reject it otherwise)',
  },
  HEADER_VALUE_INVALID: {
    what: 'a response header value with CR, LF or NUL (it would split the response)',
    fix: 'remove those characters; never copy them from a request',
  },
  MESSAGE_LEVEL_UNKNOWN: {
    what: 'request.messages.add() with an unknown level',
    fix: 'use debug, info, success, warning or error',
  },
  TEST_RESPONSE_NOT_JSON: {
    what: 'TestResponse.json() on a body that is not JSON',
    fix: 'check the status and Content-Type the message shows',
  },
  // The CLI.
  CLI_APP_NOT_FOUND: {
    what: 'the CLI found no app module',
    fix: 'pass --app dist/app.js or set "rondo": { "app" } in package.json',
  },
  CLI_APP_EXPORT: {
    what: 'the app module exports neither an App nor a function returning one',
    fix: 'export default createApp(...) or a function returning it',
  },
  ALLOWED_HOSTS_EMPTY: {
    what: 'app.listen() with debug off and settings.allowedHosts empty (every request would be a 400)',
    fix: 'list the site host names in allowedHosts (RONDO_ALLOWED_HOSTS), or turn debug on locally',
  },
  RATE_LIMIT_STORE_UNKNOWN: {
    what: "settings.rateLimitStore is neither 'memory' nor 'redis'",
    fix: "use 'memory' for one process or 'redis' (settings.redisUrl) to share counters",
  },
  RATE_LIMIT_INVALID: {
    what: '@RateLimit with points or duration not above 0 (the view is named)',
    fix: 'give points > 0 and duration > 0 seconds',
  },
  AUTH_LOGIN_FIELD: {
    what: "settings.authLoginField is neither 'username' nor 'email'",
    fix: "set it to 'username' or 'email'",
  },
  VIEW_MIDDLEWARE_MISSING: {
    what: 'a view is marked @LoginRequired() or @PermissionRequired() but AuthenticationMiddleware is not in the middleware (the view is named)',
    fix: 'add AuthenticationMiddleware to settings.middleware, or remove the decorator',
  },
  AUTH_USER_ENTITY: {
    what: "authApp({ user }) names a class that does not extend rondo/auth's User",
    fix: 'declare it as class Member extends User with @Entity(), or leave user out',
  },
  APP_MODULE_SPREAD: {
    what: 'createApp() options hold templateDirs or migrations: an app part (authApp()) was spread into them, which would drop those',
    fix: 'pass the part in apps: createApp({ apps: [authApp()] })',
  },
  MIGRATION_DRIVER: {
    what: "a migration Rondo ships (rondo/auth's accounts, database sessions) ran on a database that is neither SQLite nor PostgreSQL",
    fix: 'use SQLite or PostgreSQL, or write those tables with rondo makemigrations',
  },
  COMMAND_INVALID: {
    what: "an app command's name is not lower-case words joined by dashes, or two commands (or a command and a built-in one) share it",
    fix: 'rename it (e.g. send-digest); rondo help lists the names in use',
  },
  COMMAND_USAGE: {
    what: "an app command's command line does not fit it: an unknown option, a value its rules refuse, an extra argument, or no such command",
    fix: 'rondo <command> --help lists its options and what each takes',
  },
  ADMIN_INVALID: {
    what: 'an adminApp() registration that cannot work: not an entity of the app, no single primary key, or an option naming a column the model lacks or cannot use that way',
    fix: 'the message names the model, the option and the columns it has; fix the name or the option',
  },
  TASK_INVALID: {
    what: 'a @Task or @Schedule that cannot work (bad priority, queue, retries or cron expression; two tasks with one name), or an enqueue the task cannot take (not a task of the app, arguments or result that are not JSON values)',
    fix: 'the message names the task and the value; pass plain JSON data (ids, strings, numbers; a date as toISOString())',
  },
  TASK_FAILED: {
    what: "a run of a task threw; with the redis backend this is how BullMQ learns it (the task's own error is the TaskResult's error)",
    fix: "read result.error (the task's error and stack); the task is retried while it has retries left",
  },
  TASK_BACKEND_UNKNOWN: {
    what: "settings.tasksBackend is not 'immediate', 'database' or 'redis'",
    fix: "use 'immediate' (in-process, development), 'database' (rondo_task table) or 'redis' (BullMQ)",
  },
  TASK_BACKEND_UNAVAILABLE: {
    what: "the task backend's database or Redis failed (down, or the database backend without a database)",
    fix: 'check DATABASE_URL / REDIS_URL and that the server runs; run rondo migrate for the rondo_task table',
  },
  WEBSOCKET_INVALID: {
    what: 'a @WebSocket view that cannot work: no @Socket() parameter, or a route that is also a plain HTTP view',
    fix: 'give the method a @Socket() socket: WebSocketConnection parameter; keep WebSocket and HTTP views on separate paths',
  },
  OPENAPI_CONTRACT: {
    what: "a response (or request body) in a test does not match the schema its operation declares in the app's OpenAPI document",
    fix: 'fix the view, or its @ApiResponse / DTO if the contract itself changed',
  },
  MIGRATIONS_PENDING: {
    what: 'rondo makemigrations ran on a server database with unapplied migrations: the difference would repeat them',
    fix: 'run rondo migrate first (an embedded SQLite database gets them applied by makemigrations itself)',
  },
  PASSWORD_HASHER_UNKNOWN: {
    what: "settings.passwordHasher is neither 'scrypt' nor 'argon2'",
    fix: "use 'scrypt' (built in) or 'argon2' (npm install argon2)",
  },
  ARGON2_MISSING: {
    what: "settings.passwordHasher is 'argon2' (or a stored hash is argon2) but the argon2 package is not installed",
    fix: 'npm install argon2, or keep the default scrypt',
  },
  PASSWORD_LIST_UNREADABLE: {
    what: 'settings.passwordRules.common names a file that cannot be read',
    fix: 'give a file of one password per line, or true for the built-in list',
  },
  CACHE_BACKEND_UNKNOWN: {
    what: "settings.cacheBackend is neither 'memory' nor 'redis'",
    fix: "use 'memory' (one LRU per process) or 'redis' (shared through redisUrl)",
  },
  CHANNELS_BACKEND_UNKNOWN: {
    what: "settings.channelsBackend is neither 'memory' nor 'redis'",
    fix: "use 'memory' (this process's connections) or 'redis' (broadcasts reach every instance through redisUrl)",
  },
  CACHE_KEY_INVALID: {
    what: 'a cache key is empty, longer than 250 characters or holds a space or control character, or its value cannot be stored as JSON',
    fix: 'use a short printable key (hash long ones) and a JSON value',
  },
  CACHE_KEY_MISSING: {
    what: 'cache.incr(), decr() or touch() on a key that is not in the cache',
    fix: 'set it first (cache.set(key, 0)), or use cache.add()',
  },
  CACHE_UNAVAILABLE: {
    what: 'cache.incr() or touch() while the Redis cache is unreachable (get and set count as misses instead)',
    fix: 'start Redis or check redisUrl; the cache recovers by itself',
  },
  LOG_FORMAT_UNKNOWN: {
    what: "settings.logFormat is neither 'text' nor 'json'",
    fix: "use 'text' (readable lines on stderr) or 'json' (pino lines on stdout)",
  },
  EMAIL_BACKEND_UNKNOWN: {
    what: "settings.emailBackend is not 'console', 'file', 'smtp' or 'memory'",
    fix: 'pick one of them',
  },
  EMAIL_HEADER_INVALID: {
    what: 'an e-mail address or subject holds a line break (header injection), or there is no recipient',
    fix: 'strip line breaks from what users typed; give a recipient',
  },
  CLI_NOT_A_PROJECT: {
    what: 'rondo generate ran outside a project (no package.json in the working folder)',
    fix: 'cd into a project made by rondo new',
  },
  CLI_GENERATE_NAME: {
    what: 'the name given to rondo generate is not an identifier, or would shadow a decorator the generated files import',
    fix: 'use letters and digits, e.g. Article or BlogPost',
  },
  CLI_GENERATE_EXISTS: {
    what: 'rondo generate would overwrite files that exist (it never does; nothing was written)',
    fix: 'choose another name, or remove the files it lists',
  },
  CLI_NO_TYPESCRIPT: {
    what: 'rondo runserver found no TypeScript in the project to rebuild it with',
    fix: 'npm install --save-dev typescript, or pass --noreload',
  },
  CLI_NO_ACCOUNTS: {
    what: 'rondo createsuperuser for an app that does not use rondo/auth',
    fix: 'add authApp() to createApp({ apps })',
  },
  CLI_USER_EXISTS: { what: 'rondo createsuperuser with a username that is taken', fix: 'choose another --username' },
  CLI_NO_MODELS: {
    what: 'a migration command for an app without entities',
    fix: 'add @Entity() classes to the app (discover a models folder, or createApp({ entities }))',
  },
  CLI_PROJECT_EXISTS: { what: 'rondo new into a folder that is not empty', fix: 'pick a new folder name' },
  CLI_PROJECT_NAME: {
    what: 'rondo new with a name that is not a valid package name',
    fix: 'use lower-case letters, digits and -',
  },
  WORKER_START_FAILED: {
    what: 'a cluster worker exited before it listened (its own error is logged above)',
    fix: 'fix the error the worker logged',
  },
} as const satisfies Record<string, CodeInfo>;

/** Every code a RondoError can carry. */
export type ErrorCode = keyof typeof ERROR_CODES;
