/**
 * `rondo/db`: models on TypeORM (loaded only by an app that declares an entity). Their
 * database through DI, transactions, test isolation's partner, and Django's shortcuts. The
 * everyday names (InjectRepository, Atomic, getObjectOr404, paginate) are also in `rondo`.
 *
 * ```ts
 * import { DATABASE, atomic, type Database } from 'rondo/db';
 * await atomic(async () => { await posts.save(post); await audit.save(entry); });
 * ```
 */
import 'reflect-metadata';

export { InjectRepository, DATA_SOURCE, ENTITY_MANAGER } from './repository-token';
export { DATABASE } from './database-token';
export { atomic, type Database } from './database';
export type { MigrationState } from './migrations';
export { Atomic, NonAtomic } from './atomic';
export { captureQueries, type RecordedQuery } from './query-log';
export {
  getObjectOr404,
  getListOr404,
  paginate,
  type FindsMany,
  type FindsOne,
  type Page,
  type Pageable,
} from './shortcuts';
