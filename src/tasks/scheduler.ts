/**
 * The scheduler (`rondo worker --schedule`): for each `@Schedule` task, waits for the
 * next tick of its cron expression and enqueues the task then. Every scheduler running
 * claims the tick first (a row in the database, a `SET NX` key in Redis), so however many
 * run, each tick enqueues the task once.
 */
import type { Logger } from '../observability/logger';
import { pause } from './backend';
import { parseCron } from './cron';
import type { TaskInfo } from './task';
import type { TaskQueue } from './task-queue';

/** Longest single wait: the clock is looked at again at least this often (a suspended laptop, a changed clock). */
const MAX_WAIT = 60_000;

export class Scheduler {
  private readonly schedules: TaskInfo[];

  constructor(
    private readonly queue: TaskQueue,
    private readonly logger: Logger,
  ) {
    this.schedules = [...queue.tasks.values()].filter((task) => task.cron !== undefined);
  }

  get size(): number {
    return this.schedules.length;
  }

  /** Enqueues each schedule's task at its ticks until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const next = new Map(this.schedules.map((task) => [task, this.nextTick(task, Date.now())]));
    while (!signal.aborted) {
      const now = Date.now();
      const soonest = Math.min(...next.values());
      if (soonest > now) {
        await pause(Math.min(soonest - now, MAX_WAIT), signal);
        continue;
      }
      for (const [task, tick] of next) {
        if (tick > now) continue;
        next.set(task, this.nextTick(task, now));
        await this.fire(task, tick);
      }
    }
  }

  private async fire(task: TaskInfo, tick: number): Promise<void> {
    try {
      if (!(await this.queue.claimTick(task.name, tick))) return;
      const result = await this.queue.enqueueByName(task.name, []);
      this.logger.info(
        `Schedule ${task.cron} of ${task.name}: enqueued ${result.id} for ${new Date(tick).toISOString()}`,
      );
    } catch (error) {
      this.logger.error(
        `Schedule of ${task.name}: the tick at ${new Date(tick).toISOString()} could not be enqueued`,
        error,
      );
    }
  }

  private nextTick(task: TaskInfo, after: number): number {
    return parseCron(task.cron!, task.timezone, task.name, new Date(after)).next().getTime();
  }
}
