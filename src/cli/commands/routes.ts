/**
 * `rondo routes`: the route table (path, methods, name, view, view options) under the
 * middleware every request passes, like Django's show_urls; `--explain METHOD PATH`: the
 * effective pipeline of that one request (App.explain).
 */
import { relative } from 'node:path';
import type { App, Explanation } from '../../index';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function options(values: Record<string, unknown> | undefined): string {
  return Object.entries(values ?? {})
    .map(([k, v]) => (v === true ? k : `${k}=${JSON.stringify(v)}`))
    .join(', ');
}

export function formatRoutes(app: App): string {
  const rows = app.routes().map((r) => [r.path, r.methods.join(','), r.name ?? '', r.view]);
  const chain = app
    .explain('GET', '/')
    .middleware.map((m) => `${m.name}(${m.order})`)
    .join(' → ');
  return `${table(['PATH', 'METHODS', 'NAME', 'VIEW'], rows)}\n\nMiddleware on every route, in order (responses go back in reverse): ${chain || '(none)'}`;
}

function where(file: string | undefined): string {
  if (file === undefined) return '';
  const path = relative(process.cwd(), file);
  return path.startsWith('..') ? file : path;
}

export function formatExplanation(e: Explanation): string {
  const lines = [`${e.method} ${e.path}`];
  if (e.requestWrappers.length) lines.push(`  around the whole request: ${e.requestWrappers.join(', ')}`);
  if (e.outcome === 'not-found') lines.push('  No route matches: 404 (the middleware below still run, around the 404)');
  else if (e.outcome === 'method-not-allowed')
    lines.push(`  The path matches, the method does not: 405, Allow: ${e.allowed!.join(', ')}`);
  else {
    lines.push(`  pattern     ${e.pattern}${e.name ? `   (name ${e.name})` : ''}`);
    lines.push(`  params      ${JSON.stringify(e.params)}`);
    lines.push(
      `  view        ${e.view}${e.viewOptions && Object.keys(e.viewOptions).length ? `   options: ${options(e.viewOptions)}` : ''}`,
    );
  }
  lines.push('', 'Request, in:');
  for (const m of e.middleware) {
    const hooks = m.hooks.filter((h) => h === 'handle' || h === 'processRequest');
    lines.push(
      `  ${String(m.order).padStart(4)}  ${m.name.padEnd(28)} ${hooks.join(', ').padEnd(16)} ${where(m.file)}`,
    );
  }
  if (e.outcome === 'route') {
    const skipped = e.middleware
      .filter((m) => m.hooks.includes('processView') && !e.processView!.includes(m.name))
      .map((m) => m.name);
    lines.push(
      '',
      `processView hooks, before the view: ${e.processView!.join(', ') || '(none)'}${skipped.length ? ` (not for this view: ${skipped.join(', ')})` : ''}`,
    );
    lines.push('', `View ${e.view}: controller ${e.controllerScope ?? '(built in)'}-scoped`);
    if (e.viewWrappers!.length) lines.push(`  wrapped in (outermost first): ${e.viewWrappers!.join(' > ')}`);
    for (const d of e.dependencies ?? []) lines.push(`  injects ${d.token.padEnd(30)} ${d.scope}`);
  }
  lines.push('', 'Response, out:');
  for (const m of [...e.middleware].reverse()) {
    const hooks = m.hooks.filter(
      (h) => h === 'handle' || h === 'processResponse' || h === 'processException' || h === 'processTemplateResponse',
    );
    if (hooks.length) lines.push(`  ${String(m.order).padStart(4)}  ${m.name.padEnd(28)} ${hooks.join(', ')}`);
  }
  return lines.join('\n');
}
