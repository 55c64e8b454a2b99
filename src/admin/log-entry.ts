/**
 * The admin's history (Django's LogEntry): one row per add, change or delete made through
 * the admin, with who, when, which object and what changed.
 */
import { Column, Entity, Index, PrimaryGeneratedColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { builtInDialect } from '../db/migrations';

export const ADDITION = 1;
export const CHANGE = 2;
export const DELETION = 3;

@Entity({ name: 'rondo_admin_log' })
@Index(['contentType', 'objectId'])
@Index(['userId', 'actionTime'])
export class LogEntry {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: Date }) actionTime!: Date;
  @Column({ type: 'varchar', length: 64 }) userId!: string;
  @Column({ type: 'varchar', length: 200 }) userRepr!: string;
  /** `app.model`, e.g. `app.article`. */
  @Column({ type: 'varchar', length: 200 }) contentType!: string;
  @Column({ type: 'varchar', length: 64 }) objectId!: string;
  @Column({ type: 'varchar', length: 200 }) objectRepr!: string;
  /** 1 added, 2 changed, 3 deleted. */
  @Column({ type: 'integer' }) actionFlag!: number;
  @Column({ type: 'text' }) changeMessage!: string;
}

/** SQL TypeORM's schema builder writes for LogEntry, per driver. */
const UP: Record<'sqlite' | 'postgres', string[]> = {
  sqlite: [
    `CREATE TABLE "rondo_admin_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "actionTime" datetime NOT NULL, "userId" varchar(64) NOT NULL, "userRepr" varchar(200) NOT NULL, "contentType" varchar(200) NOT NULL, "objectId" varchar(64) NOT NULL, "objectRepr" varchar(200) NOT NULL, "actionFlag" integer NOT NULL, "changeMessage" text NOT NULL)`,
    `CREATE INDEX "IDX_eb99e067143b8cbca6bb52d4d1" ON "rondo_admin_log" ("contentType", "objectId") `,
    `CREATE INDEX "IDX_04dd1089f6a2fc0c61775f61a7" ON "rondo_admin_log" ("userId", "actionTime") `,
  ],
  postgres: [
    `CREATE TABLE "rondo_admin_log" ("id" SERIAL NOT NULL, "actionTime" TIMESTAMP NOT NULL, "userId" character varying(64) NOT NULL, "userRepr" character varying(200) NOT NULL, "contentType" character varying(200) NOT NULL, "objectId" character varying(64) NOT NULL, "objectRepr" character varying(200) NOT NULL, "actionFlag" integer NOT NULL, "changeMessage" text NOT NULL, CONSTRAINT "PK_9c4752916da2882bed80a3356b1" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_eb99e067143b8cbca6bb52d4d1" ON "rondo_admin_log"  ("contentType", "objectId") `,
    `CREATE INDEX "IDX_04dd1089f6a2fc0c61775f61a7" ON "rondo_admin_log"  ("userId", "actionTime") `,
  ],
};

/** Creates rondo_admin_log (timestamped before any app migration). */
export class CreateAdminLog1700000000003 implements MigrationInterface {
  name = 'CreateAdminLog1700000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP[builtInDialect(queryRunner, this.name)]) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    builtInDialect(queryRunner, this.name);
    await queryRunner.query('DROP TABLE "rondo_admin_log"');
  }
}
