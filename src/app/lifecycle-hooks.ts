/**
 * The `onStartup()` / `onShutdown()` hooks of an app's singletons (services, middleware,
 * controllers), collected from the container at each build. Shutdown runs in reverse
 * order; a failing hook is logged by name and the others still run.
 */
import type { AppContainer } from '../di/container-builder';
import type { Logger } from '../observability/logger';

interface Hook {
  name: string;
  run(): unknown;
}

export class LifecycleHooks {
  private startupHooks: Hook[] = [];
  private shutdownHooks: Hook[] = [];

  collect(container: AppContainer): void {
    const withHook = (hook: 'onStartup' | 'onShutdown'): Hook[] =>
      container.singletonsWith(hook).map((token) => ({
        name: typeof token === 'function' ? token.name : String(token),
        run: () => (container.get(token) as Record<string, () => unknown>)[hook](),
      }));
    this.startupHooks = withHook('onStartup');
    this.shutdownHooks = withHook('onShutdown').reverse();
  }

  /** Runs the startup hooks in order; the first failure rejects (createApp fails with it). */
  async startup(): Promise<void> {
    for (const hook of this.startupHooks) await hook.run();
  }

  /** Runs every shutdown hook; false when one failed (a signal-driven exit is then 1). */
  async shutdown(logger: Logger): Promise<boolean> {
    let clean = true;
    for (const hook of this.shutdownHooks) {
      try {
        await hook.run();
      } catch (error) {
        clean = false;
        logger.error(
          `${hook.name}.onShutdown() failed; the other hooks still run, and a signal-driven shutdown exits with code 1`,
          error,
        );
      }
    }
    return clean;
  }
}
