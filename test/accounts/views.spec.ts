import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { Column, Entity } from 'typeorm';
import { join } from 'node:path';
import { Get, Route, User as CurrentUser, type App } from 'rondo';
import { DATA_SOURCE } from 'rondo/db';
import { Mailer } from 'rondo/mail';
import { Accounts, ApiTokens, PasswordResetTokens, User, authApp } from 'rondo/auth';
import { TestClient, useTestDatabase, type TestResponse } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';
import { REDIS_URL, requireService } from '../fixtures/services';
import { startSmtp } from '../fixtures/smtp';

@Route('/who')
class WhoAmI {
  @Get('') who(@CurrentUser() user: { username?: string }) {
    return { username: user.username ?? null };
  }
}

async function accountsApp(settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<App> {
  // Sign-up and reset limits are off unless a test sets them: these tests sign up and reset from one address.
  const base: Record<string, unknown> = {
    database: 'sqlite::memory:',
    emailBackend: 'memory',
    authSignupRateLimit: null,
    authPasswordResetRateLimit: null,
  };
  const app = await makeFullApp({
    apps: [authApp({ views: true })],
    controllers: [WhoAmI],
    settings: { ...base, ...settings },
    ...extra,
  });
  await app.container.get<DataSource>(DATA_SOURCE).synchronize();
  return app;
}

/** The CSRF token of the first form on a page. */
function csrfOf(page: TestResponse): string {
  const match = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(page.text);
  if (match === null) throw new Error(`no CSRF token on the page: ${page.text.slice(0, 200)}`);
  return match[1];
}

/** GETs the form page, then POSTs `fields` with its CSRF token, as a browser does. */
async function submit(client: TestClient, path: string, fields: Record<string, string>): Promise<TestResponse> {
  const page = await client.get(path);
  expect(page.status, `GET ${path}`).to.equal(200);
  return client.post(path, { data: { csrfmiddlewaretoken: csrfOf(page), ...fields } });
}

const who = async (client: TestClient) => (await client.get('/who')).json<{ username: string | null }>().username;

describe('rondo/auth account pages (authApp({ views: true }))', () => {
  let app: App;
  before(async () => {
    app = await accountsApp();
  });
  after(() => app.close());
  useTestDatabase(() => app);

  it('signs up, logs out (POST only), logs in with a safe next, and refuses an open redirect', async () => {
    const client = new TestClient(app, { enforceCsrfChecks: true });
    const signup = await submit(client, '/accounts/signup/', {
      username: 'ann',
      email: 'ann@example.com',
      password1: 'violet sunset 42',
      password2: 'violet sunset 42',
    });
    expect(signup.status).to.equal(302);
    expect(signup.headers.get('location')).to.equal('/');
    expect(await who(client)).to.equal('ann');

    expect((await client.get('/accounts/logout/')).status).to.equal(405);
    const home = await client.get('/accounts/login/');
    const logout = await client.post('/accounts/logout/', { data: { csrfmiddlewaretoken: csrfOf(home) } });
    expect(logout.status).to.equal(302);
    expect(await who(client)).to.equal(null);

    const back = await submit(client, '/accounts/login/?next=/who', {
      username: 'ann',
      password: 'violet sunset 42',
      next: '/who',
    });
    expect(back.headers.get('location')).to.equal('/who');
    await client.post('/accounts/logout/', {
      data: { csrfmiddlewaretoken: csrfOf(await client.get('/accounts/login/')) },
    });
    for (const evil of ['//evil.com/', 'https://evil.com/', '/\\evil.com']) {
      const answer = await submit(client, '/accounts/login/', {
        username: 'ann',
        password: 'violet sunset 42',
        next: evil,
      });
      expect(answer.headers.get('location'), evil).to.equal('/');
      await client.post('/accounts/logout/', {
        data: { csrfmiddlewaretoken: csrfOf(await client.get('/accounts/login/')) },
      });
    }
  });

  it('refuses a form POST without the CSRF token (403), and changes the session key at login (no fixation)', async () => {
    await app.container.get(Accounts).createUser({ username: 'bob', password: 'violet sunset 42' });
    const client = new TestClient(app, { enforceCsrfChecks: true });
    expect(
      (await client.post('/accounts/login/', { data: { username: 'bob', password: 'violet sunset 42' } })).status,
    ).to.equal(403);
    const page = await client.get('/accounts/login/');
    await client.post('/accounts/login/', {
      data: { csrfmiddlewaretoken: csrfOf(page), username: 'x', password: 'wrong' },
    });
    const before = client.cookies.get('sessionid');
    expect(
      (
        await client.post('/accounts/login/', {
          data: { csrfmiddlewaretoken: csrfOf(page), username: 'bob', password: 'violet sunset 42' },
        })
      ).status,
    ).to.equal(302);
    expect(client.cookies.get('sessionid')).to.be.a('string').and.not.equal(before);
  });

  it("re-renders the sign-up form with Django's errors: mismatch, taken username, weak password", async () => {
    await app.container.get(Accounts).createUser({ username: 'taken', password: 'violet sunset 42' });
    const client = new TestClient(app);
    const mismatch = await client.post('/accounts/signup/', {
      data: { username: 'newbie', password1: 'violet sunset 42', password2: 'violet sunset 43' },
    });
    expect(mismatch.status).to.equal(400);
    expect(mismatch.text).to.include('The two password fields didn’t match.').and.include('value="newbie"');
    expect(mismatch.text).not.to.include('violet sunset');
    const taken = await client.post('/accounts/signup/', {
      data: { username: 'taken', password1: 'violet sunset 42', password2: 'violet sunset 42' },
    });
    expect(taken.text).to.include('A user with that username already exists.');
    const weak = await client.post('/accounts/signup/', {
      data: { username: 'weak', password1: '12345678', password2: '12345678' },
    });
    expect(weak.text).to.include('This password is too common.').and.include('This password is entirely numeric.');
    const empty = await client.post('/accounts/signup/', { data: {} });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.include('This field is required.');
    expect(await app.container.get(Accounts).exists('weak')).to.equal(false);
  });

  it('answers a wrong password and an unknown user with the same message, and keeps the login typed', async () => {
    await app.container.get(Accounts).createUser({ username: 'cy', password: 'violet sunset 42' });
    const client = new TestClient(app);
    const wrong = await client.post('/accounts/login/', { data: { username: 'cy', password: 'nope' } });
    const unknown = await client.post('/accounts/login/', { data: { username: 'nobody', password: 'nope' } });
    for (const answer of [wrong, unknown]) {
      expect(answer.status).to.equal(400);
      expect(answer.text).to.include('Please enter a correct username and password.');
      expect(answer.text).not.to.include('nope');
    }
    expect(wrong.text).to.include('value="cy"');
  });

  it('changes the password: the old one is checked, the new one validated, the session kept', async () => {
    const accounts = app.container.get(Accounts);
    await accounts.createUser({ username: 'dee', password: 'violet sunset 42' });
    const client = new TestClient(app);
    expect((await client.get('/accounts/password_change/')).headers.get('location')).to.equal(
      '/accounts/login/?next=%2Faccounts%2Fpassword_change%2F',
    );
    await client.post('/accounts/login/', { data: { username: 'dee', password: 'violet sunset 42' } });
    const wrongOld = await client.post('/accounts/password_change/', {
      data: { oldPassword: 'guess', newPassword1: 'amber forest 77', newPassword2: 'amber forest 77' },
    });
    expect(wrongOld.status).to.equal(400);
    expect(wrongOld.text).to.include('Your old password was entered incorrectly.');
    const changed = await client.post('/accounts/password_change/', {
      data: { oldPassword: 'violet sunset 42', newPassword1: 'amber forest 77', newPassword2: 'amber forest 77' },
    });
    expect(changed.headers.get('location')).to.equal('/accounts/password_change/done/');
    expect(await who(client)).to.equal('dee');
    expect(await accounts.authenticate('dee', 'amber forest 77')).to.include({ username: 'dee' });
    expect(await accounts.authenticate('dee', 'violet sunset 42')).to.equal(undefined);
  });

  it('answers a reset request for an unknown address exactly as for a known one, and sends no mail', async () => {
    const mailer = app.container.get(Mailer);
    mailer.outbox.length = 0;
    await app.container
      .get(Accounts)
      .createUser({ username: 'eve', email: 'eve@example.com', password: 'violet sunset 42' });
    const client = new TestClient(app);
    const known = await client.post('/accounts/password_reset/', { data: { email: 'EVE@example.com' } });
    const unknown = await client.post('/accounts/password_reset/', { data: { email: 'nobody@example.com' } });
    expect([known.status, unknown.status]).to.deep.equal([302, 302]);
    expect(unknown.headers.get('location'))
      .to.equal(known.headers.get('location'))
      .and.equal('/accounts/password_reset/done/');
    expect(mailer.outbox.map((m) => m.to)).to.deep.equal([['eve@example.com']]);
    expect((await client.post('/accounts/password_reset/', { data: { email: 'not an address' } })).text).to.include(
      'Enter a valid email address.',
    );
  });

  it('refuses tampered, foreign and expired reset links', async () => {
    const accounts = app.container.get(Accounts);
    const tokens = app.container.get(PasswordResetTokens);
    const fay = await accounts.createUser({ username: 'fay', email: 'fay@example.com', password: 'violet sunset 42' });
    const gus = await accounts.createUser({ username: 'gus', email: 'gus@example.com', password: 'violet sunset 42' });
    const token = tokens.make(fay);
    expect(tokens.check(fay, token)).to.equal(true);
    expect(tokens.check(gus, token)).to.equal(false);
    expect(tokens.check(fay, token, Date.now() + (3 * 24 * 3600 + 5) * 1000)).to.equal(false);
    expect(tokens.check(fay, token.slice(0, -1) + (token.endsWith('0') ? '1' : '0'))).to.equal(false);
    const client = new TestClient(app);
    for (const path of [
      `/accounts/reset/${tokens.uidOf(gus)}/${token}/`,
      `/accounts/reset/AAAA/${token}/`,
      '/accounts/reset/x/y/',
    ]) {
      const page = await client.get(path);
      expect(page.status, path).to.equal(400);
      expect(page.text).to.include('The password reset link was invalid');
      expect(
        (await client.post(path, { data: { newPassword1: 'amber forest 77', newPassword2: 'amber forest 77' } }))
          .status,
      ).to.equal(400);
    }
    expect(await accounts.authenticate('gus', 'violet sunset 42')).to.include({ username: 'gus' });
  });

  it("serves the app's own template of a page instead of the built-in one", async () => {
    const own = await accountsApp({
      templates: { dirs: [join(__dirname, '../../../test/fixtures/templates-override')] },
    });
    try {
      const page = await new TestClient(own).get('/accounts/login/');
      expect(page.text).to.include('Our own login page');
      expect((await new TestClient(own).get('/accounts/signup/')).text).to.include('<h1>Sign up</h1>');
    } finally {
      await own.close();
    }
  });
});

describe('rondo/auth password reset through a real SMTP server', () => {
  it('signs up, changes the password, logs out, resets it through the mailed link (single use), and logs in with the new one', async () => {
    const smtp = await startSmtp();
    const received = smtp.received;
    const app = await accountsApp({
      emailBackend: 'smtp',
      emailHost: '127.0.0.1',
      emailPort: smtp.port,
      defaultFromEmail: 'site@example.com',
    });
    try {
      const client = new TestClient(app, { enforceCsrfChecks: true });
      await submit(client, '/accounts/signup/', {
        username: 'hal',
        email: 'hal@example.com',
        password1: 'violet sunset 42',
        password2: 'violet sunset 42',
      });
      expect(
        (
          await submit(client, '/accounts/password_change/', {
            oldPassword: 'violet sunset 42',
            newPassword1: 'amber forest 77',
            newPassword2: 'amber forest 77',
          })
        ).status,
      ).to.equal(302);
      await client.post('/accounts/logout/', {
        data: { csrfmiddlewaretoken: csrfOf(await client.get('/accounts/login/')) },
      });
      expect(await who(client)).to.equal(null);

      expect(
        (await submit(client, '/accounts/password_reset/', { email: 'hal@example.com' })).headers.get('location'),
      ).to.equal('/accounts/password_reset/done/');
      expect(received).to.have.length(1);
      const mail = received[0].replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      expect(mail)
        .to.include('To: hal@example.com')
        .and.include('From: site@example.com')
        .and.include('Subject: Password reset on');
      const link = /http:\/\/[^/\s]+(\/accounts\/reset\/[^\s]+\/)/.exec(mail);
      expect(link, mail).not.to.equal(null);
      const set = await submit(client, link![1], {
        newPassword1: 'crimson river 19',
        newPassword2: 'crimson river 19',
      });
      expect(set.headers.get('location')).to.equal('/accounts/reset/done/');
      const again = await client.get(link![1]);
      expect(again.status).to.equal(400); // single use: the password it was signed over changed

      const old = await submit(client, '/accounts/login/', { username: 'hal', password: 'amber forest 77' });
      expect(old.status).to.equal(400);
      expect(
        (await submit(client, '/accounts/login/', { username: 'hal', password: 'crimson river 19' })).status,
      ).to.equal(302);
      expect(await who(client)).to.equal('hal');
    } finally {
      await app.close();
      await smtp.close();
    }
  });
});

describe('rondo/auth login throttling (settings.authLoginRateLimit)', () => {
  const login = (client: TestClient, username: string, password: string, remoteAddress: string) =>
    client.post('/accounts/login/', { data: { username, password }, remoteAddress });

  it('answers 429 with Retry-After after N failures for one name from one address, even with the right password, while the owner logs in from another address', async () => {
    const app = await accountsApp({ authLoginRateLimit: { points: 3, duration: 60 } });
    try {
      await app.container.get(Accounts).createUser({ username: 'ivy', password: 'violet sunset 42' });
      const client = new TestClient(app);
      for (let i = 0; i < 3; i += 1) expect((await login(client, 'ivy', `guess${i}`, '10.0.0.9')).status).to.equal(400);
      const refused = await login(client, 'IVY', 'violet sunset 42', '10.0.0.9');
      expect(refused.status).to.equal(429);
      expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
      expect((await login(client, 'ivy', 'violet sunset 42', '10.0.0.10')).status).to.equal(302);
    } finally {
      await app.close();
    }
  });

  it('checks no more passwords than the limit allows when the guesses arrive at once (the attempt is counted before the check)', async () => {
    const app = await accountsApp({ authLoginRateLimit: { points: 5, duration: 60 } });
    try {
      await app.container.get(Accounts).createUser({ username: 'rush', password: 'violet sunset 42' });
      const client = new TestClient(app);
      const guesses = Array.from({ length: 24 }, (_, i) => `wrong guess ${i}`).concat('violet sunset 42');
      const answers = await Promise.all(guesses.map((password) => login(client, 'rush', password, '10.0.5.5')));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 400)).to.have.length(5);
      expect(statuses.filter((status) => status === 429)).to.have.length(20);
      expect(statuses.at(-1)).to.equal(429); // the right password came after the limit: never checked
    } finally {
      await app.close();
    }
  });

  it('gives the point back on a successful login, so an owner who logs in often is never locked out', async () => {
    const app = await accountsApp({ authLoginRateLimit: { points: 2, duration: 60 } });
    try {
      await app.container.get(Accounts).createUser({ username: 'often', password: 'violet sunset 42' });
      const client = new TestClient(app);
      for (let i = 0; i < 5; i += 1)
        expect((await login(client, 'often', 'violet sunset 42', '10.0.6.6')).status).to.equal(302);
      expect((await login(client, 'often', 'typo', '10.0.6.6')).status).to.equal(400);
      expect((await login(client, 'often', 'violet sunset 42', '10.0.6.6')).status).to.equal(302);
    } finally {
      await app.close();
    }
  });

  it('answers 429 for one address trying many names (addressPoints), and not for the same names from elsewhere', async () => {
    const app = await accountsApp({ authLoginRateLimit: { points: 3, duration: 60, addressPoints: 4 } });
    try {
      const client = new TestClient(app);
      for (let i = 0; i < 4; i += 1) expect((await login(client, `name${i}`, 'x', '10.0.7.7')).status).to.equal(400);
      expect((await login(client, 'name9', 'x', '10.0.7.7')).status).to.equal(429);
      expect((await login(client, 'name9', 'x', '10.0.7.8')).status).to.equal(400);
    } finally {
      await app.close();
    }
  });

  it("by default, guesses from many addresses do not lock the owner out; lockout: 'login' counts per name instead", async () => {
    for (const [lockout, expected] of [
      ['address', 302],
      ['login', 429],
    ] as const) {
      const app = await accountsApp({ authLoginRateLimit: { points: 3, duration: 60, lockout } });
      try {
        await app.container.get(Accounts).createUser({ username: 'jo', password: 'violet sunset 42' });
        const client = new TestClient(app);
        for (let i = 0; i < 3; i += 1) await login(client, 'jo', `guess${i}`, `10.1.0.${i}`);
        expect((await login(client, 'jo', 'violet sunset 42', '10.1.0.99')).status, lockout).to.equal(expected);
        expect((await login(client, 'other', 'x', '10.1.0.99')).status, lockout).to.equal(400);
      } finally {
        await app.close();
      }
    }
  });

  it('refuses a malformed limit at start-up', async () => {
    for (const bad of [
      { points: 0, duration: 60 },
      { points: 3, duration: 60, lockout: 'nobody' },
    ]) {
      const failure = await accountsApp({ authLoginRateLimit: bad }).then(
        (app) => app.close().then(() => undefined),
        (error: Error & { code?: string }) => error,
      );
      expect(failure, JSON.stringify(bad)).to.include({ code: 'SETTINGS_TYPE' });
      expect(failure!.message).to.include('authLoginRateLimit').and.include('null to turn it off');
    }
  });

  it('shares the attempt counts between two apps (processes) through Redis', async function () {
    await requireService(this, 'redis', REDIS_URL);
    const name = `kay${process.pid}${Date.now()}`;
    const settings = { rateLimitStore: 'redis', redisUrl: REDIS_URL, authLoginRateLimit: { points: 2, duration: 30 } };
    const [one, two] = [await accountsApp(settings), await accountsApp(settings)];
    try {
      // The first attempt connects each app to Redis; until it is ready each counts in memory (the store's insurance).
      await Promise.all([one, two].map((app) => login(new TestClient(app), `${name}-warm`, 'x', '10.2.9.9')));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await login(new TestClient(one), name, 'a', '10.2.0.1')).status).to.equal(400);
      expect((await login(new TestClient(two), name, 'b', '10.2.0.1')).status).to.equal(400);
      expect((await login(new TestClient(one), name, 'c', '10.2.0.1')).status).to.equal(429);
      expect((await login(new TestClient(two), name, 'c', '10.2.0.1')).status).to.equal(429);
      const burst = await Promise.all(
        [one, two, one, two, one, two].map((app, i) => login(new TestClient(app), `${name}b`, `g${i}`, '10.2.0.2')),
      );
      expect(burst.filter((answer) => answer.status === 400)).to.have.length(2);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('takes about as long for an unknown user as for a wrong password (no enumeration by timing)', async () => {
    const app = await accountsApp({ authLoginRateLimit: null });
    try {
      await app.container.get(Accounts).createUser({ username: 'lee', password: 'violet sunset 42' });
      const client = new TestClient(app);
      const median = async (username: string) => {
        const times: number[] = [];
        for (let i = 0; i < 7; i += 1) {
          const start = process.hrtime.bigint();
          expect((await client.post('/accounts/login/', { data: { username, password: 'wrong' } })).status).to.equal(
            400,
          );
          times.push(Number(process.hrtime.bigint() - start));
        }
        return times.sort((a, b) => a - b)[3];
      };
      const [known, unknown] = [await median('lee'), await median('nobody-here')];
      expect(unknown / known).to.be.within(0.5, 2); // both pay one scrypt; a skipped hash would be ~50x faster
    } finally {
      await app.close();
    }
  });
});

