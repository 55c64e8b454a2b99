/**
 * An app's database: the TypeORM DataSource built from `settings.database`, the current
 * transaction (AsyncLocalStorage: a request outside `atomic()` pays one `getStore()` per
 * query, nothing per request), repositories that follow it, and `atomic()` blocks that
 * nest as savepoints. TypeORM and the driver are loaded only when an app declares an entity.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, ObjectLiteral, Repository } from 'typeorm';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { parseDatabaseUrl, redactUrl, type DatabaseTarget } from './database-url';
import { applyMigrations, makeMigration, migrationStates, type MigrationState } from './migrations';
import { queryRecorder } from './query-log';

export interface DatabaseOptions {
  url: string;
  /** Where a relative sqlite path starts (the project folder). */
  baseDir: string;
  entities: readonly Function[];
  poolSize: number;
  /** Migration classes or compiled-file globs for TypeORM's migrator. */
  migrations?: ReadonlyArray<Function | string>;
}

function loadDriver(target: DatabaseTarget, url: string): void {
  try {
    require.resolve(target.driverPackage);
  } catch {
    throw new ImproperlyConfigured(
      'DATABASE_DRIVER_MISSING',
      `settings.database '${redactUrl(url)}' needs the '${target.driverPackage}' package, which is not installed. Run: npm install ${target.driverPackage}`,
    );
  }
}

/** The databases connected in this process, for the standalone `atomic()`. */
const connected = new Set<Database>();

export class Database {
  readonly dataSource: DataSource;
  readonly url: string;
  private readonly current = new AsyncLocalStorage<EntityManager>();

  constructor(options: DatabaseOptions) {
    this.url = options.url;
    const target = parseDatabaseUrl(options.url, options.baseDir);
    loadDriver(target, options.url);
    const { DataSource: DataSourceClass } = require('typeorm') as typeof import('typeorm');
    const common = {
      entities: [...options.entities],
      migrations: [...(options.migrations ?? [])] as never,
      synchronize: false,
      logger: queryRecorder,
    };
    this.dataSource =
      target.type === 'postgres'
        ? new DataSourceClass({ type: 'postgres', url: target.url, poolSize: options.poolSize, ...common })
        : new DataSourceClass({ type: 'better-sqlite3', database: target.database!, ...common });
  }

  /** Connects (createApp calls it before the onStartup hooks). */
  async connect(): Promise<void> {
    try {
      await this.dataSource.initialize();
      connected.add(this);
    } catch (error) {
      throw new ImproperlyConfigured(
        'DATABASE_UNREACHABLE',
        `Could not connect to settings.database '${redactUrl(this.url)}': ${(error as Error).message}. Check that the server runs and the URL (DATABASE_URL) is right`,
      );
    }
  }

  /** Closes the connections (after in-flight requests finished, on graceful shutdown). */
  async close(): Promise<void> {
    connected.delete(this);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** The current transaction's manager inside `atomic()`, else the data source's. */
  get manager(): EntityManager {
    return this.current.getStore() ?? this.dataSource.manager;
  }

  /**
   * Runs `block` in a transaction: committed when it resolves, rolled back when it throws.
   * Nested blocks are savepoints. Repositories from `repository()` use it inside `block`.
   */
  atomic<T>(block: () => Promise<T> | T): Promise<T> {
    return this.manager.transaction((manager) => this.current.run(manager, async () => block()));
  }

  /** True inside one of this database's `atomic()` blocks. */
  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  /**
   * Django's TestCase isolation: opens a transaction that every query of the app joins
   * (repositories, ENTITY_MANAGER, `atomic()` blocks as savepoints) until the returned
   * function rolls it back. rondo/testing's `useTestDatabase` calls it around each test.
   */
  async isolate(): Promise<() => Promise<void>> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const writable = this.dataSource as { manager: EntityManager };
    const base = writable.manager;
    writable.manager = runner.manager;
    return async () => {
      writable.manager = base;
      try {
        await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
    };
  }

  /** A repository that always works on the current transaction (a singleton for DI). */
  repository<T extends ObjectLiteral>(entity: Function): Repository<T> {
    return new Proxy({} as Repository<T>, {
      get: (_target, property) => {
        const repository = this.manager.getRepository<T>(entity) as unknown as Record<string | symbol, unknown>;
        const value = repository[property];
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(repository) : value;
      },
    });
  }

  /** `rondo makemigrations`: writes a migration for the entity changes into `dir` (undefined when none). */
  makeMigration(name: string, dir: string): Promise<string | undefined> {
    return makeMigration(this.dataSource, name, dir);
  }

  /** `rondo migrate`: applies the pending migrations; their names. */
  migrate(): Promise<string[]> {
    return applyMigrations(this.dataSource);
  }

  /** `rondo showmigrations`: every migration with its applied mark. */
  migrations(): Promise<MigrationState[]> {
    return migrationStates(this.dataSource);
  }

  /** An EntityManager that always is the current one (for `@Inject(ENTITY_MANAGER)`). */
  managerProxy(): EntityManager {
    return new Proxy({} as EntityManager, {
      get: (_target, property) => {
        const manager = this.manager as unknown as Record<string | symbol, unknown>;
        const value = manager[property];
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(manager) : value;
      },
    });
  }
}

/**
 * Django's `transaction.atomic()` without a handle: runs `block` in a transaction of the
 * app's database (savepoints when nested). With several apps connected in one process
 * (tests), the one whose transaction is open is used; inject DATABASE to choose.
 */
export function atomic<T>(block: () => Promise<T> | T): Promise<T> {
  const open = [...connected];
  const database = open.find((db) => db.inTransaction) ?? (open.length === 1 ? open[0] : undefined);
  if (database === undefined) {
    throw new ImproperlyConfigured(
      open.length === 0 ? 'DATABASE_NOT_CONNECTED' : 'DATABASE_AMBIGUOUS',
      open.length === 0
        ? 'atomic() found no connected database: declare an entity (createApp({ entities }) or a models folder in discover) so that createApp connects settings.database'
        : `atomic() found ${open.length} connected databases (several apps in one process); inject DATABASE and call database.atomic() instead`,
    );
  }
  return database.atomic(block);
}
