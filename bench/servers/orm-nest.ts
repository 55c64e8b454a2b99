/**
 * NestJS 11 (Fastify adapter, its faster one) with TypeORM: the DataSource and the
 * repository are providers, as @nestjs/typeorm would register them (that package's peer
 * range stops at TypeORM 0.3, so the two providers are written out).
 */
import 'reflect-metadata';
import { Controller, Get, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DataSource, type Repository } from 'typeorm';
import { announce } from './common';
import { BenchRow, openDataSource, TWENTY } from './orm-common';

const ROWS = 'BenchRowRepository';

@Controller()
class RowsController {
  constructor(@Inject(ROWS) private readonly rows: Repository<BenchRow>, @Inject(DataSource) private readonly source: DataSource) {}
  @Get('rows') list() { return this.rows.find(TWENTY); }
  @Get('rows-atomic') listAtomic() { return this.source.transaction((manager) => manager.find(BenchRow, TWENTY)); }
}

@Module({
  controllers: [RowsController],
  providers: [
    { provide: DataSource, useFactory: openDataSource },
    { provide: ROWS, useFactory: (source: DataSource) => source.getRepository(BenchRow), inject: [DataSource] },
  ],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  announce(app.getHttpServer().address());
}
void main();
