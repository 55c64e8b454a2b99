/**
 * Starts the sample blog on HOST (default 127.0.0.1) and PORT (default 8000). The embedded
 * SQLite database is migrated at start; for PostgreSQL run `rondo migrate` first (or set
 * RONDO_MIGRATE_ON_START=1). The migration holds the SQL of both databases.
 */
import { DATABASE, type Database } from 'rondo/db';
import buildApp from './app';

async function main(): Promise<void> {
  const app = await buildApp();
  const database = app.container.get<Database>(DATABASE);
  if (database.url.startsWith('sqlite:') || process.env.RONDO_MIGRATE_ON_START === '1') {
    for (const name of await database.migrate()) app.logger.info(`Applied migration ${name}`);
  } else if ((await database.migrations()).some((m) => !m.applied)) {
    app.logger.warn('There are unapplied migrations: run rondo migrate');
  }
  const server = await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 8000) });
  app.logger.info(`Rondo sample blog listening on ${server.url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
