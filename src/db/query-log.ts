/**
 * The SQL a request ran, as Django's `connection.queries`: `captureQueries(block)` records
 * every query the block's async work sends (TestClient's `response.queries`, the debug 500
 * page). Outside a capture a query costs one `getStore()`; nothing is kept.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One query: its SQL, its parameters, and the driver's error when it failed. */
export interface RecordedQuery {
  sql: string;
  parameters: readonly unknown[];
  error?: string;
}

const capture = new AsyncLocalStorage<RecordedQuery[]>();

/** Runs `block`, recording the queries it runs; nests (an inner capture also fills the outer's list). */
export async function captureQueries<T>(block: () => T | Promise<T>): Promise<{ result: T; queries: RecordedQuery[] }> {
  const outer = capture.getStore();
  const queries: RecordedQuery[] = [];
  try {
    return { result: await capture.run(queries, block), queries };
  } finally {
    outer?.push(...queries);
  }
}

/** The queries recorded so far in the current capture (undefined outside one). */
export function capturedQueries(): readonly RecordedQuery[] | undefined {
  return capture.getStore();
}

/** TypeORM's logger interface: records into the current capture, and says nothing else. */
export const queryRecorder = {
  logQuery(sql: string, parameters?: unknown[]): void {
    capture.getStore()?.push({ sql, parameters: parameters ?? [] });
  },
  /** Marks the query logQuery recorded (drivers log it before they run it) as failed. */
  logQueryError(error: string | Error, sql: string, parameters?: unknown[]): void {
    const queries = capture.getStore();
    if (queries === undefined) return;
    const message = typeof error === 'string' ? error : error.message;
    const last = queries[queries.length - 1];
    if (last !== undefined && last.sql === sql && last.error === undefined) last.error = message;
    else queries.push({ sql, parameters: parameters ?? [], error: message });
  },
  logQuerySlow(): void {},
  logSchemaBuild(): void {},
  logMigration(): void {},
  log(): void {},
};
