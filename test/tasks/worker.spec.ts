import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type App } from 'rondo';
import { DATABASE, type Database } from 'rondo/db';
import { TaskQueue, runWorker } from 'rondo/tasks';
import { DemoTasks, tasksApp } from '../fixtures/tasks-app';
import { REDIS_URL, freshPostgresOrSkip, requireService } from '../fixtures/services';

const CLI = resolve(__dirname, '../../src/cli/main.js');
const APP = resolve(__dirname, '../fixtures/tasks-app.js');

interface Worker {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `rondo worker` in a child process on the fixture app. */
function startWorker(env: Record<string, string>, args: string[] = []): Worker {
  const child = spawn(process.execPath, [CLI, 'worker', '--app', APP, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { process: child, output: () => output, exited };
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

interface Backend {
  label: string;
  settings(this: Mocha.Context): Promise<{ env: Record<string, string>; drop: () => Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    label: 'database on SQLite',
    async settings() {
      const dir = mkdtempSync(join(tmpdir(), 'rondo-tasks-'));
      return {
        env: { RONDO_TASKS_BACKEND: 'database', DATABASE_URL: `sqlite:${join(dir, 'tasks.sqlite3')}` },
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    label: 'database on PostgreSQL',
    async settings() {
      const { url, drop } = await freshPostgresOrSkip(this);
      return { env: { RONDO_TASKS_BACKEND: 'database', DATABASE_URL: url }, drop };
    },
  },
  {
    label: 'redis (BullMQ)',
    async settings() {
      await requireService(this, 'Redis', REDIS_URL);
      const prefix = `rondo-test-${process.pid}-${Date.now()}`;
      return {
        env: { RONDO_TASKS_BACKEND: 'redis', REDIS_URL, RONDO_CACHE_KEY_PREFIX: prefix },
        drop: async () => {
          const { Redis } = await import('ioredis');
          const redis = new Redis(REDIS_URL);
          const keys = await redis.keys(`${prefix}:*`);
          if (keys.length > 0) await redis.del(...keys);
          redis.disconnect();
        },
      };
    },
  },
];

for (const backend of BACKENDS) {
  describe(`Tasks through the ${backend.label} backend`, function () {
    this.timeout(60_000);
    let env: Record<string, string>;
    let drop: () => Promise<void>;
    let dir: string;
    let app: App;
    let queue: TaskQueue;
    const saved = { ...process.env };

    before(async function () {
      ({ env, drop } = await backend.settings.call(this));
      // Short leases and polls, so a dead worker's task comes back in a second.
      env = { ...env, RONDO_TASKS_LEASE: '600', RONDO_TASKS_POLL_INTERVAL: '50' };
      Object.assign(process.env, env);
      app = await tasksApp();
      if (env.RONDO_TASKS_BACKEND === 'database') await app.container.get<Database>(DATABASE).migrate();
      queue = app.container.get(TaskQueue);
    });
    after(async () => {
      process.env = saved;
      await app?.close();
      await drop?.();
    });
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'rondo-runs-'));
      process.env.RUNS_FILE = join(dir, 'runs'); // where this process's runs are counted
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** This process as a worker until the queue is empty. */
    const burst = (concurrency = 1) =>
      runWorker(app, { concurrency, burst: true, signal: new AbortController().signal });

    it('queues a task (ready), and a worker runs it with its dependencies and stores the result', async () => {
      const result = await queue.enqueue(DemoTasks, 'greet', ['Ann']);
      expect(result.status).to.equal('ready');
      expect(result.attempts).to.equal(0);
      await burst();
      await result.refresh();
      expect(result.status).to.equal('successful');
      expect(result.result).to.equal('Hello, Ann');
      expect(result.attempts).to.equal(1);
      expect(lines(join(dir, 'runs'))).to.deep.equal(['greet Ann']);
    });

    it('retries a failing task after its backoff, then succeeds', async () => {
      const started = Date.now();
      const result = await queue.enqueue(DemoTasks, 'flaky', [`${backend.label}-retry`, 2]);
      await burst();
      await result.refresh();
      expect(result.status, result.error).to.equal('successful');
      expect(result.result).to.equal(3);
      expect(result.attempts).to.equal(3);
      // Backoff 50 ms, then 100 ms: the third attempt cannot start before 150 ms.
      expect(Date.now() - started).to.be.at.least(150);
    });

    it('fails a task for good once its retries are spent, with the error', async () => {
      const result = await queue.enqueue(DemoTasks, 'broken', []);
      await burst();
      await result.refresh();
      expect(result.status).to.equal('failed');
      expect(result.attempts).to.equal(2);
      expect(result.error).to.include('always broken');
    });

    it('runs the more urgent task first, and a delayed one only after runAfter', async () => {
      const delayed = await queue.enqueue(DemoTasks, 'count', ['later'], { runAfter: 60_000 });
      await queue.enqueue(DemoTasks, 'count', ['plain']);
      await queue.enqueue(DemoTasks, 'urgent', ['first']);
      await burst();
      expect(lines(join(dir, 'runs'))).to.deep.equal(['urgent first', 'count plain']);
      expect((await delayed.refresh()).status).to.equal('ready');
    });

    if (backend.label.startsWith('database'))
      it('deletes finished tasks older than tasksResultRetention (a week), keeping newer and waiting ones', async () => {
        const old = await queue.enqueue(DemoTasks, 'greet', ['Old']);
        const recent = await queue.enqueue(DemoTasks, 'greet', ['Recent']);
        await burst();
        const eightDaysAgo = Date.now() - 8 * 24 * 3_600_000;
        const database = app.container.get<Database>(DATABASE);
        const placeholder = env.DATABASE_URL.startsWith('sqlite:') ? '?' : '$1';
        await database.manager.query(
          `UPDATE "rondo_task" SET "finishedAt" = ${eightDaysAgo} WHERE "id" = ${placeholder}`,
          [old.id],
        );
        const waiting = await queue.enqueue(DemoTasks, 'count', ['later'], { runAfter: 60_000 });
        await burst(); // a worker deletes at its start
        expect(await queue.result(old.id)).to.equal(undefined);
        expect((await queue.result(recent.id))?.result).to.equal('Hello, Recent');
        expect((await queue.result(waiting.id))?.status).to.equal('ready');
      });

    it('reads an unknown id as undefined', async () => {
      expect(await queue.result('00000000-0000-4000-8000-000000000000')).to.equal(undefined);
    });

    it('runs a task again when its worker is killed (SIGKILL) mid-task', async () => {
      const runs = join(dir, 'runs');
      const result = await queue.enqueue(DemoTasks, 'slow', ['killed', 1500]);
      const first = startWorker({ ...env, RUNS_FILE: runs });
      await until(() => lines(runs).length === 1, 'the first worker to start the task');
      first.process.kill('SIGKILL');
      await first.exited;
      // Once the lease (600 ms) lapses, another worker claims the task again.
      const second = startWorker({ ...env, RUNS_FILE: runs });
      await until(() => lines(runs).some((line) => line.startsWith('end killed')), 'the second worker to finish it');
      second.process.kill('SIGTERM');
      expect(await second.exited, second.output()).to.equal(0);
      const log = lines(runs);
      expect(log.filter((line) => line.startsWith('start killed'))).to.have.length(2);
      expect(log.filter((line) => line.startsWith('end killed'))).to.have.length(1);
      await result.refresh();
      expect(result.status).to.equal('successful');
      expect(result.result).to.equal('done killed');
    });

    it('finishes the running task on SIGTERM, then exits 0', async () => {
      const runs = join(dir, 'runs');
      const result = await queue.enqueue(DemoTasks, 'slow', ['graceful', 700]);
      const worker = startWorker({ ...env, RUNS_FILE: runs });
      await until(() => lines(runs).length === 1, 'the worker to start the task');
      worker.process.kill('SIGTERM');
      expect(await worker.exited, worker.output()).to.equal(0);
      expect(worker.output()).to.include('SIGTERM: finishing the running tasks');
      expect(lines(runs).map((line) => line.split(' ').slice(0, 2).join(' '))).to.deep.equal([
        'start graceful',
        'end graceful',
      ]);
      expect((await result.refresh()).status).to.equal('successful');
    });

    it('never runs one task twice with two workers (300 tasks, concurrency 4 each)', async function () {
      const runs = join(dir, 'runs');
      const ids = Array.from({ length: 300 }, (_, i) => `t${i}`);
      for (const id of ids) await queue.enqueue(DemoTasks, 'count', [id]);
      const workers = [0, 1].map(() => startWorker({ ...env, RUNS_FILE: runs }, ['--burst', '--concurrency', '4']));
      const codes = await Promise.all(workers.map((worker) => worker.exited));
      expect(codes, workers.map((worker) => worker.output()).join('\n')).to.deep.equal([0, 0]);
      const ran = lines(runs).map((line) => line.split(' ')[1]);
      expect(ran).to.have.length(300);
      expect(new Set(ran).size).to.equal(300);
    });

    it('enqueues a schedule once per tick across two schedulers', async function () {
      const runs = join(dir, 'runs');
      const schedulers = [0, 1].map(() => startWorker({ ...env, RUNS_FILE: runs }, ['--schedule']));
      await until(() => lines(runs).length >= 3, 'three ticks', 20_000);
      for (const scheduler of schedulers) scheduler.process.kill('SIGTERM');
      await Promise.all(schedulers.map((scheduler) => scheduler.exited));
      const seconds = lines(runs).map((line) => line.split(' ')[1]);
      expect(new Set(seconds).size, lines(runs).join('\n')).to.equal(seconds.length);
    });
  });
}

describe('rondo worker', () => {
  it('refuses a queue no task uses, naming the queues there are', async () => {
    const worker = startWorker({ RONDO_TASKS_BACKEND: 'immediate' }, ['--queue', 'nope']);
    expect(await worker.exited).to.equal(1);
    expect(worker.output()).to.match(/No task of the app uses the queue\(s\) nope \(its queues: default, other\)/);
  });

  it('refuses --burst with --schedule and a concurrency that is not a whole number', async () => {
    for (const args of [
      ['--burst', '--schedule'],
      ['--concurrency', 'many'],
    ]) {
      const worker = startWorker({}, args);
      expect(await worker.exited).to.equal(2);
      expect(worker.output()).to.match(
        /--burst and --schedule do not go together|--concurrency must be a whole number/,
      );
    }
  });
});
