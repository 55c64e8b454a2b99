/**
 * Escaping for templates: `<%= %>` always escapes (HTML/XML, or CSV cells for .csv
 * templates); `safe(html)` marks trusted markup that must not be escaped again.
 */

/** Markup that templates output as is. Make one with `safe()`. */
export class SafeString {
  constructor(readonly html: string) {}

  toString(): string {
    return this.html;
  }
}

/**
 * Marks trusted HTML so `<%= %>` does not escape it. Never pass user input.
 *
 * @example render(request, 'page.ejs', { body: safe(markdownToHtml(post.body)) })
 */
export function safe(html: string): SafeString {
  return new SafeString(String(html));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** HTML/XML escaping of any value (`undefined`/`null` print as ''). */
export function escapeHtml(value: unknown): string {
  if (value instanceof SafeString) return value.html;
  if (value === undefined || value === null) return '';
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or newline; a leading
 * `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so spreadsheets do not run it as a
 * formula (CSV injection).
 */
export function escapeCsv(value: unknown): string {
  if (value instanceof SafeString) return value.html;
  if (value === undefined || value === null) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