@Entity({ name: 'member' })
class Member extends User {
  @Column({ type: 'varchar', length: 100, default: '' }) displayName = '';
}

describe('rondo/auth with a swapped user entity and argon2', () => {
  it("uses the app's User subclass for sign-up, login and API tokens (Django's AUTH_USER_MODEL)", async () => {
    const app = await makeFullApp({
      apps: [authApp({ views: true, user: Member })],
      controllers: [WhoAmI],
      settings: { database: 'sqlite::memory:' },
    });
    try {
      await app.container.get<DataSource>(DATA_SOURCE).synchronize();
      const client = new TestClient(app);
      await client.post('/accounts/signup/', {
        data: { username: 'max', password1: 'violet sunset 42', password2: 'violet sunset 42' },
      });
      expect(await who(client)).to.equal('max');
      const user = await app.container.get(Accounts).authenticate('max', 'violet sunset 42');
      expect(user).to.be.instanceOf(Member);
      const rows = await app.container.get<DataSource>(DATA_SOURCE).query('SELECT username, displayName FROM member');
      expect(rows).to.deep.equal([{ username: 'max', displayName: '' }]);
      const key = await app.container.get(ApiTokens).createToken(user!);
      expect(await app.container.get(ApiTokens).userOf(key)).to.be.instanceOf(Member);
    } finally {
      await app.close();
    }
  });

  it('refuses a user entity that does not extend User, naming the fix', () => {
    expect(() => authApp({ user: class Stranger {} as never })).to.throw(/must extend rondo\/auth's User/);
  });

  it("hashes with argon2id when settings.passwordHasher is 'argon2', and upgrades scrypt hashes at login", async () => {
    const app = await makeFullApp({
      apps: [authApp()],
      settings: { database: 'sqlite::memory:', passwordHasher: 'argon2' },
    });
    try {
      await app.container.get<DataSource>(DATA_SOURCE).synchronize();
      const accounts = app.container.get(Accounts);
      const fresh = await accounts.createUser({ username: 'nia', password: 'violet sunset 42' });
      expect(fresh.password).to.match(/^\$argon2id\$/);
      expect(await accounts.authenticate('nia', 'violet sunset 42')).to.include({ username: 'nia' });
      const { makePassword } = await import('rondo');
      const old = await accounts.createUser({ username: 'oz', password: 'x' });
      old.password = await makePassword('violet sunset 42');
      await accounts.save(old);
      const upgraded = await accounts.authenticate('oz', 'violet sunset 42');
      expect(upgraded!.password).to.match(/^\$argon2id\$/);
      expect(await accounts.authenticate('oz', 'violet sunset 42')).to.include({ username: 'oz' });
    } finally {
      await app.close();
    }
  });
});
