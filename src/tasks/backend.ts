/**
 * What a task backend stores and does: queued calls as TaskRecords, a worker loop that
 * claims and runs them, and the schedule's once-per-tick claim. Three implement it:
 * immediate (in this process, at enqueue), database (a table through the app's TypeORM
 * connection) and redis (BullMQ).
 */
import { RondoError } from '../errors/rondo-error';
import type { Logger } from '../observability/logger';

export type TaskStatus = 'ready' | 'running' | 'successful' | 'failed';

/** One queued call of a task, as every backend stores it (times in ms since the epoch). */
export interface TaskRecord {
  id: string;
  task: string;
  queue: string;
  priority: number;
  args: unknown[];
  status: TaskStatus;
  /** Runs started so far (a retry, or a run cut by a dead worker, counts). */
  attempts: number;
  maxAttempts: number;
  /** ms before the first retry, doubled at each next. */
  backoff: number;
  runAfter: number;
  enqueuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  result?: unknown;
  /** The last failure: the error's class, message and stack. */
  error?: string;
}

/** How a run of a task ended. */
export type TaskOutcome = { ok: true; result: unknown } | { ok: false; error: string };

export interface WorkOptions {
  /** Tasks run at once. */
  concurrency: number;
  /** Queues served. */
  queues: readonly string[];
  /** Runs one task: builds its class and calls its method (the queue's runner). */
  execute(record: TaskRecord): Promise<TaskOutcome>;
  /** Aborted to stop: no new task is taken; running ones get `grace` ms to finish. */
  signal: AbortSignal;
  /** ms the running tasks may take to finish after the stop; past it they are released for another worker. */
  grace: number;
  /** Return once no task is ready (`rondo worker --burst`). */
  burst: boolean;
  logger: Logger;
}

export interface TaskBackend {
  /** 'immediate', 'database' or 'redis', for messages. */
  readonly name: string;
  enqueue(record: TaskRecord): Promise<TaskRecord>;
  get(id: string): Promise<TaskRecord | undefined>;
  /** Claims and runs tasks until `options.signal` aborts (or, in burst mode, none is ready). */
  work(options: WorkOptions): Promise<void>;
  /** True for the one caller that claims schedule `name`'s tick at `tick` (ms). */
  claimTick(name: string, tick: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The backend could not store or read tasks (its database or Redis is down). */
export class TaskBackendUnavailable extends RondoError {
  constructor(backend: string, cause: unknown) {
    super(
      'TASK_BACKEND_UNAVAILABLE',
      `The '${backend}' task backend failed: ${(cause as Error)?.message ?? String(cause)}. Check that its database or Redis (settings.tasksBackend, DATABASE_URL / REDIS_URL) is reachable`,
    );
  }
}

/** A run of a task failed: how BullMQ is told (its message, the task's error, becomes the TaskResult's). */
export class TaskFailed extends RondoError {
  constructor(error: string) {
    super('TASK_FAILED', error);
  }
}

/** When the next attempt of a failed run may start: backoff doubled per attempt, at most an hour. */
export function retryAt(record: TaskRecord, now: number): number {
  return now + Math.min(3_600_000, record.backoff * 2 ** Math.max(0, record.attempts - 1));
}

/** The outcome as the record's final or retry state. */
export function settle(record: TaskRecord, outcome: TaskOutcome, now: number): TaskRecord {
  if (outcome.ok) return { ...record, status: 'successful', result: outcome.result, error: undefined, finishedAt: now };
  if (record.attempts < record.maxAttempts)
    return { ...record, status: 'ready', error: outcome.error, runAfter: retryAt(record, now) };
  return { ...record, status: 'failed', error: outcome.error, finishedAt: now };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
