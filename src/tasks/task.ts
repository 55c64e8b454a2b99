/**
 * Background tasks (Django 6's Tasks framework, typed): `@Task()` on a method of an
 * injectable class makes it a task; `queue.enqueue(MailTasks, 'send', [to])` stores a call
 * of it, and a worker (`rondo worker`) builds the class with the app's container and runs
 * the method. `@Schedule('0 3 * * *')` on a task also runs it at each tick of a cron
 * expression. The decorators only record; the app reads them at start-up.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import { INJECTABLE_KEY, type Class } from '../metadata/keys';
import { parseCron } from './cron';

const TASKS_KEY = Symbol.for('rondo:tasks');

export interface TaskOptions {
  /** Stored name (default `Class.method`): keep it when renaming, so queued calls still run. */
  name?: string;
  /** -100 (last) to 100 (first); default 0. */
  priority?: number;
  /** Which queue it goes to (a worker may serve some queues only); default 'default'. */
  queue?: string;
  /** Runs again this many times after a failure (default 0). */
  retries?: number;
  /** ms before the first retry, doubled at each next one (default 1 000). */
  backoff?: number;
}

export interface ScheduleOptions {
  /** IANA time zone of the expression (default UTC). */
  timezone?: string;
}

export interface TaskInfo extends Required<Omit<TaskOptions, 'name'>> {
  name: string;
  cls: Class;
  method: string;
  /** `@Schedule`'s cron expression, if any. */
  cron?: string;
  timezone?: string;
}

type TaskMeta = Map<string, { task?: TaskOptions; cron?: string; timezone?: string }>;

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function metaOf(target: object): TaskMeta {
  const own = Reflect.getOwnMetadata(TASKS_KEY, target) as TaskMeta | undefined;
  if (own !== undefined) return own;
  const created: TaskMeta = new Map();
  Reflect.defineMetadata(TASKS_KEY, created, target);
  return created;
}

/**
 * Makes a method a task. Its class is a service (built by the app's container, with its
 * dependencies); its arguments and result must be JSON values (checked at enqueue).
 *
 * @example
 * @Injectable()
 * export class DigestTasks {
 *   constructor(private readonly blog: BlogService, private readonly mailer: Mailer) {}
 *   @Task({ retries: 3 })
 *   async send(email: string) { ... }
 * }
 */
export function Task(options: TaskOptions = {}): MethodDecorator {
  return (target, key) => {
    const cls = target.constructor as Class;
    const where = `@Task() on ${cls.name}.${String(key)}`;
    const priority = options.priority ?? 0;
    if (!Number.isInteger(priority) || priority < -100 || priority > 100)
      throw new ImproperlyConfigured('TASK_INVALID', `${where}: priority is a whole number from -100 to 100`);
    if (options.queue !== undefined && !QUEUE_NAME.test(options.queue))
      throw new ImproperlyConfigured('TASK_INVALID', `${where}: queue is 1 to 64 letters, digits, '-' or '_'`);
    for (const field of ['retries', 'backoff'] as const) {
      const value = options[field];
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 0))
        throw new ImproperlyConfigured('TASK_INVALID', `${where}: ${field} is a whole number of 0 or more`);
    }
    const meta = metaOf(target);
    meta.set(String(key), { ...meta.get(String(key)), task: options });
    if (!Reflect.hasOwnMetadata(INJECTABLE_KEY, cls))
      Reflect.defineMetadata(INJECTABLE_KEY, { scope: 'singleton' }, cls);
  };
}

/**
 * Runs a task at each tick of a cron expression (five fields, or six with seconds), once
 * per tick however many schedulers run (`rondo worker --schedule`). The task takes no arguments.
 *
 * @example
 * @Schedule('0 3 * * *')
 * @Task()
 * async pruneSessions() { ... }
 */
export function Schedule(cron: string, options: ScheduleOptions = {}): MethodDecorator {
  return (target, key) => {
    const meta = metaOf(target);
    meta.set(String(key), { ...meta.get(String(key)), cron, timezone: options.timezone });
  };
}

/** The tasks of `classes` by name; a name used twice, or a `@Schedule` without `@Task`, fails start-up. */
export function taskTable(classes: readonly Function[]): Map<string, TaskInfo> {
  const table = new Map<string, TaskInfo>();
  for (const cls of new Set(classes)) {
    const meta = Reflect.getOwnMetadata(TASKS_KEY, cls.prototype as object) as TaskMeta | undefined;
    if (meta === undefined) continue;
    for (const [method, { task: options, cron, timezone }] of meta) {
      if (options === undefined)
        throw new ImproperlyConfigured(
          'TASK_INVALID',
          `@Schedule on ${cls.name}.${method} needs @Task() on the same method too (the schedule enqueues the task)`,
        );
      const name = options.name ?? `${cls.name}.${method}`;
      if (cron !== undefined) parseCron(cron, timezone, `${cls.name}.${method}`);
      const clash = table.get(name);
      if (clash !== undefined)
        throw new ImproperlyConfigured(
          'TASK_INVALID',
          `Two tasks are named '${name}': ${clash.cls.name}.${clash.method} and ${cls.name}.${method}; give one a name ({ name: '...' })`,
        );
      table.set(name, {
        name,
        cls: cls as Class,
        method,
        priority: options.priority ?? 0,
        queue: options.queue ?? 'default',
        retries: options.retries ?? 0,
        backoff: options.backoff ?? 1000,
        cron,
        timezone,
      });
    }
  }
  return table;
}
