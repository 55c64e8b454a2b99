/**
 * How an app with models gets its database: one Database per app (kept across overrides),
 * the DI values it binds, and the lifecycle (connect before the onStartup hooks, close
 * after the onShutdown hooks).
 */
import { isAbsolute, join } from 'node:path';
import type { Token } from '../metadata/keys';
import { Database } from './database';
import { DATABASE } from './database-token';
import { DATA_SOURCE, ENTITY_MANAGER, repositoryToken } from './repository-token';

export interface DatabaseSettings {
  database: string;
  databasePoolSize: number;
  migrations: readonly string[];
}

/** The app's database, or undefined for an app without entities (no ORM loaded). */
export function databaseFor(
  settings: DatabaseSettings,
  entities: readonly Function[] | undefined,
  classes: readonly Function[] = [],
): Database | undefined {
  if (entities === undefined || entities.length === 0) return undefined;
  const baseDir = process.cwd();
  const migrations = [
    ...classes,
    ...settings.migrations.map((glob) => (isAbsolute(glob) ? glob : join(baseDir, glob))),
  ];
  return new Database({ url: settings.database, baseDir, entities, poolSize: settings.databasePoolSize, migrations });
}

/** DATA_SOURCE, ENTITY_MANAGER and one repository per entity, as [token, label, value]. */
export function databaseValues(
  database: Database | undefined,
  entities: readonly Function[] | undefined,
): Array<[Token, string, unknown]> {
  if (database === undefined) return [];
  return [
    [DATABASE, 'DATABASE', database],
    [DATA_SOURCE, 'DATA_SOURCE', database.dataSource],
    [ENTITY_MANAGER, 'ENTITY_MANAGER', database.managerProxy()],
    ...(entities ?? []).map((entity): [Token, string, unknown] => [
      repositoryToken(entity),
      `Repository<${entity.name}>`,
      database.repository(entity),
    ]),
  ];
}
