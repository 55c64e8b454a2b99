/**
 * Multi-core serving with node:cluster. The primary forks N workers that each run the
 * same program (and so build the app and listen on the shared port); a worker that dies
 * is replaced after a back-off that grows while workers keep crashing. A worker that exits
 * before it listens failed to start: at start-up that fails the cluster (WORKER_START_FAILED)
 * instead of restarting it forever, and later replacements give up after a few tries in a
 * row. `stop()` drains every worker (each runs its own graceful shutdown); the app runs the
 * primary's own shutdown hooks after it.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { ImproperlyConfigured, RondoError } from '../errors/rondo-error';
import type { Logger } from '../observability/logger';
import type { ServerHandle } from './node-server';

export interface ClusterOptions {
  workers: number | 'auto';
  logger: Logger;
  /** ms the workers get to drain before they are killed. */
  shutdownTimeout: number;
}

/** The primary's handle: `stop()` drains the workers and resolves true when all stopped cleanly. */
export interface ClusterHandle extends ServerHandle {
  stop(): Promise<boolean>;
}

/** Replacement workers that may fail to start in a row before the primary stops replacing them. */
const MAX_START_FAILURES = 5;

/** Set in the environment of workers forked by a Rondo primary. */
const WORKER_ENV = 'RONDO_CLUSTER_WORKER';

/** True in a worker process (forked by a Rondo primary or another cluster manager). */
export function isWorker(): boolean {
  return cluster.isWorker;
}

/** True in a worker forked by a Rondo primary, which decides when workers stop. */
export function isRondoWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_ENV] === '1';
}

export function workerCount(workers: number | 'auto'): number {
  const count = workers === 'auto' ? availableParallelism() : workers;
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    throw new ImproperlyConfigured(
      'LISTEN_WORKERS',
      `listen({ workers }) must be 'auto' or a whole number from 1 to 256; got ${String(workers)}`,
    );
  }
  return count;
}

function startFailed(worker: Worker, how: string): RondoError {
  return new RondoError(
    'WORKER_START_FAILED',
    `Worker ${worker.process.pid} exited (${how}) before it started listening, so the cluster failed to start. ` +
      'Its own error is in the output above (workers share this stderr): usually an exception while building the ' +
      'app or in an onStartup hook, or the port in use. Fix it and start again; Rondo does not restart workers that fail to start.',
  );
}

/** Runs in the primary: forks and supervises the workers; resolves once every first worker listens. */
export function superviseWorkers(options: ClusterOptions): Promise<ClusterHandle> {
  const count = workerCount(options.workers);
  const { logger } = options;
  let stopping = false;
  let stopped: Promise<boolean> | undefined;
  let delay = 100;
  let startFailures = 0;
  let failStart: ((error: RondoError) => void) | undefined;
  const started = new Map<Worker, number>();
  const listened = new WeakSet<Worker>();
  const fork = () => started.set(cluster.fork({ [WORKER_ENV]: '1' }), Date.now());
  const alive = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  const onListening = (worker: Worker) => {
    listened.add(worker);
    startFailures = 0;
  };
  const onExit = (worker: Worker, code: number | null, signal: string | null) => {
    const lived = Date.now() - (started.get(worker) ?? Date.now());
    started.delete(worker);
    if (stopping) return;
    const how = signal ?? `code ${code}`;
    if (!listened.has(worker)) {
      if (failStart !== undefined) return failStart(startFailed(worker, how));
      if (++startFailures >= MAX_START_FAILURES) {
        logger.error(
          `Worker ${worker.process.pid} exited (${how}) before listening: ${startFailures} replacement workers in a row failed to start, so no more are started (${alive().length} of ${count} running). Their errors are in the output above.`,
        );
        if (alive().length === 0) process.exitCode = 1;
        return;
      }
    }
    delay = lived > 10_000 ? 100 : Math.min(delay * 2, 10_000);
    logger.error(`Worker ${worker.process.pid} exited (${how}); starting a replacement in ${delay} ms`);
    setTimeout(() => {
      if (!stopping) fork();
    }, delay).unref();
  };
  cluster.on('listening', onListening);
  cluster.on('exit', onExit);

  const stop = (): Promise<boolean> => {
    stopping = true;
    stopped ??= drain(alive(), options).finally(() => {
      cluster.off('listening', onListening);
      cluster.off('exit', onExit);
    });
    return stopped;
  };

  return new Promise((resolve, reject) => {
    let listening = 0;
    failStart = (error) => {
      failStart = undefined;
      cluster.off('listening', onFirstListening);
      void stop().then(() => reject(error));
    };
    const onFirstListening = (_worker: Worker, address: { address: string | null; port: number }) => {
      if (++listening < count) return; // resolve once every first-generation worker serves
      cluster.off('listening', onFirstListening);
      failStart = undefined;
      const host = address.address ?? '127.0.0.1';
      const port = address.port;
      resolve({
        port,
        host,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        stop,
        close: () => stop().then(() => undefined),
      });
    };
    cluster.on('listening', onFirstListening);
    for (let i = 0; i < count; i++) fork();
  });
}

/** SIGTERM to every worker; resolves true when all exited cleanly before the deadline. */
function drain(workers: Worker[], options: ClusterOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let clean = true;
    let left = workers.length;
    if (left === 0) return resolve(true);
    const deadline = setTimeout(() => {
      options.logger.error(`Workers still running after ${options.shutdownTimeout} ms: killing them`);
      for (const w of workers) w.process.kill('SIGKILL');
      resolve(false);
    }, options.shutdownTimeout + 1000);
    for (const w of workers) {
      w.once('exit', (code, signal) => {
        // A worker still booting has no handler yet and dies of the SIGTERM itself: it had
        // nothing in flight, so that is a clean stop too.
        if (code !== 0 && !(code === null && signal === 'SIGTERM')) clean = false;
        if (--left === 0) {
          clearTimeout(deadline);
          resolve(clean);
        }
      });
      w.process.kill('SIGTERM');
    }
  });
}
