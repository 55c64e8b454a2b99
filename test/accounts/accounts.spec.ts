import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import {
  CsrfExempt,
  Get,
  ImproperlyConfigured,
  LoginRequired,
  PermissionRequired,
  Post,
  Req,
  Route,
  User as CurrentUser,
  login,
  type App,
  type HttpRequest,
} from 'rondo';
import { DATA_SOURCE } from 'rondo/db';
import { Accounts, ApiToken, AUTH_ENTITIES, Group, User, authApp } from 'rondo/auth';
import { TestClient, useTestDatabase } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';

@Route('/acc')
@CsrfExempt()
class AccountPages {
  constructor(private readonly accounts: Accounts) {}
  @Post('/login') async signIn(@Req() request: HttpRequest) {
    const body = await request.json<{ login: string; password: string }>();
    const user = await this.accounts.authenticate(body.login, body.password);
    if (!user) return { ok: false };
    await login(request, user);
    return { ok: true, user };
  }
  @Get('/me') @LoginRequired() me(@CurrentUser() user: User) {
    return { username: user.username };
  }
  @Get('/delete') @PermissionRequired('blog.delete_post') remove() {
    return { deleted: true };
  }
}

async function appWith(settings: Record<string, unknown> = {}): Promise<App> {
  const auth = authApp();
  const app = await makeFullApp({
    controllers: [AccountPages],
    entities: auth.entities,
    providers: auth.providers,
    settings: { database: 'sqlite::memory:', ...settings },
  });
  await app.container.get<DataSource>(DATA_SOURCE).synchronize();
  return app;
}

describe('rondo/auth: users, groups and permissions', () => {
  let app: App;
  let accounts: Accounts;
  before(async () => {
    app = await appWith();
    accounts = app.container.get(Accounts);
  });
  after(() => app.close());
  useTestDatabase(() => app);

  it('creates a user with a hashed password and authenticates it, recording the last login', async () => {
    const created = await accounts.createUser({ username: 'ann', password: 'correct horse', email: 'ann@example.com' });
    expect(created.password)
      .to.match(/^scrypt\$/)
      .and.not.include('correct horse');
    expect(await accounts.authenticate('ann', 'wrong')).to.equal(undefined);
    expect(await accounts.authenticate('nobody', 'correct horse')).to.equal(undefined);
    const user = await accounts.authenticate('ann', 'correct horse');
    expect(user?.username).to.equal('ann');
    expect(user?.lastLogin).to.be.instanceOf(Date);
    expect(JSON.stringify(user)).to.not.include('scrypt'); // toJSON never shows the hash
  });

  it('refuses an inactive user, and gives it no permission', async () => {
    const user = await accounts.createUser({
      username: 'gone',
      password: 'pw-pw-pw-pw',
      permissions: ['blog.add_post'],
    });
    user.isActive = false;
    await app.container.get<DataSource>(DATA_SOURCE).manager.save(user);
    expect(await accounts.authenticate('gone', 'pw-pw-pw-pw')).to.equal(undefined);
    expect(user.hasPerm('blog.add_post')).to.equal(false);
  });

  it("counts the user's own permissions, its groups' and superuser status", async () => {
    const manager = app.container.get<DataSource>(DATA_SOURCE).manager;
    const editors = await manager.save(
      Object.assign(new Group(), { name: 'editors', permissions: ['blog.change_post', 'blog.delete_post'] }),
    );
    const ann = await accounts.createUser({
      username: 'ann2',
      password: 'pw-pw-pw-pw',
      permissions: ['blog.add_post'],
    });
    ann.groups = [editors];
    await manager.save(ann);
    const loaded = (await accounts.loadUser(String(ann.id)))!;
    expect(loaded.hasPerm('blog.add_post')).to.equal(true);
    expect(loaded.hasPerm('blog.delete_post')).to.equal(true);
    expect(loaded.hasPerms(['blog.add_post', 'blog.change_post'])).to.equal(true);
    expect(loaded.hasPerm('shop.refund')).to.equal(false);
    const root = await accounts.createSuperuser({ username: 'root', password: 'pw-pw-pw-pw' });
    expect(root.hasPerm('shop.refund')).to.equal(true);
    expect(root.isStaff).to.equal(true);
  });

  it('is the USER_LOADER: a login in a view gives request.user, @LoginRequired and @PermissionRequired read it', async () => {
    await accounts.createUser({ username: 'bob', password: 'pw-pw-pw-pw' });
    const client = new TestClient(app);
    expect((await client.get('/acc/me', { headers: { accept: 'application/json' } })).status).to.equal(401);
    expect(
      (await client.post('/acc/login', { json: { login: 'bob', password: 'pw-pw-pw-pw' } })).json(),
    ).to.deep.include({ ok: true });
    expect((await client.get('/acc/me')).json()).to.deep.equal({ username: 'bob' });
    expect((await client.get('/acc/delete')).status).to.equal(403);
  });

  it('loads no user for an id that is not a number or not stored', async () => {
    expect(await accounts.loadUser('abc')).to.equal(undefined);
    expect(await accounts.loadUser('999')).to.equal(undefined);
  });

  it('lists its entities for apps that wire them by hand', () => {
    expect(AUTH_ENTITIES).to.deep.equal([User, Group, ApiToken]);
  });
});

describe('rondo/auth logging in by e-mail', () => {
  it("authenticates by e-mail with authLoginField: 'email', and refuses an unknown field at start-up", async () => {
    const app = await appWith({ authLoginField: 'email' });
    const accounts = app.container.get(Accounts);
    await accounts.createUser({ username: 'cy', password: 'pw-pw-pw-pw', email: 'cy@example.com' });
    expect((await accounts.authenticate('cy@example.com', 'pw-pw-pw-pw'))?.username).to.equal('cy');
    expect(await accounts.authenticate('cy', 'pw-pw-pw-pw')).to.equal(undefined);
    await app.close();
    const error = await appWith({ authLoginField: 'phone' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImproperlyConfigured);
    expect((error as ImproperlyConfigured).code).to.equal('AUTH_LOGIN_FIELD');
  });
});

describe('rondo/auth on PostgreSQL', () => {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  it('stores users with groups and permissions, and authenticates them', async function () {
    const app = await appWith({ database: url }).catch((error: unknown) => {
      if (process.env.CI) throw error;
      console.log(`      (skipped: PostgreSQL at ${url} is not reachable)`);
      return undefined;
    });
    if (app === undefined) return this.skip();
    try {
      const accounts = app.container.get(Accounts);
      const manager = app.container.get<DataSource>(DATA_SOURCE).manager;
      const run = `${process.pid}-${Date.now()}`; // the shared test database keeps rows between runs
      const staff = await manager.save(
        Object.assign(new Group(), { name: `staff-${run}`, permissions: ['blog.delete_post'] }),
      );
      const dee = await accounts.createUser({
        username: `dee-${run}`,
        password: 'pw-pw-pw-pw',
        email: `dee-${run}@example.com`,
      });
      dee.groups = [staff];
      await manager.save(dee);
      const user = await accounts.authenticate(`dee-${run}`, 'pw-pw-pw-pw');
      expect(user?.hasPerm('blog.delete_post')).to.equal(true);
      expect(user?.lastLogin).to.be.instanceOf(Date);
    } finally {
      await app.close();
    }
  });
});
