/** Fastify 5 with a TypeORM DataSource (as its docs show: a decorated instance, no plugin needed). */
import Fastify from 'fastify';
import { announce } from './common';
import { BenchRow, openDataSource, TWENTY } from './orm-common';

void openDataSource().then(async (source) => {
  const rows = source.getRepository(BenchRow);
  const app = Fastify({ logger: false });
  app.get('/rows', async () => rows.find(TWENTY));
  app.get('/rows-atomic', async () => source.transaction((manager) => manager.find(BenchRow, TWENTY)));
  await app.listen({ port: 0, host: '127.0.0.1' });
  announce(app.server.address());
});
