/**
 * TaskQueue: what an app injects to enqueue tasks and read their results, and what a
 * worker runs them through. The backend is settings.tasksBackend, made at first use
 * (the database and BullMQ code load only for the app that chose them).
 */
import { randomUUID } from 'node:crypto';
import type { Settings } from '../app/settings';
import type { Database } from '../db/database';
import { DATABASE } from '../db/database-token';
import { APP, Inject, Injectable, LOGGER, Optional, SETTINGS } from '../di/injectable';
import { ImproperlyConfigured, RondoError } from '../errors/rondo-error';
import type { Class } from '../metadata/keys';
import type { Logger } from '../observability/logger';
import type { TaskBackend, TaskOutcome, TaskRecord, TaskStatus, WorkOptions } from './backend';
import { checkJson } from './json-check';
import type { TaskInfo } from './task';

/** What the queue needs of the app: its tasks and the container that builds their classes. */
export interface TaskHost {
  tasks(): ReadonlyMap<string, TaskInfo>;
  readonly container: { get<T>(token: Class<T>): T };
}

/** A task's arguments, and its result, are stored with it: a queue is not a place for big data. */
const MAX_JSON_BYTES = 1024 * 1024;

/** Arguments, a result or a task name that cannot be queued. */
export class TaskInvalid extends RondoError {
  constructor(message: string) {
    super('TASK_INVALID', message);
  }
}

export interface EnqueueOptions {
  /** Not before this time (a Date) or this many ms from now. */
  runAfter?: Date | number;
  /** Overrides the task's priority: -100 (last) to 100 (first). */
  priority?: number;
}

/** The methods of C that are tasks' candidates: any method (the `@Task` check is at run time). */
type Methods<C> = { [K in keyof C]: C[K] extends (...args: never[]) => unknown ? K : never }[keyof C] & string;
/** The arguments of method `K` of task class `C`. */
export type TaskArgs<C, K extends keyof C> = C[K] extends (...args: infer A) => unknown ? A : never;
/** What method `K` of task class `C` resolves to. */
export type TaskReturn<C, K extends keyof C> = C[K] extends (...args: never[]) => infer R ? Awaited<R> : never;

/** A handle on one queued call: its state when read; `refresh()` reads it again. */
export class TaskResult<T = unknown> {
  id!: string;
  /** The task's name (`Class.method` unless it was given one). */
  task!: string;
  status!: TaskStatus;
  args!: unknown[];
  attempts!: number;
  /** What the task returned, once `status` is 'successful'. */
  result?: T;
  /** The last failure (error class, message and stack), once a run failed. */
  error?: string;
  enqueuedAt!: Date;
  startedAt?: Date;
  finishedAt?: Date;

  /** @internal Made by the queue (enqueue, result). */
  constructor(
    record: TaskRecord,
    private readonly queue: TaskQueue,
  ) {
    this.assign(record);
  }

  /** True once it succeeded or failed for good. */
  get isFinished(): boolean {
    return this.status === 'successful' || this.status === 'failed';
  }

  /** Reads the current state from the backend. */
  async refresh(): Promise<this> {
    const record = await this.queue.record(this.id);
    if (record !== undefined) this.assign(record);
    return this;
  }

  private assign(record: TaskRecord): void {
    const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
    this.id = record.id;
    this.task = record.task;
    this.status = record.status;
    this.args = record.args;
    this.attempts = record.attempts;
    this.result = record.result as T | undefined;
    this.error = record.error;
    this.enqueuedAt = new Date(record.enqueuedAt);
    this.startedAt = date(record.startedAt);
    this.finishedAt = date(record.finishedAt);
  }
}

@Injectable()
export class TaskQueue {
  private made: TaskBackend | undefined;

