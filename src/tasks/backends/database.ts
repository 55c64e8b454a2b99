/**
 * The database backend: queued calls are rows of `rondo_task` in the app's database
 * (SQLite or PostgreSQL, through its TypeORM connection). A worker claims the most urgent
 * ready rows, as many as it has free slots, with one UPDATE (on PostgreSQL its subquery
 * takes `FOR UPDATE SKIP LOCKED`, so workers never wait for or share a row; SQLite runs
 * one writer at a time) and holds them under a lease it renews while the tasks run. A worker killed mid-task stops renewing:
 * once the lease expires another worker claims the row again, as a new attempt. Workers
 * delete finished rows older than the retention, at start and every ten minutes.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Column, Entity, Index, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { Database } from '../../db/database';
import { builtInDialect } from '../../db/migrations';
import {
  pause,
  settle,
  TaskBackendUnavailable,
  type TaskBackend,
  type TaskRecord,
  type TaskStatus,
  type WorkOptions,
} from '../backend';

@Entity({ name: 'rondo_task' })
@Index(['status', 'runAfter'])
export class TaskRow {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 200 }) task!: string;
  @Column({ type: 'varchar', length: 64 }) queue!: string;
  @Column({ type: 'integer' }) priority!: number;
  @Column({ type: 'text' }) args!: string;
  @Column({ type: 'varchar', length: 16 }) status!: string;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ type: 'integer' }) maxAttempts!: number;
  @Column({ type: 'integer' }) backoff!: number;
  @Column({ type: 'bigint' }) runAfter!: number;
  @Column({ type: 'bigint' }) enqueuedAt!: number;
  @Column({ type: 'bigint', nullable: true }) startedAt!: number | null;
  @Column({ type: 'bigint', nullable: true }) finishedAt!: number | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) lockedBy!: string | null;
  @Column({ type: 'bigint', nullable: true }) lockedUntil!: number | null;
  @Column({ type: 'text', nullable: true }) result!: string | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
}

/** One row per schedule tick claimed: the primary key makes the claim once-only. */
@Entity({ name: 'rondo_task_tick' })
export class TaskTickRow {
  @PrimaryColumn({ type: 'varchar', length: 200 }) name!: string;
  @PrimaryColumn({ type: 'bigint' }) tick!: number;
}

const COLUMNS = [
  'id',
  'task',
  'queue',
  'priority',
  'args',
  'status',
  'attempts',
  'maxAttempts',
  'backoff',
  'runAfter',
  'enqueuedAt',
] as const;

type Row = Record<string, unknown>;

const optionalNumber = (value: unknown) => (value === null || value === undefined ? undefined : Number(value));

function recordOf(row: Row): TaskRecord {
  return {
    id: String(row.id),
    task: String(row.task),
    queue: String(row.queue),
    priority: Number(row.priority),
    args: JSON.parse(String(row.args)) as unknown[],
    status: row.status as TaskStatus,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.maxAttempts),
    backoff: Number(row.backoff),
    runAfter: Number(row.runAfter),
    enqueuedAt: Number(row.enqueuedAt),
    startedAt: optionalNumber(row.startedAt),
    finishedAt: optionalNumber(row.finishedAt),
    result: row.result === null || row.result === undefined ? undefined : JSON.parse(String(row.result)),
    error: row.error === null || row.error === undefined ? undefined : String(row.error),
  };
}

export interface DatabaseBackendOptions {
  /** ms a claimed task stays locked without a renewal (settings.tasksLease). */
  lease: number;
  /** ms between two looks for work while the queue is empty (settings.tasksPollInterval). */
  pollInterval: number;
  /** ms a finished task's row is kept (settings.tasksResultRetention). */
  retention: number;
}

const PRUNE_EVERY = 10 * 60_000;

export class DatabaseBackend implements TaskBackend {
  readonly name = 'database';
  private readonly postgres: boolean;

