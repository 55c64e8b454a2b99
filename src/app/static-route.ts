/**
 * Static files in development as one more route, added after the app's own (Django's
 * `static()` URL pattern): `GET <staticUrl><path:path>`, so hosts are validated and the
 * middleware (security headers among them) applies as to any view. On by default only
 * with debug (`serveStatic`).
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import { StaticFiles } from '../http/static-files';
import type { CompiledView } from '../kernel/view-compiler';
import type { RouteTable } from '../routing/route-table';
import type { Settings } from './settings';

export function addStaticRoute(routes: RouteTable<CompiledView>, settings: Readonly<Settings>): void {
  if (!/^\/(.*\/)?$/.test(settings.staticUrl)) {
    throw new ImproperlyConfigured(
      'SETTINGS_STATIC_URL',
      `settings.staticUrl must start and end with '/' (like '/static/'); got '${settings.staticUrl}'`,
    );
  }
  if (!(settings.serveStatic ?? settings.debug) || settings.staticDirs.length === 0) return;
  const files = new StaticFiles(settings.staticUrl, settings.staticDirs, settings.staticServeDotfiles);
  const path = `${settings.staticUrl}<path:path>`;
  const source = 'StaticFiles.serve';
  const view: CompiledView = {
    info: {
      source,
      controller: StaticFiles,
      methodName: 'serve',
      name: undefined,
      route: path,
      // Files are read from disk, never in a transaction (atomicRequests).
      options: Object.freeze({ atomic: false }),
    },
    readsBody: false,
    call: (request) => files.serve(request),
    wrappers: [],
  };
  routes.add({ path, methods: ['GET'], name: undefined, handler: view, source });
}
