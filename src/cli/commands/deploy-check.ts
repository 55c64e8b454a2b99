/**
 * `rondo check [--deploy]`: Django's system checks (errors in the middleware chain) and
 * deployment checklist (`check --deploy`, warnings), each finding with a stable id, what is
 * wrong and how to fix it. Templates are checked where their names are knowable: literal
 * names in views (`render(request, 'posts/list.ejs', ...)`) and in templates
 * (`layout('...')`, `partial('...')`, `include('...')`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  AuthenticationMiddleware,
  SecurityMiddleware,
  SessionMiddleware,
  CsrfViewMiddleware,
  MessageMiddleware,
  XFrameOptionsMiddleware,
  type App,
} from '../../index';
import { TemplateLoader } from '../../templates/template-loader';
import type { OpenApiOptions } from '../../openapi/document';
import { OPENAPI_OPTIONS } from '../../openapi/openapi-app';

export interface DeployIssue {
  id: string;
  level: 'ERROR' | 'WARNING';
  message: string;
}

type Check = (app: App) => string | undefined;

/** Keys Rondo or its generator write for development, and other keys no site should use. */
const WEAK_KEY = /^(|.{0,49}|.*(insecure|change[-_ ]?me|dev(elopment)?|secret|sample|example|test).*)$/i;

const CHECKS: ReadonlyArray<[string, Check]> = [
  [
    'security.W018',
    (app) =>
      app.settings.debug
        ? 'debug is on in deployment: every error shows your code and settings. Set debug: false (RONDO_DEBUG=false)'
        : undefined,
  ],
  [
    'security.W009',
    (app) =>
      WEAK_KEY.test(app.settings.secretKey)
        ? 'secretKey is empty, shorter than 50 characters or looks like a development key; anyone who knows it can forge sessions. Set RONDO_SECRET_KEY to a long random value'
        : undefined,
  ],
  [
    'security.W020',
    (app) =>
      app.settings.allowedHosts.length === 0 || app.settings.allowedHosts.includes('*')
        ? "allowedHosts is empty or '*'; list the host names this site serves"
        : undefined,
  ],
  [
    'security.W001',
    (app) =>
      installed(app, SecurityMiddleware)
        ? undefined
        : 'SecurityMiddleware is not installed: no HSTS, nosniff or SSL redirect. Add it to settings.middleware',
  ],
  [
    'security.W008',
    (app) =>
      app.settings.secureSslRedirect
        ? undefined
        : 'secureSslRedirect is off: plain HTTP requests are served. Turn it on unless a proxy redirects',
  ],
  [
    'security.W004',
    (app) =>
      app.settings.secureHstsSeconds > 0
        ? undefined
        : 'secureHstsSeconds is 0: browsers may reach the site over HTTP. Set it (start with 3600, then 31536000)',
  ],
  [
    'security.W012',
    (app) =>
      installed(app, SessionMiddleware) && !app.settings.sessionCookieSecure
        ? 'sessionCookieSecure is off: the session cookie travels over HTTP. Turn it on'
        : undefined,
  ],
  [
    'security.W016',
    (app) =>
      installed(app, CsrfViewMiddleware) && !app.settings.csrfCookieSecure
        ? 'csrfCookieSecure is off: the CSRF cookie travels over HTTP. Turn it on'
        : undefined,
  ],
  [
    'security.W002',
    (app) =>
      installed(app, XFrameOptionsMiddleware)
        ? undefined
        : 'XFrameOptionsMiddleware is not installed: pages can be framed by other sites (clickjacking). Add it to settings.middleware',
  ],
  [
    'rondo.W001',
    (app) =>
      installed(app, AuthenticationMiddleware) && app.settings.sessionEngine === 'cookie'
        ? "sessionEngine 'cookie' with authentication: logout() cannot revoke a copied session cookie (it stays valid for sessionCookieAge). Use sessionEngine 'database' (or 'redis') if a logout must end every copy"
        : undefined,
  ],
];

function installed(app: App, middleware: Function): boolean {
  return app.settings.middleware.includes(middleware as never);
}

export function deployIssues(app: App): DeployIssue[] {
  return CHECKS.flatMap(([id, check]) => {
    const message = check(app);
    return message === undefined ? [] : [{ id, level: 'WARNING' as const, message }];
  });
}

/** Where in the chain a class (or a subclass of it) runs; -1 when absent. */
function position(chain: ReadonlyArray<{ cls: Function }>, middleware: Function): number {
  return chain.findIndex((m) => m.cls === middleware || m.cls.prototype instanceof middleware);
}

