/**
 * The sample blog's app: discovers its controllers, services and middleware from the
 * compiled folders next to this file.
 */
import { join } from 'node:path';
import { createApp, type App, type CreateAppOptions } from 'rondo';
import { secretKey } from './secret-key';

/** Builds the blog app; tests pass their own settings and logger. */
export default function buildApp(options: Omit<CreateAppOptions, 'discover' | 'baseDir'> = {}): Promise<App> {
  return createApp({
    ...options,
    settings: {
      // RONDO_SECRET_KEY in production; else a generated, git-ignored development key.
      secretKey: secretKey(),
      allowedHosts: ['127.0.0.1', 'localhost'],
      templates: { dirs: [join(__dirname, '../../../sample-app/templates')] },
      staticDirs: [join(__dirname, '../../../sample-app/static')],
      serveStatic: true,
      ...options.settings,
    },
    baseDir: __dirname,
    discover: ['controllers', 'services', 'middleware'],
  });
}
