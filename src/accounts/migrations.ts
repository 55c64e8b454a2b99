/**
 * The tables of rondo/auth's default entities (User, Group, ApiToken), as Django's
 * contrib.auth brings its own migrations: `authApp()` adds this migration to the app, so
 * `rondo migrate` creates them. An app with its own user entity (`authApp({ user })`)
 * gets none: its `rondo makemigrations` writes the user table and these with it.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { builtInDialect } from '../db/migrations';

/** SQL TypeORM's schema builder writes for the entities, per driver (makemigrations after it finds no changes). */
const UP: Record<'sqlite' | 'postgres', string[]> = {
  sqlite: [
    `CREATE TABLE "rondo_group" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(150) NOT NULL, "permissions" text NOT NULL, CONSTRAINT "UQ_522c43d385d7c116c24afc1621d" UNIQUE ("name"))`,
    `CREATE TABLE "rondo_user" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "username" varchar(150) NOT NULL, "email" varchar(254), "password" varchar(255) NOT NULL, "isActive" boolean NOT NULL DEFAULT (1), "isStaff" boolean NOT NULL DEFAULT (0), "isSuperuser" boolean NOT NULL DEFAULT (0), "lastLogin" datetime, "dateJoined" datetime NOT NULL DEFAULT (datetime('now')), "permissions" text NOT NULL, CONSTRAINT "UQ_68caf30580c5769522f25961cfd" UNIQUE ("username"), CONSTRAINT "UQ_e3287d826c929494fb0c49e551f" UNIQUE ("email"))`,
    `CREATE TABLE "rondo_api_token" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "keyHash" varchar(64) NOT NULL, "created" datetime NOT NULL DEFAULT (datetime('now')), "userId" integer, CONSTRAINT "UQ_cd4f1246f4c747416079a934603" UNIQUE ("keyHash"), CONSTRAINT "FK_febaafa5074d3eba41681048457" FOREIGN KEY ("userId") REFERENCES "rondo_user" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    `CREATE TABLE "rondo_user_groups" ("rondoUserId" integer NOT NULL, "rondoGroupId" integer NOT NULL, CONSTRAINT "FK_504925a47e0e5fd1c86acfd26c3" FOREIGN KEY ("rondoUserId") REFERENCES "rondo_user" ("id") ON DELETE CASCADE ON UPDATE CASCADE, CONSTRAINT "FK_58590f9b15cb6bc05f146b7ce15" FOREIGN KEY ("rondoGroupId") REFERENCES "rondo_group" ("id") ON DELETE CASCADE ON UPDATE CASCADE, PRIMARY KEY ("rondoUserId", "rondoGroupId"))`,
    `CREATE INDEX "IDX_504925a47e0e5fd1c86acfd26c" ON "rondo_user_groups" ("rondoUserId") `,
    `CREATE INDEX "IDX_58590f9b15cb6bc05f146b7ce1" ON "rondo_user_groups" ("rondoGroupId") `,
  ],
  postgres: [
    `CREATE TABLE "rondo_group" ("id" SERIAL NOT NULL, "name" character varying(150) NOT NULL, "permissions" text NOT NULL, CONSTRAINT "UQ_522c43d385d7c116c24afc1621d" UNIQUE ("name"), CONSTRAINT "PK_e9c49668ea6e8a356f2e5609e48" PRIMARY KEY ("id"))`,
    `CREATE TABLE "rondo_user" ("id" SERIAL NOT NULL, "username" character varying(150) NOT NULL, "email" character varying(254), "password" character varying(255) NOT NULL, "isActive" boolean NOT NULL DEFAULT true, "isStaff" boolean NOT NULL DEFAULT false, "isSuperuser" boolean NOT NULL DEFAULT false, "lastLogin" TIMESTAMP, "dateJoined" TIMESTAMP NOT NULL DEFAULT now(), "permissions" text NOT NULL, CONSTRAINT "UQ_68caf30580c5769522f25961cfd" UNIQUE ("username"), CONSTRAINT "UQ_e3287d826c929494fb0c49e551f" UNIQUE ("email"), CONSTRAINT "PK_12ab5228d50daf100efa525be77" PRIMARY KEY ("id"))`,
    `CREATE TABLE "rondo_api_token" ("id" SERIAL NOT NULL, "keyHash" character varying(64) NOT NULL, "created" TIMESTAMP NOT NULL DEFAULT now(), "userId" integer, CONSTRAINT "UQ_cd4f1246f4c747416079a934603" UNIQUE ("keyHash"), CONSTRAINT "PK_7a5fe1ef47aad64018b03a3086d" PRIMARY KEY ("id"))`,
    `CREATE TABLE "rondo_user_groups" ("rondoUserId" integer NOT NULL, "rondoGroupId" integer NOT NULL, CONSTRAINT "PK_8ea8fc6a86e366477ce0debb613" PRIMARY KEY ("rondoUserId", "rondoGroupId"))`,
    `CREATE INDEX "IDX_504925a47e0e5fd1c86acfd26c" ON "rondo_user_groups" ("rondoUserId") `,
    `CREATE INDEX "IDX_58590f9b15cb6bc05f146b7ce1" ON "rondo_user_groups" ("rondoGroupId") `,
    `ALTER TABLE "rondo_api_token" ADD CONSTRAINT "FK_febaafa5074d3eba41681048457" FOREIGN KEY ("userId") REFERENCES "rondo_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    `ALTER TABLE "rondo_user_groups" ADD CONSTRAINT "FK_504925a47e0e5fd1c86acfd26c3" FOREIGN KEY ("rondoUserId") REFERENCES "rondo_user"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    `ALTER TABLE "rondo_user_groups" ADD CONSTRAINT "FK_58590f9b15cb6bc05f146b7ce15" FOREIGN KEY ("rondoGroupId") REFERENCES "rondo_group"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
  ],
};

const TABLES = ['rondo_user_groups', 'rondo_api_token', 'rondo_user', 'rondo_group'];

/** Creates rondo_user, rondo_group, rondo_user_groups and rondo_api_token (timestamped before any app migration). */
export class CreateAccounts1700000000000 implements MigrationInterface {
  name = 'CreateAccounts1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP[builtInDialect(queryRunner, this.name)]) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    builtInDialect(queryRunner, this.name);
    for (const table of TABLES) await queryRunner.query(`DROP TABLE "${table}"`);
  }
}

/** The migrations `authApp()` adds: this one for the default User, none for a swapped one. */
export const AUTH_MIGRATIONS: readonly Function[] = [CreateAccounts1700000000000];