  /** @internal Made by the container. */
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP) private readonly app: TaskHost,
    @Optional() @Inject(DATABASE) private readonly database?: Database,
  ) {}

  /** The app's tasks by name. */
  get tasks(): ReadonlyMap<string, TaskInfo> {
    return this.app.tasks();
  }

  /**
   * Queues a call of `cls.method(...args)`. The arguments must be JSON values (a Date is
   * refused: pass `date.toISOString()`), checked now rather than when a worker fails on them.
   *
   * @example
   * const result = await this.queue.enqueue(MailTasks, 'welcome', [user.email], { runAfter: 60_000 });
   */
  async enqueue<C, K extends Methods<C>>(
    cls: Class<C>,
    method: K,
    args: TaskArgs<C, K>,
    options: EnqueueOptions = {},
  ): Promise<TaskResult<TaskReturn<C, K>>> {
    const info = [...this.tasks.values()].find((task) => task.cls === cls && task.method === method);
    if (info === undefined)
      throw new TaskInvalid(
        `${cls.name}.${method} is not a task of this app: decorate it with @Task() and list ${cls.name} as a provider (or let discovery find it)`,
      );
    return this.enqueueTask(info, args, options) as Promise<TaskResult<TaskReturn<C, K>>>;
  }

  /** Queues a task by name (the schedules and tools that only know names use this). */
  async enqueueByName(name: string, args: unknown[] = [], options: EnqueueOptions = {}): Promise<TaskResult> {
    const info = this.tasks.get(name);
    if (info === undefined)
      throw new TaskInvalid(`The app has no task '${name}' (it has: ${[...this.tasks.keys()].join(', ') || 'none'})`);
    return this.enqueueTask(info, args, options);
  }

  /** The state of a queued call, or undefined when the backend does not know its id. */
  async result<T = unknown>(id: string): Promise<TaskResult<T> | undefined> {
    const record = await this.record(id);
    return record === undefined ? undefined : new TaskResult<T>(record, this);
  }

  /** @internal The stored record of a call. */
  record(id: string): Promise<TaskRecord | undefined> {
    return this.backend.get(id);
  }

  /** @internal Runs this app's tasks until `signal` aborts (`rondo worker` through runWorker). */
  work(options: Omit<WorkOptions, 'execute' | 'logger'>): Promise<void> {
    return this.backend.work({ ...options, execute: (record) => this.execute(record), logger: this.logger });
  }

  /** @internal True for the one scheduler that claims this tick of a schedule. */
  claimTick(name: string, tick: number): Promise<boolean> {
    return this.backend.claimTick(name, tick);
  }

  /** @internal The backend, made at first use from settings.tasksBackend. */
  get backend(): TaskBackend {
    this.made ??= this.makeBackend();
    return this.made;
  }

  /** Closes BullMQ's connections and the immediate backend's timers (the app's shutdown runs it). */
  async onShutdown(): Promise<void> {
    await this.made?.close();
  }

  /** @internal Runs one call: the task's class from the container, its method with the stored arguments. */
  async execute(record: TaskRecord): Promise<TaskOutcome> {
    const info = this.tasks.get(record.task);
    if (info === undefined)
      return { ok: false, error: `TaskInvalid: this app has no task '${record.task}' (renamed or removed?)` };
    try {
      const instance = this.app.container.get<Record<string, (...args: unknown[]) => unknown>>(info.cls);
      const result = await instance[info.method](...record.args);
      const problem = result === undefined ? undefined : checkJson(result, 'its result');
      if (problem !== undefined)
        return { ok: false, error: `TaskInvalid: ${info.name} returned a value that is not JSON: ${problem}` };
      const size = result === undefined ? 0 : Buffer.byteLength(JSON.stringify(result));
      if (size > MAX_JSON_BYTES)
        return {
          ok: false,
          error: `TaskInvalid: ${info.name} returned ${size} bytes of JSON, over ${MAX_JSON_BYTES}: store big output elsewhere (a file, a row) and return its id`,
        };
      return { ok: true, result };
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
      this.logger.error(`Task ${info.name} (${record.id}) failed on attempt ${record.attempts}`, error);
      return { ok: false, error: text.slice(0, 8000) };
    }
  }

  private async enqueueTask(info: TaskInfo, args: unknown[], options: EnqueueOptions): Promise<TaskResult> {
    const problem = checkJson(args, 'args');
    if (problem !== undefined) throw new TaskInvalid(`${info.name}: ${problem}`);
    const json = JSON.stringify(args);
    if (Buffer.byteLength(json) > MAX_JSON_BYTES)
      throw new TaskInvalid(
        `${info.name}: its arguments are ${Buffer.byteLength(json)} bytes of JSON, over ${MAX_JSON_BYTES}: store big data elsewhere (a file, a row) and pass its id`,
      );
    const priority = options.priority ?? info.priority;
    if (!Number.isInteger(priority) || priority < -100 || priority > 100)
      throw new TaskInvalid(`${info.name}: priority is a whole number from -100 to 100 (got ${priority})`);
    const now = Date.now();
    const runAfter =
      options.runAfter === undefined
        ? now
        : typeof options.runAfter === 'number'
          ? now + options.runAfter
          : options.runAfter.getTime();
    if (!Number.isFinite(runAfter)) throw new TaskInvalid(`${info.name}: runAfter is not a valid time`);
    const record: TaskRecord = {
      id: randomUUID(),
      task: info.name,
      queue: info.queue,
      priority,
      args: JSON.parse(json) as unknown[],
      status: 'ready',
      attempts: 0,
      maxAttempts: info.retries + 1,
      backoff: info.backoff,
      runAfter,
      enqueuedAt: now,
    };
    return new TaskResult(await this.backend.enqueue(record), this);
  }

  private makeBackend(): TaskBackend {
    const { tasksBackend, tasksLease: lease, tasksPollInterval: pollInterval } = this.settings;
    const retention = this.settings.tasksResultRetention * 1000;
    switch (tasksBackend) {
      case 'immediate': {
        const { ImmediateBackend } = require('./backends/immediate') as typeof import('./backends/immediate');
        return new ImmediateBackend((record) => this.execute(record));
      }
      case 'database': {
        if (this.database === undefined)
          throw new ImproperlyConfigured(
            'TASK_BACKEND_UNAVAILABLE',
            "settings.tasksBackend is 'database' but the app has no database; set settings.database",
          );
        const { DatabaseBackend } = require('./backends/database') as typeof import('./backends/database');
        return new DatabaseBackend(this.database, { lease, pollInterval, retention });
      }
      default: {
        const { RedisBackend } = require('./backends/redis') as typeof import('./backends/redis');
        return new RedisBackend({
          url: this.settings.redisUrl,
          prefix: this.settings.cacheKeyPrefix,
          lease,
          retention,
          queues: [...new Set([...this.tasks.values()].map((task) => task.queue))],
        });
      }
    }
  }
}
