/**
 * The bodies of error responses: plain pages (debug off), technical pages (debug on) and
 * RFC 9457 problem+json for clients that prefer JSON. Everything shown is HTML-escaped;
 * credentials in headers are masked.
 */
import type { HttpRequest } from '../http/request';
import { cspNonce } from '../http/csp-nonce';
import { HttpResponse, JsonResponse } from '../http/response';
import { capturedQueries, type RecordedQuery } from '../db/query-log';
import { TemplateError } from '../templates/engine';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * Names whose values the debug page never shows, by pattern as Django's
 * SafeExceptionReporterFilter does (headers, settings, query and form fields alike), plus
 * the credential-carrying headers by exact name. Only secrets: `sessionCookieAge` or
 * `authLoginField` are what a developer needs to see.
 */
const SENSITIVE = /KEY|SECRET|PASS|TOKEN|SIGNATURE|^(authorization|proxy-authorization|cookie|set-cookie)$/i;
const MASK = '********************';

function shown(name: string, value: unknown): string {
  if (SENSITIVE.test(name)) return MASK;
  if (typeof value === 'function') return value.name;
  if (Array.isArray(value))
    return (value as unknown[]).map((v) => (typeof v === 'function' ? v.name : String(v))).join(', ');
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.replace(/(\/\/[^:/@\s]*:)[^@/\s]*@/g, `$1${MASK}@`); // a password inside a URL
}

function table(pairs: Iterable<readonly [string, unknown]>): string {
  let html = '';
  for (const [name, value] of pairs)
    html += `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(shown(name, value))}</td></tr>`;
  return `<table>${html || '<tr><td>(none)</td></tr>'}</table>`;
}

/** The form fields, when the body was loaded (never loaded here: that could be what failed). */
function formFields(request: HttpRequest): Array<[string, string]> {
  try {
    return [...request.POST.entries()];
  } catch {
    return [];
  }
}

export function statusTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page; its style carries the request's CSP nonce, so a strict policy (settings.csp) allows it. */
function page(request: HttpRequest, status: number, body: string): string {
  const title = `${statusTitle(status)} (${status})`;
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
    `<style nonce="${cspNonce(request)}">` +
    'body{font:15px/1.5 system-ui,sans-serif;margin:2em;color:#222}pre{background:#f6f6f6;padding:1em;overflow:auto}' +
    'mark{background:#fde68a}.hint{background:#eef6ff;padding:.6em 1em}' +
    'table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left;vertical-align:top}</style>' +
    `</head><body><h1>${title}</h1>${body}</body></html>\n`
  );
}

/** The request id line of a page, for a user to quote to support (RequestIdMiddleware sets it). */
function requestIdLine(request: HttpRequest): string {
  return request.id === undefined ? '' : `<p><small>Request ID: <code>${escapeHtml(request.id)}</code></small></p>`;
}

/** The page a user sees with debug off: status, for 4xx the client-facing message, and the request id. */
export function plainPage(request: HttpRequest, status: number, detail: string | undefined): HttpResponse {
  return new HttpResponse(
    page(request, status, (detail ? `<p>${escapeHtml(detail)}</p>` : '') + requestIdLine(request)),
    { status },
  );
}

/** RFC 9457 problem details. */
export function problemResponse(
  request: HttpRequest,
  status: number,
  detail: string | undefined,
  extra?: Record<string, unknown>,
): HttpResponse {
  const body: Record<string, unknown> = { type: 'about:blank', title: statusTitle(status), status };
  if (detail) body.detail = detail;
  body.instance = request.rawPath;
  if (request.id !== undefined) body.requestId = request.id;
  if (extra) Object.assign(body, extra);
  return new JsonResponse(body, { status, contentType: 'application/problem+json' });
}

/**
 * Debug 404: the message, and either the view that raised it (a route matched: Django's
 * "Raised by") or every URL pattern that was tried, in order.
 */
