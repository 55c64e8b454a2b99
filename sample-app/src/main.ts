/**
 * Starts the sample blog on 127.0.0.1 (PORT, default 8000).
 */
import buildApp from './app';

async function main(): Promise<void> {
  const app = await buildApp();
  const server = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 8000) });
  app.logger.info(`Rondo sample blog listening on ${server.url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
