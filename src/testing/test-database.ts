/**
 * Django's TestCase for apps with models: `useTestDatabase(() => app)` runs each mocha test
 * in a transaction that is rolled back afterwards, so tests never see each other's rows;
 * `loadFixtures(app, 'test/fixtures/posts.json')` loads Django-style fixture rows.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EntityMetadata, ObjectLiteral } from 'typeorm';
import { ImproperlyConfigured, type App } from '../index';
import { DATABASE, type Database } from '../db/index';

/** One fixture row, as Django's `dumpdata` writes them: the entity's name, its key, its columns. */
export interface FixtureRow {
  model: string;
  pk?: unknown;
  fields: Record<string, unknown>;
}

export interface TestDatabaseOptions {
  /** Fixture files (or rows) loaded inside each test's transaction. */
  fixtures?: ReadonlyArray<string | readonly FixtureRow[]>;
}

/** The app's Database; a clear error for an app without entities. */
export function testDatabase(app: App): Database {
  if (!app.container.isBound(DATABASE)) {
    throw new ImproperlyConfigured(
      'DATABASE_NOT_CONNECTED',
      'This app has no database: declare an entity (createApp({ entities }) or a models folder in discover) before using useTestDatabase or loadFixtures',
    );
  }
  return app.container.get<Database>(DATABASE);
}

/**
 * Registers mocha hooks: before each test a transaction every query of the app joins (its
 * own `atomic()` blocks become savepoints), then the fixtures; after it, a rollback. Call it
 * inside `describe`, after the hook that creates the app.
 */
export function useTestDatabase(getApp: () => App, options: TestDatabaseOptions = {}): void {
  let rollback: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    const app = getApp();
    rollback = await testDatabase(app).isolate();
    if (options.fixtures?.length) await loadFixtures(app, ...options.fixtures);
  });
  afterEach(async () => {
    const undo = rollback;
    rollback = undefined;
    await undo?.();
  });
}

function fixtureError(where: string, message: string): ImproperlyConfigured {
  return new ImproperlyConfigured('FIXTURE_INVALID', `${where}: ${message}`);
}

function readRows(source: string | readonly FixtureRow[]): { where: string; rows: readonly unknown[] } {
  if (typeof source !== 'string') return { where: 'fixture rows', rows: source };
  const path = resolve(source);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw fixtureError(`Fixture file ${path}`, `could not be read as JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed))
    throw fixtureError(`Fixture file ${path}`, 'must hold a JSON array of { "model", "pk", "fields" } rows');
  return { where: `Fixture file ${path}`, rows: parsed };
}

/** A row's columns, with its pk and its foreign keys (given as the related row's key) set. */
function valuesOf(row: FixtureRow, metadata: EntityMetadata): ObjectLiteral {
  const values: ObjectLiteral = { ...row.fields };
  if (row.pk !== undefined) values[metadata.primaryColumns[0].propertyName] = row.pk;
  for (const relation of metadata.relations) {
    const value: unknown = values[relation.propertyName];
    if (
      (relation.isManyToOne || relation.isOneToOneOwner) &&
      value !== null &&
      typeof value !== 'object' &&
      value !== undefined
    ) {
      values[relation.propertyName] = { [relation.inverseEntityMetadata.primaryColumns[0].propertyName]: value };
    }
  }
  return values;
}

function quotedTable(database: Database, metadata: EntityMetadata): string {
  return metadata.tablePath
    .split('.')
    .map((part) => database.dataSource.driver.escape(part))
    .join('.');
}

/**
 * Inserts one row as given, listeners skipped (Django's raw loaddata). TypeORM leaves a
 * serial key out of PostgreSQL inserts, so a row with its key is written as plain SQL.
 */
async function insertRow(database: Database, metadata: EntityMetadata, values: ObjectLiteral): Promise<void> {
  const repository = database.manager.getRepository(metadata.target);
  const serialKeyGiven = metadata.primaryColumns.some(
    (c) => c.generationStrategy === 'increment' && c.getEntityValue(values) !== undefined,
  );
  if (database.dataSource.options.type !== 'postgres' || !serialKeyGiven) {
    await repository.insert(values);
    return;
  }
  const entity = repository.create(values);
  const { driver } = database.dataSource;
  const columns = metadata.columns.filter((c) => c.getEntityValue(entity) !== undefined);
  const names = columns.map((c) => driver.escape(c.databaseName)).join(', ');
  const placeholders = columns.map((_c, i) => `$${i + 1}`).join(', ');
  await database.manager.query(
    `INSERT INTO ${quotedTable(database, metadata)} (${names}) VALUES (${placeholders})`,
    columns.map((c) => driver.preparePersistentValue(c.getEntityValue(entity), c) as unknown),
  );
}

/** Sets PostgreSQL's sequences past the keys a fixture gave (as Django's loaddata does). */
async function resetSequences(database: Database, touched: Set<EntityMetadata>): Promise<void> {
  if (database.dataSource.options.type !== 'postgres') return; // SQLite continues after the largest key itself
  for (const metadata of touched) {
    for (const column of metadata.primaryColumns.filter((c) => c.generationStrategy === 'increment')) {
      await database.manager.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${database.dataSource.driver.escape(column.databaseName)}) FROM ${quotedTable(database, metadata)}), 0) + 1, false)`,
        [metadata.tablePath, column.databaseName],
      );
    }
  }
}

/**
 * Inserts fixture rows (files are JSON arrays of `{ "model": "Post", "pk": 1, "fields": {...} }`,
 * relative to the working directory) in one transaction; returns how many. A bad file,
 * an unknown model or a row the database refuses is an error naming the file and row.
 */
export async function loadFixtures(
  app: App,
  ...sources: ReadonlyArray<string | readonly FixtureRow[]>
): Promise<number> {
  const database = testDatabase(app);
  const known = () => database.dataSource.entityMetadatas.map((m) => m.name).join(', ');
  let count = 0;
  await database.atomic(async () => {
    const touched = new Set<EntityMetadata>();
    for (const source of sources) {
      const { where, rows } = readRows(source);
      for (const [index, candidate] of rows.entries()) {
        const row = candidate as FixtureRow;
        const at = `${where}, row ${index}`;
        if (
          typeof row !== 'object' ||
          row === null ||
          typeof row.model !== 'string' ||
          typeof row.fields !== 'object' ||
          row.fields === null
        ) {
          throw fixtureError(at, 'expected { "model": "EntityName", "pk": 1, "fields": { ... } }');
        }
        if (!database.dataSource.hasMetadata(row.model))
          throw fixtureError(at, `unknown model '${row.model}'; the app's entities are ${known()}`);
        const metadata = database.dataSource.getMetadata(row.model);
        try {
          await insertRow(database, metadata, valuesOf(row, metadata));
        } catch (error) {
          throw fixtureError(`${at} (${row.model})`, `the database refused it: ${(error as Error).message}`);
        }
        touched.add(metadata);
        count += 1;
      }
    }
    await resetSequences(database, touched);
  });
  return count;
}