export function technical404(
  request: HttpRequest,
  message: string,
  patterns: ReadonlyArray<{ path: string; methods: readonly string[]; name?: string }>,
): HttpResponse {
  const match = request.resolverMatch;
  if (match !== undefined) {
    const body =
      `<p>${escapeHtml(message)}</p><p>Request: <code>${escapeHtml(request.method)} ${escapeHtml(request.rawPath)}</code></p>` +
      `<p>Raised by the view <code>${escapeHtml(match.view)}</code>: the URL matched its pattern <code>${escapeHtml(match.route)}</code>` +
      `${match.name ? ` (name <code>${escapeHtml(match.name)}</code>)` : ''}, and the view answered 404 (Http404, getObjectOr404, ...).</p>` +
      '<p>You see this page because debug is on. Turn it off and Rondo shows a plain 404 page.</p>';
    return new HttpResponse(page(request, 404, body), { status: 404 });
  }
  const rows = patterns
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.path)}</code></td><td>${escapeHtml(p.methods.join(', '))}</td><td>${escapeHtml(p.name ?? '')}</td></tr>`,
    )
    .join('');
  const body =
    `<p>${escapeHtml(message)}</p><p>Request: <code>${escapeHtml(request.method)} ${escapeHtml(request.rawPath)}</code></p>` +
    `<p>Rondo tried these URL patterns, in this order:</p><table><tr><th>Pattern</th><th>Methods</th><th>Name</th></tr>${rows}</table>` +
    '<p>You see this page because debug is on. Turn it off and Rondo shows a plain 404 page.</p>';
  return new HttpResponse(page(request, 404, body), { status: 404 });
}

/** What was thrown, as the debug pages show it (a thrown string or object has no stack). */
function thrown(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return error;
  return { name: `a thrown ${error === null ? 'null' : typeof error} (not an Error)`, message: String(error) };
}

/** A query's parameters as the page shows them: long values cut, none masked (debug only). */
function parameters(query: RecordedQuery): string {
  return query.parameters
    .map((p) => {
      const text = p instanceof Date ? p.toISOString() : typeof p === 'string' ? JSON.stringify(p) : String(p);
      return text.length > 200 ? `${text.slice(0, 200)}…` : text;
    })
    .join(', ');
}

/** The SQL the request ran before it failed (apps with models), the failed query marked. */
function sqlSection(): string {
  const queries = capturedQueries();
  if (queries === undefined) return '';
  let rows = '';
  for (const [index, query] of queries.entries()) {
    const failed = query.error === undefined ? '' : `<br><strong>failed: ${escapeHtml(query.error)}</strong>`;
    rows += `<tr><td>${index + 1}</td><td><code>${escapeHtml(query.sql)}</code>${failed}</td><td>${escapeHtml(parameters(query))}</td></tr>`;
  }
  return `<h3>SQL (${queries.length} ${queries.length === 1 ? 'query' : 'queries'})</h3><table>${rows || '<tr><td>(none)</td></tr>'}</table>`;
}

/** A next step for errors with a known cause (Django's "did you run migrate?"). */
function hint(err: { message: string }): string {
  const table = /no such table: (\S+)|relation "([^"]+)" does not exist/.exec(err.message);
  if (table === null) return '';
  return (
    `<p class="hint"><strong>Hint:</strong> the database has no table <code>${escapeHtml(table[1] ?? table[2])}</code>. ` +
    'Apply the migrations with <code>npm run migrate</code> (<code>rondo migrate</code>); after changing an entity, ' +
    'create one first with <code>npm run makemigrations</code>.</p>'
  );
}

/** Where a template failed: its name, line and EJS's excerpt, the failing line marked. */
function templateSection(error: unknown): string {
  if (!(error instanceof TemplateError)) return '';
  const lines = (error.excerpt ?? '')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (line.startsWith(' >> ') ? `<mark>${escapeHtml(line)}</mark>` : escapeHtml(line)))
    .join('\n');
  return (
    `<h3>Template error</h3><p>In template <code>${escapeHtml(error.templateName)}</code>` +
    `${error.line ? `, line ${error.line}` : ''}: ${escapeHtml(error.reason)}</p>` +
    (lines ? `<pre class="excerpt">${lines}</pre>` : '')
  );
}

/** Debug 500: exception, stack, the SQL run, the request and the settings, with credentials masked. */
export function technical500(request: HttpRequest, error: unknown, settings: Readonly<object> = {}): HttpResponse {
  const err = thrown(error);
  const body =
    `<h2>${escapeHtml(err.name)}: ${escapeHtml(err.message)}</h2>` +
    `<p>Request: <code>${escapeHtml(request.method)} ${escapeHtml(request.rawPath)}</code></p>${requestIdLine(request)}` +
    hint(err) +
    templateSection(error) +
    `<h3>Traceback</h3><pre>${escapeHtml(err.stack ?? String(err))}</pre>` +
    sqlSection() +
    `<h3>Query</h3>${table(request.GET.entries())}` +
    `<h3>Form</h3>${table(formFields(request))}` +
    `<h3>Headers</h3>${table(request.headers.entries())}` +
    `<h3>Settings</h3>${table(Object.entries(settings))}` +
    '<p>You see this page because debug is on. Never turn it on in production: it shows your code.</p>';
  return new HttpResponse(page(request, 500, body), { status: 500 });
}

/** The same for JSON clients: problem+json with the exception and stack lines. */
export function technical500Json(request: HttpRequest, error: unknown): HttpResponse {
  const err = thrown(error);
  const queries = capturedQueries();
  const sql =
    queries === undefined
      ? {}
      : { queries: queries.map((q) => (q.error === undefined ? q.sql : `${q.sql} -- failed: ${q.error}`)) };
  return problemResponse(request, 500, `${err.name}: ${err.message}`, {
    stack: (err.stack ?? '').split('\n').map((l) => l.trim()),
    ...sql,
  });
}
