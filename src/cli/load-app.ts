/**
 * Finds and builds the user's app for CLI commands: `--app <module>`, else the `rondo.app`
 * field of ./package.json, else `dist/src/app.js`. The module exports (as default,
 * `createApplication` or `app`) an App or a function returning one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ImproperlyConfigured, type App } from '../index';

export function appModulePath(explicit: string | undefined, cwd: string = process.cwd()): string {
  if (explicit) return resolve(cwd, explicit);
  const pkgPath = resolve(cwd, 'package.json');
  if (existsSync(pkgPath)) {
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { rondo?: { app?: string } };
    if (pkg.rondo?.app) return resolve(cwd, pkg.rondo.app);
  }
  return resolve(cwd, 'dist/src/app.js');
}

export async function loadApp(explicit: string | undefined, cwd?: string): Promise<App> {
  const path = appModulePath(explicit, cwd);
  if (!existsSync(path)) {
    throw new ImproperlyConfigured(
      'CLI_APP_NOT_FOUND',
      `No app module at ${path}. Build your project first (npm run build), or pass --app <compiled module>, or set "rondo": { "app": "dist/src/app.js" } in package.json`,
    );
  }
  const mod = (await import(path)) as Record<string, unknown>;
  const candidate = [mod.default, mod.createApplication, mod.app].find((v) => v !== undefined);
  const inner = (candidate as { default?: unknown } | undefined)?.default ?? candidate;
  const value = typeof inner === 'function' && !isApp(inner) ? await (inner as () => unknown)() : await inner;
  if (!isApp(value)) {
    throw new ImproperlyConfigured(
      'CLI_APP_EXPORT',
      `${path} must export (as default, 'createApplication' or 'app') an App or a function returning one (e.g. \`export default () => createApp({...})\`)`,
    );
  }
  return value;
}

function isApp(value: unknown): value is App {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as App).routes === 'function' &&
    typeof (value as App).listen === 'function'
  );
}