  constructor(
    private readonly database: Database,
    private readonly options: DatabaseBackendOptions,
  ) {
    this.postgres = database.dataSource.options.type === 'postgres';
  }

  /** Through the current transaction, if any: a task enqueued in a rolled-back block never runs. */
  async enqueue(record: TaskRecord): Promise<TaskRecord> {
    const values = COLUMNS.map((column) => (column === 'args' ? JSON.stringify(record.args) : record[column]));
    const names = COLUMNS.map((column) => `"${column}"`).join(', ');
    await this.guard(() =>
      this.database.manager.query(
        this.sql(`INSERT INTO "rondo_task" (${names}) VALUES (${COLUMNS.map(() => '?').join(', ')})`),
        values,
      ),
    );
    return record;
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const rows = await this.guard<Row[]>(() =>
      this.database.manager.query(this.sql('SELECT * FROM "rondo_task" WHERE "id" = ?'), [id]),
    );
    return rows.length === 0 ? undefined : recordOf(rows[0]);
  }

  async work(options: WorkOptions): Promise<void> {
    const worker = `${hostname().slice(0, 60)}:${process.pid}:${randomBytes(4).toString('hex')}`;
    const running = new Map<string, Promise<void>>();
    /** Tasks this worker failed that wait for a retry: a burst worker stays for them. */
    const retrying = new Set<string>();
    const renew = setInterval(() => {
      if (running.size > 0)
        this.renew([...running.keys()], worker).catch((error: unknown) =>
          options.logger.error('Renewing the running tasks’ lease failed', error),
        );
    }, this.options.lease / 3);
    const prune = () =>
      this.prune().catch((error: unknown) => options.logger.error('Deleting old finished tasks failed', error));
    await prune();
    const pruning = setInterval(() => void prune(), PRUNE_EVERY);
    pruning.unref();
    try {
      while (!options.signal.aborted) {
        if (running.size >= options.concurrency) {
          await Promise.race(running.values());
          continue;
        }
        let claimed: TaskRecord[] = [];
        try {
          // As many as there are free slots, in one statement.
          claimed = await this.claim(worker, options.queues, options.concurrency - running.size);
        } catch (error) {
          options.logger.error('Claiming a task failed; trying again after the poll interval', error);
        }
        if (claimed.length === 0) {
          if (options.burst && running.size === 0 && (await this.stillRetrying(retrying)) === 0) break;
          await Promise.race([pause(this.options.pollInterval, options.signal), ...running.values()]);
          continue;
        }
        for (const record of claimed) {
          retrying.delete(record.id);
          const run = this.runClaimed(record, worker, options)
            .then((status) => {
              if (status === 'ready') retrying.add(record.id);
            })
            .finally(() => running.delete(record.id));
          running.set(record.id, run);
        }
      }
      await this.finish(running, worker, options);
    } finally {
      clearInterval(renew);
      clearInterval(pruning);
    }
  }

  async claimTick(name: string, tick: number): Promise<boolean> {
    const rows = await this.records(
      'INSERT INTO "rondo_task_tick" ("name", "tick") VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING "name"',
      [name, tick],
    );
    if (rows.length === 1)
      await this.records('DELETE FROM "rondo_task_tick" WHERE "tick" < ?', [tick - 7 * 24 * 3_600_000]);
    return rows.length === 1;
  }

  async close(): Promise<void> {
    // The connection is the app's: it closes with the app.
  }

  /** Deletes the rows of tasks that finished more than the retention ago. */
  private async prune(): Promise<void> {
    await this.records(`DELETE FROM "rondo_task" WHERE "status" IN ('successful', 'failed') AND "finishedAt" < ?`, [
      Date.now() - this.options.retention,
    ]);
  }

