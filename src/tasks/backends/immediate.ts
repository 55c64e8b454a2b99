/**
 * The immediate backend (the default, for development and tests): `enqueue` runs the task
 * in this process before it resolves, retries included (without waiting: backoff only
 * waits in a worker). A `runAfter` in the future runs it on a timer in this process
 * (lost if the process ends). Results are kept in memory for `queue.result(id)`.
 */
import { LRUCache } from 'lru-cache';
import { pause, settle, type TaskBackend, type TaskOutcome, type TaskRecord, type WorkOptions } from '../backend';

export class ImmediateBackend implements TaskBackend {
  readonly name = 'immediate';
  private readonly results = new LRUCache<string, TaskRecord>({ max: 10_000 });
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ticks = new Set<string>();

  constructor(private readonly execute: (record: TaskRecord) => Promise<TaskOutcome>) {}

  async enqueue(record: TaskRecord): Promise<TaskRecord> {
    this.results.set(record.id, record);
    const delay = record.runAfter - Date.now();
    if (delay <= 0) return this.run(record);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run(record);
    }, delay);
    timer.unref();
    this.timers.add(timer);
    return record;
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    return this.results.get(id);
  }

  /** Nothing is queued here (enqueue ran it): a worker only waits, for the schedules it runs. */
  async work(options: WorkOptions): Promise<void> {
    if (options.burst) return;
    options.logger.warn(
      "settings.tasksBackend is 'immediate': tasks run where they are enqueued, so this worker only runs the schedules' ticks. Use 'database' or 'redis' to run tasks here",
    );
    await pause(2 ** 31 - 1, options.signal);
  }

  async claimTick(name: string, tick: number): Promise<boolean> {
    const key = `${name}@${tick}`;
    if (this.ticks.has(key)) return false;
    this.ticks.add(key);
    return true;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async run(queued: TaskRecord): Promise<TaskRecord> {
    let record = queued;
    do {
      record = { ...record, status: 'running', attempts: record.attempts + 1, startedAt: Date.now() };
      this.results.set(record.id, record);
      record = settle(record, await this.execute(record), Date.now());
      this.results.set(record.id, record);
    } while (record.status === 'ready');
    return record;
  }
}
