/**
 * `settings.database` → TypeORM data source options: `sqlite:./db.sqlite3` (relative to
 * the project), `sqlite::memory:`, `postgres://user:pass@host:5432/name`. Also the URL as
 * messages show it, without its password.
 */
import { isAbsolute, resolve } from 'node:path';
import { ImproperlyConfigured } from '../errors/rondo-error';

export interface DatabaseTarget {
  /** TypeORM's driver type. */
  type: 'better-sqlite3' | 'postgres';
  /** The npm package the driver needs. */
  driverPackage: 'better-sqlite3' | 'pg';
  /** better-sqlite3: a file path or ':memory:'. */
  database?: string;
  /** postgres: the connection URL. */
  url?: string;
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

export function parseDatabaseUrl(url: string, baseDir: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '')
      throw new ImproperlyConfigured(
        'DATABASE_URL_INVALID',
        `settings.database '${url}' names no file; use 'sqlite:./db.sqlite3' or 'sqlite::memory:'`,
      );
    const database = path === ':memory:' ? path : isAbsolute(path) ? path : resolve(baseDir, path);
    return { type: 'better-sqlite3', driverPackage: 'better-sqlite3', database };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { type: 'postgres', driverPackage: 'pg', url };
  throw new ImproperlyConfigured(
    'DATABASE_URL_INVALID',
    `settings.database '${redactUrl(url)}' is not a database URL Rondo knows; use 'sqlite:./db.sqlite3', 'sqlite::memory:' or 'postgres://user@host:5432/name'`,
  );
}
