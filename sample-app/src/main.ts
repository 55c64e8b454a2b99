/**
 * Starts the sample blog on HOST (default 127.0.0.1) and PORT (default 8000).
 */
import buildApp from './app';

async function main(): Promise<void> {
  const app = await buildApp();
  const server = await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 8000) });
  app.logger.info(`Rondo sample blog listening on ${server.url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
