/**
 * `rondo routes`: prints the route table (path, methods, name, view), like Django's
 * show_urls and find-my-way's prettyPrint.
 */
import type { App } from '../../index';

export function formatRoutes(app: App): string {
  const rows = app.routes().map((r) => [r.path, r.methods.join(','), r.name ?? '', r.view]);
  const header = ['PATH', 'METHODS', 'NAME', 'VIEW'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
