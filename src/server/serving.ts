/**
 * Serving one app: its listening servers (node:http), the worker cluster it supervises in
 * a primary process, the shutdown signals, and the graceful stop that drains them all
 * before the app's own shutdown hooks run. App delegates `listen()` and `close()` here.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { Logger } from '../observability/logger';
import type { AppStatus } from './app-status';
import { isRondoWorker, isWorker, superviseWorkers, type ClusterHandle } from './cluster';
import {
  startServer,
  type ListenOptions,
  type RunningServer,
  type ServedApp,
  type ServerHandle,
  type ServerLimits,
} from './node-server';
import { onShutdownSignal } from './signals';

export interface ServingOptions {
  app: ServedApp;
  limits: ServerLimits;
  /** The host rule listen() checks: with debug off, allowedHosts must name the site. */
  hosts: { debug: boolean; allowedHosts: readonly string[] };
  logger: Logger;
  /** Marked shutting down when a stop begins (readiness answers 503 from then on). */
  status: AppStatus;
  /** The app's onShutdown hooks, run after every server drained; false when one failed. */
  afterDrain(): Promise<boolean>;
}

export class Serving {
  private readonly servers = new Set<RunningServer>();
  /** Worker clusters this app supervises (in the primary process). */
  private readonly clusters = new Set<ClusterHandle>();
  private removeSignalHandlers: (() => void) | undefined;

  constructor(private readonly options: ServingOptions) {}

  /** Starts an HTTP server, or a cluster of workers with `{ workers }`. */
  async listen(options: ListenOptions = {}): Promise<ServerHandle> {
    const { limits, logger, hosts } = this.options;
    if (!hosts.debug && hosts.allowedHosts.length === 0) {
      throw new ImproperlyConfigured(
        'ALLOWED_HOSTS_EMPTY',
        "settings.allowedHosts is empty and debug is off, so every request would be a 400 (DisallowedHost). List the host names the site serves (allowedHosts: ['example.com', 'localhost'], or RONDO_ALLOWED_HOSTS=example.com), or turn debug on for local development (it then allows localhost, 127.0.0.1 and [::1])",
      );
    }
    const handleSignals = options.handleSignals ?? true;
    if (options.workers !== undefined && !isWorker()) {
      const workers = await superviseWorkers({
        workers: options.workers,
        logger,
        shutdownTimeout: limits.shutdownTimeout,
      });
      this.clusters.add(workers);
      if (handleSignals) this.handleSignals();
      return workers;
    }
    // Handlers go in before the socket listens: a cluster primary learns that a worker
    // listens (and may send it SIGTERM) before the worker's listen() resolves here.
    const installed = handleSignals && this.removeSignalHandlers === undefined;
    if (handleSignals) this.handleSignals();
    let server: RunningServer;
    try {
      server = await startServer(this.options.app, limits, options);
    } catch (error) {
      if (installed) this.removeHandlers();
      throw error;
    }
    this.servers.add(server);
    server.server.once('close', () => this.servers.delete(server));
    return server;
  }

  /** Stops serving (signal handlers removed), then runs the app's shutdown hooks. */
  async close(): Promise<void> {
    this.removeHandlers();
    await this.stop();
  }

  /**
   * Drains workers and connections, then the hooks; true when every one finished in time
   * and every hook succeeded. The signal handlers stay (they exit the process).
   */
  private async stop(): Promise<boolean> {
    this.options.status.shuttingDown = true;
    const servers = [...this.servers];
    const drained = await Promise.all([...this.clusters].map((c) => c.stop()));
    await Promise.all(servers.map((s) => s.close()));
    const hooksClean = await this.options.afterDrain();
    return hooksClean && drained.every(Boolean) && servers.every((server) => !server.forced);
  }

  private handleSignals(): void {
    if (this.removeSignalHandlers !== undefined) return;
    this.removeSignalHandlers = onShutdownSignal(() => this.stop(), this.options.logger, {
      forceAfter: 2 * this.options.limits.shutdownTimeout,
      // Ctrl+C reaches every process of the group: a Rondo worker leaves it to its primary,
      // whose SIGTERM it then handles as the first signal, not as a second one.
      signals: isRondoWorker() ? ['SIGTERM'] : ['SIGTERM', 'SIGINT'],
    });
  }

  private removeHandlers(): void {
    this.removeSignalHandlers?.();
    this.removeSignalHandlers = undefined;
  }
}
