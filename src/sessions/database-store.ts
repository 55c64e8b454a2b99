/**
 * Database session store (Django's default engine): one row per session in
 * `rondo_session` through the app's TypeORM connection (SQLite or PostgreSQL). The cookie
 * holds a random key only, so a logout, a password change or `rondo clearsessions`
 * ends a session for every copy of its cookie, which the signed-cookie engine cannot do.
 * Loaded only for `sessionEngine: 'database'`; expired rows are ignored on read and
 * deleted by `rondo clearsessions` (run it daily, as Django's clearsessions).
 */
import { randomBytes } from 'node:crypto';
import {
  Column,
  Entity,
  Index,
  LessThan,
  MoreThan,
  PrimaryColumn,
  type MigrationInterface,
  type QueryRunner,
  type Repository,
} from 'typeorm';
import type { Database } from '../db/database';
import { builtInDialect } from '../db/migrations';
import { SessionInterrupted, SessionStoreUnavailable, type SessionData, type SessionStore } from './session-store';

@Entity({ name: 'rondo_session' })
export class SessionRecord {
  /** 32 random base64url characters (192 bits). */
  @PrimaryColumn({ type: 'varchar', length: 64 }) sessionKey!: string;
  /** The session's data as JSON. */
  @Column({ type: 'text' }) data!: string;
  @Index() @Column({ type: Date }) expireDate!: Date;
}

const KEY = /^[A-Za-z0-9_-]{32}$/;

export class DatabaseSessionStore implements SessionStore {
  constructor(private readonly database: Database) {}

  /** Through the current transaction (a test's isolation, an `atomic()` block), as every repository. */
  private get rows(): Repository<SessionRecord> {
    return this.database.repository<SessionRecord>(SessionRecord);
  }

  async load(key: string): Promise<SessionData | undefined> {
    if (!KEY.test(key)) return undefined;
    const row = await this.run(() => this.rows.findOneBy({ sessionKey: key, expireDate: MoreThan(new Date()) }));
    if (row === null) return undefined;
    try {
      return JSON.parse(row.data) as SessionData;
    } catch {
      return undefined;
    }
  }

  async save(key: string | undefined, data: SessionData, ttlSeconds: number): Promise<string> {
    const expireDate = new Date(Date.now() + Math.max(1, ttlSeconds) * 1000);
    const json = JSON.stringify(data);
    if (key === undefined) {
      const sessionKey = randomBytes(24).toString('base64url');
      await this.run(() => this.rows.insert({ sessionKey, data: json, expireDate }));
      return sessionKey;
    }
    // Update only a session that still exists: one deleted meanwhile (a logout elsewhere) stays deleted.
    const result = await this.run(() => this.rows.update({ sessionKey: key }, { data: json, expireDate }));
    if (result.affected === 0) throw new SessionInterrupted();
    return key;
  }

  async destroy(key: string): Promise<void> {
    await this.run(() => this.rows.delete({ sessionKey: key }));
  }

  /** Deletes the expired sessions; how many (`rondo clearsessions`). */
  async clearExpired(): Promise<number> {
    const result = await this.run(() => this.rows.delete({ expireDate: LessThan(new Date()) }));
    return result.affected ?? 0;
  }

  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new SessionStoreUnavailable('database', error);
    }
  }
}

/** SQL TypeORM's schema builder writes for SessionRecord, per driver. */
const UP: Record<'sqlite' | 'postgres', string[]> = {
  sqlite: [
    `CREATE TABLE "rondo_session" ("sessionKey" varchar(64) PRIMARY KEY NOT NULL, "data" text NOT NULL, "expireDate" datetime NOT NULL)`,
    `CREATE INDEX "IDX_a356eeb38fcf5d996745068427" ON "rondo_session" ("expireDate") `,
  ],
  postgres: [
    `CREATE TABLE "rondo_session" ("sessionKey" character varying(64) NOT NULL, "data" text NOT NULL, "expireDate" TIMESTAMP NOT NULL, CONSTRAINT "PK_70e4a365d8793837ca446561cb8" PRIMARY KEY ("sessionKey"))`,
    `CREATE INDEX "IDX_a356eeb38fcf5d996745068427" ON "rondo_session"  ("expireDate") `,
  ],
};

/** Creates rondo_session (timestamped before any app migration, after rondo/auth's). */
export class CreateSessions1700000000001 implements MigrationInterface {
  name = 'CreateSessions1700000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP[builtInDialect(queryRunner, this.name)]) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    builtInDialect(queryRunner, this.name);
    await queryRunner.query('DROP TABLE "rondo_session"');
  }
}

/** What `sessionEngine: 'database'` adds to an app: the entity and its migration. */
export function databaseSessionPart(): { entities: Function[]; migrations: Function[] } {
  return { entities: [SessionRecord], migrations: [CreateSessions1700000000001] };
}
