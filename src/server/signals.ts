/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, let in-flight requests finish,
 * close idle keep-alive sockets, run shutdown hooks, exit 0. Exit 1 when connections had
 * to be cut at shutdownTimeout or a hook failed; exit 1 at once on a second signal, or
 * when the whole shutdown (hooks included) is still not done at the second deadline.
 * The handlers stay installed until the process exits, so a signal during the shutdown
 * never falls back to node's default (killed by the signal, nothing logged).
 */
import type { Logger } from '../observability/logger';

export interface ShutdownSignalOptions {
  /** ms after the first signal when the process exits 1 whatever is still running. */
  forceAfter: number;
  /** Signals that shut down; others in SIGTERM/SIGINT are ignored (cluster workers leave SIGINT to the primary). */
  signals?: ReadonlyArray<'SIGTERM' | 'SIGINT'>;
}

const ALL_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Installs the handlers; `shutdown` resolves true for a clean shutdown. Returns a function
 * that removes them (app.close() calls it, so tests and embedders keep their process).
 */
export function onShutdownSignal(
  shutdown: () => Promise<boolean>,
  logger: Logger,
  options: ShutdownSignalOptions,
): () => void {
  const handled = new Set(options.signals ?? ALL_SIGNALS);
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (!handled.has(signal as 'SIGTERM')) {
      logger.debug(`${signal} ignored: the cluster primary decides when workers stop`);
      return;
    }
    if (stopping) {
      logger.warn(`${signal} received again: exiting now with code 1`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal} received: finishing in-flight requests, then exiting`);
    // Not unref'd: a hook waiting on a promise that never settles must not let the process
    // drift to a silent exit 0 either.
    setTimeout(() => {
      logger.error(
        `Shutdown still not finished ${options.forceAfter} ms after ${signal} (2 × shutdownTimeout): exiting now with code 1`,
      );
      process.exit(1);
    }, options.forceAfter);
    shutdown().then(
      (clean) => {
        if (!clean) logger.error('Shutdown finished with errors (see above): exiting with code 1');
        process.exit(clean ? 0 : 1);
      },
      (error: unknown) => {
        logger.error('Shutdown failed: exiting with code 1', error);
        process.exit(1);
      },
    );
  };
  for (const signal of ALL_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of ALL_SIGNALS) process.off(signal, handler);
  };
}