  /** After the stop: the running tasks get `grace` ms, then the unfinished are handed back. */
  private async finish(running: Map<string, Promise<void>>, worker: string, options: WorkOptions): Promise<void> {
    if (running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      Promise.all(running.values()).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), options.grace))),
    ]);
    clearTimeout(timer);
    if (done) return;
    const ids = [...running.keys()];
    options.logger.warn(
      `${ids.length} task(s) still running after ${options.grace} ms; handed back to the queue for another worker: ${ids.join(', ')}`,
    );
    await this.records(
      `UPDATE "rondo_task" SET "status" = 'ready', "attempts" = "attempts" - 1, "lockedBy" = NULL, "lockedUntil" = NULL WHERE "lockedBy" = ? AND "status" = 'running' AND "id" IN (${ids.map(() => '?').join(', ')})`,
      [worker, ...ids],
    );
  }

  /** How many of `ids` still wait for a retry (the others are forgotten: done, or taken by another worker). */
  private async stillRetrying(ids: Set<string>): Promise<number> {
    if (ids.size === 0) return 0;
    const rows = await this.records(
      `SELECT "id" FROM "rondo_task" WHERE "status" = 'ready' AND "id" IN (${[...ids].map(() => '?').join(', ')})`,
      [...ids],
    );
    const waiting = new Set(rows.map((row) => String(row.id)));
    for (const id of ids) if (!waiting.has(id)) ids.delete(id);
    return ids.size;
  }

  /** Runs a claimed task and stores how it ended; resolves to its new status. */
  private async runClaimed(record: TaskRecord, worker: string, options: WorkOptions): Promise<TaskStatus> {
    // A row claimed again after its worker died: that run was an attempt too.
    const outcome =
      record.attempts > record.maxAttempts
        ? {
            ok: false as const,
            error: `The worker running it stopped before it finished (its lease expired) and it has no retries left (${record.maxAttempts} attempt(s))`,
          }
        : await options.execute(record);
    const settled = settle({ ...record, attempts: Math.min(record.attempts, record.maxAttempts) }, outcome, Date.now());
    // execute() checked the result is JSON.
    const result = settled.result === undefined ? null : JSON.stringify(settled.result);
    try {
      await this.records(
        'UPDATE "rondo_task" SET "status" = ?, "runAfter" = ?, "finishedAt" = ?, "result" = ?, "error" = ?, "lockedBy" = NULL, "lockedUntil" = NULL WHERE "id" = ? AND "lockedBy" = ?',
        [
          settled.status,
          settled.runAfter,
          settled.finishedAt ?? null,
          result,
          settled.error ?? null,
          record.id,
          worker,
        ],
      );
    } catch (error) {
      options.logger.error(
        `Task ${record.task} (${record.id}) ran, but its outcome could not be stored; it runs again once its lease expires`,
        error,
      );
    }
    return settled.status;
  }

  /** Claims up to `limit` tasks, most urgent first: ready ones due now, and running ones whose lease lapsed. */
  private async claim(worker: string, queues: readonly string[], limit: number): Promise<TaskRecord[]> {
    const now = Date.now();
    const eligible = `"queue" IN (${queues.map(() => '?').join(', ')}) AND (("status" = 'ready' AND "runAfter" <= ?) OR ("status" = 'running' AND "lockedUntil" < ?))`;
    const rows = await this.records(
      `UPDATE "rondo_task" SET "status" = 'running', "attempts" = "attempts" + 1, "lockedBy" = ?, "lockedUntil" = ?, "startedAt" = ? WHERE "id" IN (SELECT "id" FROM "rondo_task" WHERE ${eligible} ORDER BY "priority" DESC, "runAfter", "enqueuedAt" LIMIT ?${this.postgres ? ' FOR UPDATE SKIP LOCKED' : ''}) RETURNING *`,
      [worker, now + this.options.lease, now, ...queues, now, now, limit],
    );
    // RETURNING keeps no order: the most urgent starts first.
    return rows
      .map(recordOf)
      .sort((a, b) => b.priority - a.priority || a.runAfter - b.runAfter || a.enqueuedAt - b.enqueuedAt);
  }

  private async renew(ids: string[], worker: string): Promise<void> {
    await this.records(
      `UPDATE "rondo_task" SET "lockedUntil" = ? WHERE "lockedBy" = ? AND "id" IN (${ids.map(() => '?').join(', ')})`,
      [Date.now() + this.options.lease, worker, ...ids],
    );
  }

  /** A statement outside any transaction of the caller, its rows (RETURNING included) as records. */
  private async records(text: string, params: unknown[]): Promise<Row[]> {
    return this.guard(async () => {
      const runner = this.database.dataSource.createQueryRunner();
      try {
        const result = await runner.query(this.sql(text), params, true);
        return (Array.isArray(result.records) ? result.records : []) as Row[];
      } finally {
        await runner.release();
      }
    });
  }

  /** `?` placeholders as the driver wants them (`$1`... on PostgreSQL). */
  private sql(text: string): string {
    if (!this.postgres) return text;
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  }

  private async guard<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new TaskBackendUnavailable('database', error);
    }
  }
}

