/**
 * The ORM scenarios' shared parts: one entity, the database every server opens (ORM_DB:
 * a sqlite: file or a postgres:// URL), and the query they all run: 20 rows by id.
 */
import 'reflect-metadata';
import { Column, DataSource, Entity, PrimaryGeneratedColumn, type DataSourceOptions, type FindManyOptions } from 'typeorm';

@Entity({ name: 'bench_row' })
export class BenchRow {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ type: 'varchar', length: 100 }) email!: string;
  @Column({ type: 'integer' }) age!: number;
}

/** settings.database for Rondo; the same database as TypeORM options for the others. */
export const DATABASE_URL = process.env.ORM_DB ?? 'sqlite:/tmp/rondo-bench.sqlite3';

export function dataSourceOptions(): DataSourceOptions {
  return DATABASE_URL.startsWith('postgres')
    ? { type: 'postgres', url: DATABASE_URL, entities: [BenchRow], poolSize: 10 }
    : { type: 'better-sqlite3', database: DATABASE_URL.slice('sqlite:'.length), entities: [BenchRow] };
}

export const TWENTY: FindManyOptions<BenchRow> = { order: { id: 'ASC' }, take: 20 };

/** A connected DataSource for the servers that open their own. */
export async function openDataSource(): Promise<DataSource> {
  return new DataSource(dataSourceOptions()).initialize();
}
