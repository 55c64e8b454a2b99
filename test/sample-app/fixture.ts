/** The sample app on a fresh in-memory SQLite database, migrated as `npm start` migrates. */
import { silentLogger, type App } from 'rondo';
import { DATABASE, type Database } from 'rondo/db';
import buildApp from '../../sample-app/src/app';

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
