/**
 * Migrations through TypeORM's own migrator: write one from the difference between the
 * entities and the database (what `typeorm migration:generate` does), apply the pending
 * ones, list them with applied/pending marks. `rondo makemigrations`, `migrate` and
 * `showmigrations` call these; synchronize is never used.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource, QueryRunner } from 'typeorm';
import { ImproperlyConfigured } from '../errors/rondo-error';

export interface MigrationState {
  name: string;
  applied: boolean;
}

function escapeTemplate(sql: string): string {
  return sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

/**
 * Writes `<dir>/<timestamp>-<name>.ts` with the SQL that brings the database to the
 * entities; undefined when nothing changed.
 */
export async function makeMigration(
  dataSource: DataSource,
  name: string,
  dir: string,
  now = Date.now(),
): Promise<string | undefined> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0) return undefined;
  const className = `${name.replace(/[^A-Za-z0-9]/g, '')}${now}`;
  const lines = (queries: ReadonlyArray<{ query: string; parameters?: unknown[] }>) =>
    queries
      .map(
        (q) =>
          `    await queryRunner.query(\`${escapeTemplate(q.query)}\`${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`,
      )
      .join('\n');
  const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${lines(sql.upQueries)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${lines([...sql.downQueries].reverse())}
  }
}
`;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${now}-${name}.ts`);
  writeFileSync(file, source, { flag: 'wx' });
  return file;
}

/** Applies the pending migrations, each in its own transaction; returns their names. */
export async function applyMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

/** Every migration the app knows, in order, with whether the database has it. */
export async function migrationStates(dataSource: DataSource): Promise<MigrationState[]> {
  const { MigrationExecutor } = require('typeorm') as typeof import('typeorm');
  const executed = new Set((await new MigrationExecutor(dataSource).getExecutedMigrations()).map((m) => m.name));
  return dataSource.migrations.map((migration) => {
    const name = migration.name ?? migration.constructor.name;
    return { name, applied: executed.has(name) };
  });
}

/**
 * The SQL dialect of a migration Rondo ships (rondo/auth's tables, database sessions),
 * which holds hand-checked SQL for SQLite and PostgreSQL only.
 */
export function builtInDialect(queryRunner: QueryRunner, migration: string): 'sqlite' | 'postgres' {
  const type = queryRunner.connection.options.type;
  if (type === 'postgres') return 'postgres';
  if (type === 'better-sqlite3') return 'sqlite';
  throw new ImproperlyConfigured(
    'MIGRATION_DRIVER',
    `The ${migration} migration knows SQLite and PostgreSQL, not '${type}'; write its tables with rondo makemigrations instead`,
  );
}
