/**
 * A worker: runs an app's queued tasks (and, with `schedule`, its schedules) until
 * stopped. `rondo worker` runs one with the process's signals: the first SIGTERM or
 * SIGINT stops taking tasks and lets the running ones finish (up to settings.shutdownTimeout,
 * then they are handed back to the queue), a second one exits at once.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { Logger } from '../observability/logger';
import { Scheduler } from './scheduler';
import { TaskQueue } from './task-queue';

export interface WorkerOptions {
  /** Tasks run at once (default 1). */
  concurrency?: number;
  /** Queues served (default: every queue the app's tasks use). */
  queues?: readonly string[];
  /** Also run the schedules (`@Schedule`). */
  schedule?: boolean;
  /** Return once no task is ready instead of waiting for more. */
  burst?: boolean;
  /** Aborted to stop gracefully. */
  signal: AbortSignal;
}

/** What a worker needs of an app. */
export interface WorkerHost {
  readonly container: { get<T>(token: abstract new (...args: never[]) => T): T };
  readonly settings: Readonly<{ shutdownTimeout: number; tasksBackend: string }>;
  readonly logger: Logger;
}

export async function runWorker(app: WorkerHost, options: WorkerOptions): Promise<void> {
  const queue = app.container.get(TaskQueue);
  const known = [...new Set([...queue.tasks.values()].map((task) => task.queue))];
  const queues = options.queues ?? known;
  const unknown = queues.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new ImproperlyConfigured(
      'TASK_INVALID',
      `No task of the app uses the queue(s) ${unknown.join(', ')} (its queues: ${known.join(', ') || 'none'})`,
    );
  if (options.burst && options.schedule)
    throw new ImproperlyConfigured(
      'TASK_INVALID',
      'A burst worker ends when the queue is empty; run the schedules in a worker without burst',
    );
  const concurrency = options.concurrency ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1)
    throw new ImproperlyConfigured(
      'TASK_INVALID',
      `The worker's concurrency is a whole number of 1 or more (got ${concurrency})`,
    );
  const scheduler = options.schedule ? new Scheduler(queue, app.logger) : undefined;
  app.logger.info(
    `Worker: ${app.settings.tasksBackend} backend, queues ${queues.join(', ') || 'none'}, concurrency ${concurrency}${scheduler ? `, ${scheduler.size} schedule(s)` : ''}`,
  );
  await Promise.all([
    queue.work({
      concurrency,
      queues,
      signal: options.signal,
      grace: app.settings.shutdownTimeout,
      burst: options.burst ?? false,
    }),
    scheduler?.run(options.signal),
  ]);
}
