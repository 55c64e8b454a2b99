/** Rondo with models as the README teaches them: an entity, @InjectRepository, @Atomic(). */
import 'reflect-metadata';
import type * as RondoApi from '../../dist/src/index';
import type { Repository } from 'typeorm';
import { announce } from './common';
import { BenchRow, DATABASE_URL, TWENTY } from './orm-common';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rondo = require('../../../dist/src/index.js') as typeof RondoApi;
const { Atomic, Get, InjectRepository, Route, createApp, silentLogger } = rondo;

@Route('')
class RowsController {
  constructor(@InjectRepository(BenchRow) private readonly rows: Repository<BenchRow>) {}
  @Get('/rows') list() { return this.rows.find(TWENTY); }
  @Get('/rows-atomic') @Atomic() listAtomic() { return this.rows.find(TWENTY); }
}

void createApp({
  controllers: [RowsController],
  entities: [BenchRow],
  settings: { secretKey: 'bench-secret-key-'.repeat(4), middleware: [], allowedHosts: ['127.0.0.1', 'localhost'], database: DATABASE_URL },
  logger: silentLogger,
  env: {},
}).then(async (app) => {
  const server = await app.listen({ host: '127.0.0.1', port: 0, handleSignals: false });
  announce(String(server.port));
});
