/** The sample app on a fresh in-memory SQLite database, migrated as `npm start` migrates. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { silentLogger, type App } from 'rondo';
import { DATABASE, type Database } from 'rondo/db';
import buildApp from '../../sample-app/src/app';
import { launchChromium, recordCspViolations } from '../fixtures/browser';
import { ROOT } from '../fixtures/projects';

/** Where the browser suites save their screenshots (git-ignored). */
export const SHOTS = join(ROOT, 'sample-app/test-results');

export interface ChromiumSession {
  browser: Browser;
  page: Page;
  /** The app's address, `http://127.0.0.1:<port>`. */
  base: string;
}

/** Serves `app` on a free port and opens one chromium page on it that records CSP violations into `violations`. */
export async function openInChromium(app: App, violations: string[]): Promise<ChromiumSession> {
  const server = await app.listen({ host: '127.0.0.1', port: 0, handleSignals: false });
  const browser = await launchChromium();
  const page = await browser.newPage();
  recordCspViolations(page, violations);
  mkdirSync(SHOTS, { recursive: true });
  return { browser, page, base: `http://127.0.0.1:${server.port}` };
}

export async function sampleApp(settings: Record<string, unknown> = {}): Promise<App> {
  const app = await buildApp({
    logger: silentLogger,
    settings: {
      database: 'sqlite::memory:',
      authLoginRateLimit: null,
      authSignupRateLimit: null,
      emailBackend: 'memory',
      ...settings,
    },
  });
  await app.container.get<Database>(DATABASE).migrate();
  return app;
}
