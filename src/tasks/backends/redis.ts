/**
 * The redis backend, through BullMQ (loaded only for `tasksBackend: 'redis'`): one BullMQ
 * queue per task queue, under settings.cacheKeyPrefix. BullMQ keeps the order (priority,
 * then age), the delays and the retries with exponential backoff; a worker holds each job
 * under a lock it renews, and a job whose worker died (its lock expired) goes back to the
 * queue for another worker.
 */
import type { Job, Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import {
  pause,
  TaskBackendUnavailable,
  TaskFailed,
  type TaskBackend,
  type TaskRecord,
  type TaskStatus,
  type WorkOptions,
} from '../backend';

export interface RedisBackendOptions {
  url: string;
  prefix: string;
  /** ms a job stays locked without a renewal (settings.tasksLease). */
  lease: number;
  /** ms a finished job stays readable (settings.tasksResultRetention). */
  retention: number;
  /** Every queue the app's tasks use (where `get` looks for an id). */
  queues: readonly string[];
}

interface JobData {
  args: unknown[];
  priority: number;
  maxAttempts: number;
  backoff: number;
  runAfter: number;
}

const STATUS: Record<string, TaskStatus> = {
  active: 'running',
  completed: 'successful',
  failed: 'failed',
};

function recordOf(job: Job<JobData>, status: TaskStatus, queue: string): TaskRecord {
  return {
    id: String(job.id),
    task: job.name,
    queue,
    priority: job.data.priority,
    args: job.data.args,
    status,
    attempts: job.attemptsStarted ?? job.attemptsMade,
    maxAttempts: job.data.maxAttempts,
    backoff: job.data.backoff,
    runAfter: job.data.runAfter,
    enqueuedAt: job.timestamp,
    startedAt: job.processedOn,
    finishedAt: status === 'successful' || status === 'failed' ? job.finishedOn : undefined,
    result: status === 'successful' ? (job.returnvalue as unknown) : undefined,
    error: job.failedReason || undefined,
  };
}

/** BullMQ's `priority`: 1 is the most urgent; Rondo's 100 is. */
const bullPriority = (priority: number) => 101 - priority;

export class RedisBackend implements TaskBackend {
  readonly name = 'redis';
  private readonly queues = new Map<string, Queue<JobData>>();
  private readonly connections: Redis[] = [];
  private producer: Redis | undefined;

  constructor(private readonly options: RedisBackendOptions) {}

  async enqueue(record: TaskRecord): Promise<TaskRecord> {
    const data: JobData = {
      args: record.args,
      priority: record.priority,
      maxAttempts: record.maxAttempts,
      backoff: record.backoff,
      runAfter: record.runAfter,
    };
    await this.guard(() =>
      this.queue(record.queue).add(record.task, data, {
        jobId: record.id,
        priority: bullPriority(record.priority),
        delay: Math.max(0, record.runAfter - Date.now()),
        attempts: record.maxAttempts,
        backoff: { type: 'exponential', delay: record.backoff },
        // Results stay readable for settings.tasksResultRetention (at most 10 000 per queue).
        removeOnComplete: { age: Math.ceil(this.options.retention / 1000), count: 10_000 },
        removeOnFail: { age: Math.ceil(this.options.retention / 1000), count: 10_000 },
      }),
    );
    return record;
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    for (const name of this.options.queues) {
      const queue = this.queue(name);
      const job = await this.guard(() => queue.getJob(id));
      if (job === undefined || job === null) continue;
      const state = await this.guard(() => job.getState());
      return recordOf(job, STATUS[state] ?? 'ready', name);
    }
    return undefined;
  }

  async work(options: WorkOptions): Promise<void> {
    const { Worker: WorkerClass } = require('bullmq') as typeof import('bullmq');
    const workers: Worker<JobData>[] = options.queues.map(
      (name) =>
        new WorkerClass<JobData>(
          name,
          async (job) => {
            const outcome = await options.execute(recordOf(job, 'running', name));
            if (!outcome.ok) throw new TaskFailed(outcome.error);
            return outcome.result;
          },
          {
            connection: this.connection(),
            prefix: this.options.prefix,
            concurrency: options.concurrency,
            lockDuration: this.options.lease,
            stalledInterval: this.options.lease,
          },
        ),
    );
    /** Jobs this worker failed that BullMQ will retry: a burst worker stays for them. */
    const retrying = new Map<string, string>();
    for (const worker of workers) {
      worker.on('error', (error) => options.logger.error('The BullMQ worker reported an error', error));
      worker.on('failed', (job) => {
        if (job?.id !== undefined && job.attemptsMade < (job.opts.attempts ?? 1)) retrying.set(job.id, job.queueName);
      });
    }
    if (options.burst) {
      while (!options.signal.aborted && (await this.busy(options.queues, retrying))) await pause(100, options.signal);
    } else {
      await pause(2 ** 31 - 1, options.signal);
    }
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      Promise.all(workers.map((worker) => worker.close())).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), options.grace))),
    ]);
    clearTimeout(timer);
    if (!closed) {
      options.logger.warn(
        `Tasks still running after ${options.grace} ms; their locks lapse and another worker runs them again`,
      );
      await Promise.all(workers.map((worker) => worker.close(true)));
    }
  }

  async claimTick(name: string, tick: number): Promise<boolean> {
    const key = `${this.options.prefix}:tick:${name}:${tick}`;
    const answer = await this.guard(() => this.client().set(key, '1', 'PX', 7 * 24 * 3_600_000, 'NX'));
    return answer === 'OK';
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    for (const connection of this.connections) connection.disconnect();
  }

  /** True while a queue still has jobs ready or running, or one of `retrying` waits for its retry (burst mode). */
  private async busy(names: readonly string[], retrying: Map<string, string>): Promise<boolean> {
    for (const name of names) {
      const counts = await this.queue(name).getJobCounts('wait', 'prioritized', 'active');
      if (Object.values(counts).some((count) => count > 0)) return true;
    }
    for (const [id, name] of retrying) {
      const state = await this.queue(name).getJobState(id);
      if (state === 'delayed' || state === 'waiting' || state === 'prioritized' || state === 'active') return true;
      retrying.delete(id);
    }
    return false;
  }

  private queue(name: string): Queue<JobData> {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      const { Queue: QueueClass } = require('bullmq') as typeof import('bullmq');
      queue = new QueueClass<JobData>(name, { connection: this.client(), prefix: this.options.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** The connection for queueing and reading: a command fails after one retry instead of waiting for Redis. */
  private client(): Redis {
    this.producer ??= this.connection(1);
    return this.producer;
  }

  /** A new connection: BullMQ's workers block on theirs (and wait out an outage), so each gets its own. */
  private connection(maxRetriesPerRequest: number | null = null): Redis {
    const RedisClient = (require('ioredis') as typeof import('ioredis')).default;
    const connection = new RedisClient(this.options.url, { maxRetriesPerRequest });
    this.connections.push(connection);
    return connection;
  }

  private async guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw new TaskBackendUnavailable('redis', error);
    }
  }
}
