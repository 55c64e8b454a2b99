/**
 * Database errors a client causes are not 500s: a unique or foreign-key violation is a 409
 * (naming the field when the driver says which), a NOT NULL violation a 400, a lost or
 * refused connection a 503 (retry). Read structurally from TypeORM's QueryFailedError and
 * the drivers' codes (PostgreSQL SQLSTATE, SQLite result codes); nothing is loaded.
 */
import { HttpError } from '../http/errors';

interface DriverError {
  name?: string;
  code?: string;
  message?: string;
  detail?: string;
  driverError?: DriverError;
}

const CONNECTION_LOST = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '53300',
]);

/** `Key (slug)=(hello) already exists.` → slug; `UNIQUE constraint failed: post.slug` → slug. */
function fieldOf(error: DriverError): string | undefined {
  const pg = /^Key \(([^)]+)\)=/.exec(error.detail ?? '');
  if (pg) return pg[1];
  const sqlite = /constraint failed: [\w]+\.(\w+)/.exec(error.message ?? '');
  return sqlite?.[1];
}

/** The HTTP error a database error means for the client, or undefined for a real 500. */
export function databaseHttpError(error: unknown): HttpError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const outer = error as DriverError;
  const driver = outer.driverError ?? outer;
  const code = driver.code ?? '';
  const field = fieldOf(driver);
  const extra = field === undefined ? undefined : { field };
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new HttpError(
      409,
      field ? `A row with this ${field} already exists` : 'A row with these values already exists',
      extra,
    );
  }
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    return new HttpError(409, 'The row refers to a row that does not exist, or is still referred to', extra);
  if (code === '23502' || code === 'SQLITE_CONSTRAINT_NOTNULL')
    return new HttpError(400, field ? `The ${field} field is required` : 'A required field is missing', extra);
  // TypeORM releases a query runner whose connection died under it.
  const released =
    outer.name === 'QueryRunnerAlreadyReleasedError' || outer.name === 'QueryRunnerProviderAlreadyReleasedError';
  if (
    released ||
    CONNECTION_LOST.has(code) ||
    /Connection terminated|connection is not open|Client has encountered a connection error/i.test(driver.message ?? '')
  ) {
    return new HttpError(503, 'The database is unavailable; try again shortly', { retryAfter: 1 });
  }
  return undefined;
}