/** SQL TypeORM's schema builder writes for TaskRow and TaskTickRow, per driver. */
const UP: Record<'sqlite' | 'postgres', string[]> = {
  sqlite: [
    `CREATE TABLE "rondo_task" ("id" varchar(36) PRIMARY KEY NOT NULL, "task" varchar(200) NOT NULL, "queue" varchar(64) NOT NULL, "priority" integer NOT NULL, "args" text NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL, "maxAttempts" integer NOT NULL, "backoff" integer NOT NULL, "runAfter" bigint NOT NULL, "enqueuedAt" bigint NOT NULL, "startedAt" bigint, "finishedAt" bigint, "lockedBy" varchar(100), "lockedUntil" bigint, "result" text, "error" text)`,
    `CREATE INDEX "IDX_8b50479c0187b99e38246ec90c" ON "rondo_task" ("status", "runAfter") `,
    `CREATE TABLE "rondo_task_tick" ("name" varchar(200) NOT NULL, "tick" bigint NOT NULL, PRIMARY KEY ("name", "tick"))`,
  ],
  postgres: [
    `CREATE TABLE "rondo_task" ("id" character varying(36) NOT NULL, "task" character varying(200) NOT NULL, "queue" character varying(64) NOT NULL, "priority" integer NOT NULL, "args" text NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL, "maxAttempts" integer NOT NULL, "backoff" integer NOT NULL, "runAfter" bigint NOT NULL, "enqueuedAt" bigint NOT NULL, "startedAt" bigint, "finishedAt" bigint, "lockedBy" character varying(100), "lockedUntil" bigint, "result" text, "error" text, CONSTRAINT "PK_fda239516457a3c4e4f4f7b6c7d" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_8b50479c0187b99e38246ec90c" ON "rondo_task"  ("status", "runAfter") `,
    `CREATE TABLE "rondo_task_tick" ("name" character varying(200) NOT NULL, "tick" bigint NOT NULL, CONSTRAINT "PK_968dc76c3da732a09842e54f88d" PRIMARY KEY ("name", "tick"))`,
  ],
};

/** Creates rondo_task and rondo_task_tick (timestamped before any app migration). */
export class CreateTasks1700000000002 implements MigrationInterface {
  name = 'CreateTasks1700000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP[builtInDialect(queryRunner, this.name)]) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    builtInDialect(queryRunner, this.name);
    await queryRunner.query('DROP TABLE "rondo_task_tick"');
    await queryRunner.query('DROP TABLE "rondo_task"');
  }
}

/** What `tasksBackend: 'database'` adds to an app: the entities and their migration. */
export function databaseTasksPart(): { entities: Function[]; migrations: Function[] } {
  return { entities: [TaskRow, TaskTickRow], migrations: [CreateTasks1700000000002] };
}