/** Middleware that need the session, and when. */
const NEEDS_SESSION: ReadonlyArray<[string, Function, (app: App) => boolean, string]> = [
  ['rondo.E001', AuthenticationMiddleware, () => true, 'AuthenticationMiddleware keeps the user in the session'],
  [
    'rondo.E002',
    CsrfViewMiddleware,
    (app) => app.settings.csrfUseSessions,
    'CsrfViewMiddleware keeps the CSRF secret in the session (csrfUseSessions)',
  ],
  [
    'rondo.E003',
    MessageMiddleware,
    (app) => app.settings.messageStorage === 'session',
    "MessageMiddleware keeps messages in the session (messageStorage 'session')",
  ],
];

/** Django's system checks that apply everywhere: errors in the middleware chain, templates that do not exist. */
export function systemIssues(app: App): DeployIssue[] {
  return [...middlewareIssues(app), ...templateIssues(app), ...openApiIssues(app)];
}

/**
 * With openapiApp() mounted, every described operation should say what it answers: one
 * that declares no successful response is published as "not declared".
 */
function openApiIssues(app: App): DeployIssue[] {
  if (!app.container.isBound(OPENAPI_OPTIONS)) return [];
  const document = app.openapi(app.container.get<OpenApiOptions>(OPENAPI_OPTIONS));
  const issues: DeployIssue[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (operation['x-rondo-undeclared'] !== true) continue;
      issues.push({
        id: 'openapi.W001',
        level: 'WARNING',
        message: `${method.toUpperCase()} ${path} (${operation.operationId}) declares no successful response: add @ApiResponse(${method === 'post' ? 201 : 200}, ...) to the view, or @ApiExclude() to leave it out`,
      });
    }
  }
  return issues;
}

function middlewareIssues(app: App): DeployIssue[] {
  const chain = app.explain('GET', '/').middleware;
  const session = position(chain, SessionMiddleware);
  return NEEDS_SESSION.flatMap(([id, middleware, applies, why]): DeployIssue[] => {
    const at = position(chain, middleware);
    if (at < 0 || !applies(app) || (session >= 0 && session < at)) return [];
    const fix =
      session < 0
        ? 'add SessionMiddleware to settings.middleware'
        : `give SessionMiddleware a lower @Middleware order than ${middleware.name}`;
    return [
      {
        id,
        level: 'ERROR',
        message: `${why}, but ${session < 0 ? 'SessionMiddleware is not installed' : 'SessionMiddleware runs after it'}: ${fix}`,
      },
    ];
  });
}

/** A literal template name given to render() or new TemplateResponse() in compiled view code. */
const VIEW_TEMPLATE = /\b(?:render|TemplateResponse)\)?\(\s*[\w.$]+\s*,\s*(['"`])([^'"`$\n]+\.ejs)\1/g;
/** A literal name given to layout(), partial() or include() inside a template. */
const TEMPLATE_TEMPLATE = /\b(?:layout|partial|include)\(\s*(['"])([^'"\n]+)\1/g;

function templateFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? templateFiles(path) : entry.endsWith('.ejs') ? [path] : [];
  });
}

/** templates.E001: a literal template name (in a view or a template) that no template folder holds. */
function templateIssues(app: App): DeployIssue[] {
  const dirs = app.settings.templates.dirs;
  const loader = new TemplateLoader(dirs);
  const missing = (name: string) => {
    try {
      loader.resolve(name);
      return false;
    } catch {
      return true;
    }
  };
  const issues = new Map<string, DeployIssue>();
  const report = (name: string, where: string) => {
    if (!issues.has(`${name} ${where}`) && missing(name)) {
      issues.set(`${name} ${where}`, {
        id: 'templates.E001',
        level: 'ERROR',
        message: `${where} renders template '${name}', which none of settings.templates.dirs holds (${dirs.join(', ') || 'none set'}): create it, or fix the name`,
      });
    }
  };
  for (const route of app.routes()) {
    const method = (route.controller.prototype as Record<string, unknown>)[route.methodName];
    if (typeof method !== 'function') continue;
    for (const match of String(method).matchAll(VIEW_TEMPLATE)) report(match[2], route.view);
  }
  for (const dir of dirs) {
    for (const file of templateFiles(dir)) {
      for (const match of readFileSync(file, 'utf8').matchAll(TEMPLATE_TEMPLATE))
        report(match[2], `Template ${relative(process.cwd(), file) || file}`);
    }
  }
  return [...issues.values()];
}
