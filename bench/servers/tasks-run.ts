/**
 * One tasks measurement for `node bench/realtime.js --only tasks` (BACKEND=immediate |
 * database | redis | bullmq): 2,000 no-op tasks enqueued one after the other, then run
 * by a worker with concurrency 8 until the queue is empty, after a warm-up of 500 the
 * same way (so the JIT and the connections are warm in both). Prints one JSON line.
 * BACKEND=bullmq does the same with BullMQ's Queue and Worker directly (the peer).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type * as RondoApi from '../../dist/src/index';
import type * as DbApi from '../../dist/src/db/index';
import type * as TasksApi from '../../dist/src/tasks/index';

/* eslint-disable @typescript-eslint/no-require-imports */
const rondo = require('../../../dist/src/index.js') as typeof RondoApi;
const tasks = require('../../../dist/src/tasks/index.js') as typeof TasksApi;
const db = require('../../../dist/src/db/index.js') as typeof DbApi;
/* eslint-enable @typescript-eslint/no-require-imports */
const { Injectable, createApp, silentLogger } = rondo;
const { Task, TaskQueue, runWorker } = tasks;

const COUNT = 2000;
const WARM_UP = 500;
/**
 * What Rondo's redis backend asks of BullMQ, so the peer does the same work: its own job
 * id (the TaskResult's), attempts with exponential backoff (a task's retries), results
 * kept a week (at most 10,000).
 */
const KEEP = {
  priority: 101,
  attempts: 1,
  backoff: { type: 'exponential', delay: 1000 },
  delay: 0,
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
const CONCURRENCY = 8;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let ran = 0;
/** When the last task ran: the run phase ends there, not when the worker has noticed the queue is empty and closed. */
let lastRanAt = 0;

@Injectable()
class NoopTasks {
  @Task()
  async noop(n: number): Promise<number> {
    ran += 1;
    lastRanAt = performance.now();
    return n;
  }
}

async function bullmqAlone(prefix: string): Promise<{ enqueue: number; run: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Queue, Worker } = require('../../../node_modules/bullmq') as typeof import('bullmq');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Redis = (require('../../../node_modules/ioredis') as typeof import('ioredis')).default;
  const queue = new Queue('default', { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }), prefix });
  const measure = async (count: number) => {
    let started = performance.now();
    for (let i = 0; i < count; i++) await queue.add('NoopTasks.noop', { args: [i] }, { ...KEEP, jobId: randomUUID() });
    const enqueue = performance.now() - started;
    started = performance.now();
    let done = 0;
    await new Promise<void>((resolve) => {
      const worker = new Worker(
        'default',
        async (job) => {
          done += 1;
          lastRanAt = performance.now();
          return (job.data as { args: number[] }).args[0];
        },
        { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix, concurrency: CONCURRENCY },
      );
      worker.on('completed', () => {
        if (done === count) void worker.close().then(resolve);
      });
    });
    return { enqueue, run: lastRanAt - started };
  };
  await measure(WARM_UP);
  const { enqueue, run } = await measure(COUNT);
  await queue.obliterate({ force: true });
  await queue.close();
  return { enqueue, run };
}

async function freshPostgres(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const { DataSource } = await import('typeorm');
  const admin = new DataSource({ type: 'postgres', url });
  await admin.initialize();
  const name = `rondo_bench_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

async function rondoBackend(backend: string, prefix: string): Promise<{ enqueue: number; run: number }> {
  let database = process.env.DATABASE_URL ?? 'sqlite::memory:';
  let drop: () => Promise<void> = async () => undefined;
  if (database.startsWith('postgres')) ({ url: database, drop } = await freshPostgres(database));
  const app = await createApp({
    providers: [NoopTasks],
    logger: silentLogger,
    settings: {
      tasksBackend: backend as 'immediate',
      database,
      redisUrl: REDIS_URL,
      cacheKeyPrefix: prefix,
      tasksPollInterval: 50,
      secretKey: 'bench-secret-key-0123456789-abcdefghijklmnop',
    },
  });
  try {
    if (backend === 'database') await app.container.get<DbApi.Database>(db.DATABASE).migrate();
    const queue = app.container.get(TaskQueue);
    const measure = async (count: number) => {
      let started = performance.now();
      for (let i = 0; i < count; i++) await queue.enqueue(NoopTasks, 'noop', [i]);
      const enqueue = performance.now() - started;
      started = performance.now();
      if (backend !== 'immediate')
        await runWorker(app, { concurrency: CONCURRENCY, burst: true, signal: new AbortController().signal });
      return { enqueue, run: backend === 'immediate' ? enqueue : lastRanAt - started };
    };
    await measure(WARM_UP);
    const measured = await measure(COUNT);
    if (ran !== WARM_UP + COUNT) throw new Error(`ran ${ran} tasks of ${WARM_UP + COUNT}`);
    return measured;
  } finally {
    await app.close();
    await drop();
  }
}

async function main(): Promise<void> {
  const backend = process.env.BACKEND ?? 'immediate';
  const prefix = `rondo-bench-${process.pid}`;
  const { enqueue, run } = backend === 'bullmq' ? await bullmqAlone(prefix) : await rondoBackend(backend, prefix);
  if (backend === 'redis') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Redis = (require('../../../node_modules/ioredis') as typeof import('ioredis')).default;
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  process.stdout.write(
    `${JSON.stringify({ enqueuePerSecond: (COUNT * 1000) / enqueue, runPerSecond: (COUNT * 1000) / run })}\n`,
  );
  process.exit(0);
}

void main();
