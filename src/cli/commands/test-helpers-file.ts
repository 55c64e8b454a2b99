/** The test/helpers.ts a new project gets (rondo new), and rondo generate writes when it is missing. */

/** test/helpers.ts: the app as tests build it (also written by rondo generate when missing). */
export const TEST_HELPERS = `import { silentLogger, type App } from 'rondo';
import { DATABASE } from 'rondo/db';
import { testDatabase } from 'rondo/testing';
import buildApp from '../src/app';

/** Tests use their own database: in-memory SQLite unless TEST_DATABASE_URL says otherwise. */
export const TEST_DATABASE = process.env.TEST_DATABASE_URL ?? 'sqlite::memory:';

/** The app as tests use it: quiet, on the test database, with every migration applied. */
export async function testApp(): Promise<App> {
  const app = await buildApp({ logger: silentLogger, settings: { database: TEST_DATABASE } });
  if (app.container.isBound(DATABASE)) await testDatabase(app).migrate();
  return app;
}
`;
