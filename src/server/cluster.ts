/**
 * Multi-core serving with node:cluster. The primary forks N workers that each run the
 * same program (and so build the app and listen on the shared port); a worker that dies
 * is replaced after a back-off that grows while workers keep crashing; SIGTERM/SIGINT to
 * the primary drains every worker gracefully (each runs its own graceful shutdown).
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { Logger } from '../kernel/logger';
import type { ServerHandle } from './node-server';

export interface ClusterOptions {
  workers: number | 'auto';
  logger: Logger;
  /** ms the workers get to drain before they are killed. */
  shutdownTimeout: number;
  handleSignals: boolean;
}

/** True in a worker forked by a Rondo primary. */
export function isWorker(): boolean {
  return cluster.isWorker;
}

export function workerCount(workers: number | 'auto'): number {
  const count = workers === 'auto' ? availableParallelism() : workers;
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    throw new ImproperlyConfigured('LISTEN_WORKERS', `listen({ workers }) must be 'auto' or a whole number from 1 to 256; got ${String(workers)}`);
  }
  return count;
}

/** Runs in the primary: forks and supervises the workers; resolves once one listens. */
export function superviseWorkers(options: ClusterOptions): Promise<ServerHandle> {
  const count = workerCount(options.workers);
  const { logger } = options;
  let stopping = false;
  let delay = 100;
  const started = new Map<Worker, number>();
  const fork = () => started.set(cluster.fork(), Date.now());

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker) ?? Date.now());
    started.delete(worker);
    if (stopping) return;
    delay = lived > 10_000 ? 100 : Math.min(delay * 2, 10_000);
    logger.error(`Worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a replacement in ${delay} ms`);
    setTimeout(() => { if (!stopping) fork(); }, delay).unref();
  });

  const stop = (): Promise<boolean> => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    return new Promise((resolve) => {
      let clean = true;
      let left = workers.length;
      if (left === 0) resolve(true);
      const deadline = setTimeout(() => {
        logger.error(`Workers still running after ${options.shutdownTimeout} ms: killing them`);
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
  };

  if (options.handleSignals) {
    const handler = (signal: string) => {
      if (stopping) return;
      logger.info(`${signal} received: draining ${count} workers`);
      void stop().then((clean) => process.exit(clean ? 0 : 1));
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
  }

  return new Promise((resolve) => {
    let listening = 0;
    const onListening = (_worker: Worker, address: { address: string | null; port: number }) => {
      if (++listening < count) return; // resolve once every first-generation worker serves
      cluster.off('listening', onListening);
      const host = address.address ?? '127.0.0.1';
      const port = address.port;
      resolve({ port, host, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, close: () => stop().then(() => undefined) });
    };
    cluster.on('listening', onListening);
    for (let i = 0; i < count; i++) fork();
  });
}
