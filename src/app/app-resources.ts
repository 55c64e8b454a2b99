/**
 * What an app holds across overrides and rebuilds: its database (apps with models only),
 * its rate limits and its serving status. It gives the container their values, wraps the
 * views that need them at each build, and opens and closes them around the lifecycle hooks
 * (the database is connected before the onStartup hooks and closed after the onShutdown ones).
 */
import { databaseFor, databaseValues } from '../db/app-database';
import { wrapAtomicViews } from '../db/atomic';
import type { Database } from '../db/database';
import type { CompiledView } from '../kernel/view-compiler';
import type { Token } from '../metadata/keys';
import type { Logger } from '../observability/logger';
import { RateLimits } from '../ratelimit/rate-limit';
import type { RouteTable } from '../routing/route-table';
import { AppStatus } from '../server/app-status';
import type { Settings } from './settings';

export class AppResources {
  /** The models' database; undefined for an app without entities. */
  readonly database: Database | undefined;
  readonly rateLimits: RateLimits;
  readonly status = new AppStatus();
  /** What the container binds as values: [token, label, value]. */
  readonly values: ReadonlyArray<readonly [Token, string, unknown]>;

  constructor(
    private readonly settings: Settings,
    entities: readonly Function[] | undefined,
    migrations: readonly Function[] | undefined,
    private readonly logger: Logger,
  ) {
    this.database = databaseFor(settings, entities, migrations);
    this.rateLimits = new RateLimits(settings, logger);
    this.values = [
      ...databaseValues(this.database, entities),
      [RateLimits, 'RateLimits', this.rateLimits],
      [AppStatus, 'AppStatus', this.status],
    ];
  }

  /** Views with `@Atomic` (or every view with atomicRequests) run in a transaction; rate limits go outside it. */
  wrapViews(routes: RouteTable<CompiledView>): void {
    if (this.database !== undefined) wrapAtomicViews(routes, this.database, this.settings.atomicRequests);
    this.rateLimits.wrap(routes); // outside the transaction: a refused request opens none
  }

  async open(): Promise<void> {
    await this.database?.connect();
  }

  /** Closes the database and the rate limits' store; false when the database failed to close. */
  async close(): Promise<boolean> {
    let clean = true;
    try {
      await this.database?.close();
    } catch (error) {
      clean = false;
      this.logger.error('Closing the database failed', error);
    }
    await this.rateLimits.close();
    return clean;
  }
}
