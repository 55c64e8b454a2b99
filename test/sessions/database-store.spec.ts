import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Get, LoginRequired, Route, User as CurrentUser, createApp, silentLogger, type App } from 'rondo';
import { DATABASE, type Database } from 'rondo/db';
import { Accounts, authApp } from 'rondo/auth';
import { TestClient } from 'rondo/testing';
import { DatabaseSessionStore } from '../../src/sessions/database-store';
import { sessionStoreContract } from '../contracts/session-store.contract';
import { makeFullApp } from '../fixtures/apps';
import { freshPostgresOrSkip } from '../fixtures/services';

@Route('/me')
class Me {
  @Get('') @LoginRequired() me(@CurrentUser() user: { username: string }) {
    return { username: user.username };
  }
}

/** An app on `database` with accounts and sessionEngine 'database', migrated as `rondo migrate` does. */
async function sessionsApp(database: string): Promise<App> {
  const app = await makeFullApp({
    apps: [authApp({ views: true })],
    controllers: [Me],
    settings: { database, sessionEngine: 'database', authLoginRateLimit: null },
  });
  await app.container.get<Database>(DATABASE).migrate();
  return app;
}

for (const engine of ['SQLite', 'PostgreSQL'] as const) {
  describe(`sessionEngine 'database' on ${engine}`, () => {
    let app: App;
    let drop: () => Promise<void> = async () => undefined;
    before(async function () {
      let url = 'sqlite::memory:';
      if (engine === 'PostgreSQL') ({ url, drop } = await freshPostgresOrSkip(this));
      app = await sessionsApp(url);
    });
    after(async () => {
      await app?.close();
      await drop();
    });

    sessionStoreContract(
      `DatabaseSessionStore on ${engine}`,
      () => new DatabaseSessionStore(app.container.get<Database>(DATABASE)),
      { serverSide: true },
    );

    it('ends a logged-out session for every copy of its cookie (the signed-cookie engine cannot)', async () => {
      await app.container.get(Accounts).createUser({ username: `copy${engine}`, password: 'violet sunset 42' });
      const browser = new TestClient(app);
      expect(
        (await browser.post('/accounts/login/', { data: { username: `copy${engine}`, password: 'violet sunset 42' } }))
          .status,
      ).to.equal(302);
      const stolen = browser.cookies.get('sessionid')!;
      expect(stolen).to.match(/^[A-Za-z0-9_-]{32}$/); // a random key: the data stays on the server
      const thief = new TestClient(app);
      thief.cookies.set('sessionid', stolen);
      expect((await thief.get('/me')).json()).to.deep.equal({ username: `copy${engine}` });
      await browser.post('/accounts/logout/', { data: {} });
      const after = await thief.get('/me', { headers: { accept: 'application/json' } });
      expect(after.status).to.equal(401); // not logged in: the copied cookie names no session any more
    });

    it('refuses a garbage or forged session cookie as no session, never a 500', async () => {
      for (const value of ['x', 'A'.repeat(32), "' OR 1=1 --AAAAAAAAAAAAAAAAAAAAAAA", 'é'.repeat(40)]) {
        const client = new TestClient(app);
        client.cookies.set('sessionid', value);
        const answer = await client.get('/me');
        expect(answer.status, value).to.equal(302);
      }
    });
  });
}

describe('rondo clearsessions', function () {
  this.timeout(60_000);
  const ROOT = resolve(__dirname, '../../..');
  const CLI = join(ROOT, 'dist/src/cli/main.js');
  const rondo = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [CLI, ...args, '--app', join(ROOT, 'dist/test/fixtures/cli/sessions-app.js')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, ...env },
    });

  it('deletes the expired sessions and keeps the live ones', async () => {
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'rondo-sessions-')), 'db.sqlite3')}`;
    const app = await createApp({
      apps: [authApp()],
      settings: { sessionEngine: 'database', secretKey: 'cli-test', database: url },
      logger: silentLogger,
      env: {},
    });
    try {
      await app.container.get<Database>(DATABASE).migrate();
      const store = new DatabaseSessionStore(app.container.get<Database>(DATABASE));
      const live = await store.save(undefined, { a: 1 }, 3600);
      await store.save(undefined, { b: 1 }, 1);
      await store.save(undefined, { c: 1 }, 1);
      await new Promise((done) => setTimeout(done, 1100));
      const result = rondo(['clearsessions'], { DATABASE_URL: url });
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.include('Deleted 2 expired sessions.');
      expect(await store.load(live)).to.deep.equal({ a: 1 });
      expect(rondo(['clearsessions'], { DATABASE_URL: url }).stdout).to.include('Deleted 0 expired sessions.');
    } finally {
      await app.close();
    }
  });

  it('says there is nothing to clear for an engine whose sessions expire by themselves', () => {
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'rondo-sessions-')), 'db.sqlite3')}`;
    const result = rondo(['clearsessions'], { DATABASE_URL: url, RONDO_SESSION_ENGINE: 'cookie' });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.include("sessionEngine is 'cookie'");
  });
});
