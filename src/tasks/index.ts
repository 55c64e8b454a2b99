/**
 * `rondo/tasks`: background tasks and schedules (Django 6's Tasks framework, typed).
 *
 * ```ts
 * import { Schedule, Task, TaskQueue } from 'rondo/tasks';
 *
 * `@Injectable()`
 * export class DigestTasks {
 *   `@Task({ retries: 3 })` async send(email: string) { ... }
 *   `@Schedule('0 3 * * *')` `@Task()` async nightly() { ... }
 * }
 * const result = await queue.enqueue(DigestTasks, 'send', ['ann@example.com']);
 * ```
 *
 * settings.tasksBackend picks where tasks wait: 'immediate' (run at enqueue), 'database'
 * or 'redis'; `rondo worker` runs them.
 */
import 'reflect-metadata';

export { Schedule, Task, type ScheduleOptions, type TaskInfo, type TaskOptions } from './task';
export { TaskQueue, TaskResult, TaskInvalid, type EnqueueOptions, type TaskArgs, type TaskReturn } from './task-queue';
export { TaskBackendUnavailable, type TaskStatus } from './backend';
export { runWorker, type WorkerHost, type WorkerOptions } from './worker';
