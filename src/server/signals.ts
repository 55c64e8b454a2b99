/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, let in-flight requests finish,
 * close idle keep-alive sockets, run shutdown hooks, exit 0; past the deadline the
 * remaining connections are cut and the process exits 1. A second signal exits at once.
 */
import type { Logger } from '../kernel/logger';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Installs the handlers; `shutdown` resolves true for a clean shutdown. Returns a function
 * that removes them (app.close() calls it, so tests and embedders keep their process).
 */
export function onShutdownSignal(shutdown: () => Promise<boolean>, logger: Logger): () => void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} received again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal} received: finishing in-flight requests, then exiting`);
    shutdown().then(
      (clean) => process.exit(clean ? 0 : 1),
      (error: unknown) => {
        logger.error('Shutdown failed', error);
        process.exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}
