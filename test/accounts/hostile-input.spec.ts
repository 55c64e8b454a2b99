import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { Get, Route, User as CurrentUser, type App } from 'rondo';
import { DATA_SOURCE } from 'rondo/db';
import { Mailer } from 'rondo/mail';
import { Accounts, ApiTokens, MAX_PASSWORD_LENGTH, PasswordResetTokens, authApp, validatePassword } from 'rondo/auth';
import { runWorker } from 'rondo/tasks';
import { TestClient } from 'rondo/testing';
import { capturingLogger, makeFullApp, type CapturingLogger } from '../fixtures/apps';

@Route('/who')
class WhoAmI {
  @Get('') who(@CurrentUser() user: { username?: string }) {
    return { username: user.username ?? null };
  }
}

async function accountsApp(
  settings: Record<string, unknown> = {},
  logger: CapturingLogger = capturingLogger(),
): Promise<App> {
  const base: Record<string, unknown> = {
    database: 'sqlite::memory:',
    emailBackend: 'memory',
    authLoginRateLimit: null,
    authSignupRateLimit: null,
    authPasswordResetRateLimit: null,
  };
  const app = await makeFullApp({
    apps: [authApp({ views: true, tokens: true })],
    controllers: [WhoAmI],
    logger,
    settings: { ...base, ...settings },
  });
  await app.container.get<DataSource>(DATA_SOURCE).synchronize();
  return app;
}

const LONG = 'x'.repeat(48 * 1024);
const who = async (client: TestClient) => (await client.get('/who')).json<{ username: string | null }>().username;

describe('rondo/auth under hostile input', () => {
  let app: App;
  before(async () => {
    app = await accountsApp();
  });
  after(() => app.close());

  describe('password length and content', () => {
    it('refuses a 48 KB password at sign-up with a 400 naming the limit, before any similarity check runs', async () => {
      const answer = await new TestClient(app).post('/accounts/signup/', {
        data: { username: 'u'.repeat(150), password1: LONG, password2: LONG },
      });
      expect(answer.status).to.equal(400);
      expect(answer.text).to.include(`Ensure this value has at most ${MAX_PASSWORD_LENGTH} characters.`);
      expect(await app.container.get(Accounts).exists('u'.repeat(150))).to.equal(false);
    });

    it('refuses over-long passwords in the password change and reset forms too', async () => {
      const accounts = app.container.get(Accounts);
      const user = await accounts.createUser({ username: 'longpw', password: 'violet sunset 42' });
      const client = new TestClient(app);
      await client.post('/accounts/login/', { data: { username: 'longpw', password: 'violet sunset 42' } });
      const change = await client.post('/accounts/password_change/', {
        data: { oldPassword: LONG, newPassword1: LONG, newPassword2: LONG },
      });
      expect(change.status).to.equal(400);
      expect(change.text).to.include(`at most ${MAX_PASSWORD_LENGTH} characters`);
      const tokens = app.container.get(PasswordResetTokens);
      const current = (await accounts.loadUser(String(user.id)))!; // the login changed lastLogin, which reset tokens are signed over
      const reset = await client.post(`/accounts/reset/${tokens.uidOf(current)}/${tokens.make(current)}/`, {
        data: { newPassword1: LONG, newPassword2: LONG },
      });
      expect(reset.status).to.equal(400);
      expect(reset.text).to.include(`at most ${MAX_PASSWORD_LENGTH} characters`);
      expect(await accounts.authenticate('longpw', 'violet sunset 42')).to.include({ username: 'longpw' });
    });

    it('refuses NUL characters in passwords', async () => {
      const answer = await new TestClient(app).post('/accounts/signup/', {
        data: { username: 'nul', password1: 'violet\0sunset 42', password2: 'violet\0sunset 42' },
      });
      expect(answer.status).to.equal(400);
      expect(answer.text).to.include('Null characters are not allowed.');
    });

    it('answers a password past 4096 characters with one message, and judges the longest ones it accepts', () => {
      const longest = validatePassword('ab'.repeat(MAX_PASSWORD_LENGTH / 2), {
        username: 'ab'.repeat(75),
        email: `${'ba'.repeat(100)}@example.com`,
      });
      expect(longest).to.deep.equal([]); // ten times longer than the attributes: not "similar", as in Django
      expect(validatePassword('ab'.repeat(75), { username: 'ab'.repeat(75) })).to.deep.equal([
        'The password is too similar to the username.',
      ]);
      expect(validatePassword('x'.repeat(MAX_PASSWORD_LENGTH + 1))).to.deep.equal([
        `This password is too long. It must contain at most ${MAX_PASSWORD_LENGTH} characters.`,
      ]);
    });

    it("judges similarity as Django does: the e-mail's 'com' does not refuse every password holding it, the username itself does", () => {
      const user = { username: 'annabel', email: 'annabel@example.com' };
      expect(validatePassword('my computer is 42', user)).to.deep.equal([]);
      expect(validatePassword('Annabel12', user)).to.deep.equal(['The password is too similar to the username.']);
      expect(validatePassword('exampl3!', { email: 'ann@example.com' })).to.deep.equal([
        'The password is too similar to the email.',
      ]);
    });
  });

  describe('usernames and e-mail addresses', () => {
    it('refuses a username that differs only in case or Unicode compatibility form from an existing one', async () => {
      await app.container.get(Accounts).createUser({ username: 'full', password: 'violet sunset 42' });
      const client = new TestClient(app);
      for (const username of ['FULL', 'Full', 'ｆｕｌｌ']) {
        const answer = await client.post('/accounts/signup/', {
          data: { username, password1: 'violet sunset 42', password2: 'violet sunset 42' },
        });
        expect(answer.status, username).to.equal(400);
        expect(answer.text).to.include('A user with that username already exists.');
      }
    });

    it('stores a username in NFKC form and logs in with either form', async () => {
      const client = new TestClient(app);
      const signup = await client.post('/accounts/signup/', {
        data: { username: 'ｗｉｄｅ', password1: 'violet sunset 42', password2: 'violet sunset 42' },
      });
      expect(signup.status).to.equal(302);
      expect(await who(client)).to.equal('wide');
      expect(await app.container.get(Accounts).authenticate('ｗｉｄｅ', 'violet sunset 42')).to.include({
        username: 'wide',
      });
    });

    it('stores an e-mail address once in lower case, whoever writes it', async () => {
      const accounts = app.container.get(Accounts);
      const user = await accounts.createUser({
        username: 'mixed',
        email: '  Mixed.Case@Example.COM ',
        password: 'violet sunset 42',
      });
      expect(user.email).to.equal('mixed.case@example.com');
      user.email = 'Other@Example.com';
      expect((await accounts.save(user)).email).to.equal('other@example.com');
    });
  });

  describe('the next URL after login', () => {
    async function loginWith(next: string, secure = false) {
      const client = new TestClient(app);
      const answer = await client.post('/accounts/login/', {
        data: { username: 'nexty', password: 'violet sunset 42', next },
        secure,
      });
      return { answer, client };
    }
    before(async () => {
      await app.container.get(Accounts).createUser({ username: 'nexty', password: 'violet sunset 42' });
    });

    it('refuses an http:// next on this host after an https login (no scheme downgrade), and follows an https:// one', async () => {
      expect((await loginWith('http://testserver/who', true)).answer.headers.get('location')).to.equal('/');
      expect((await loginWith('https://testserver/who', true)).answer.headers.get('location')).to.equal(
        'https://testserver/who',
      );
      expect((await loginWith('http://testserver/who', false)).answer.headers.get('location')).to.equal(
        'http://testserver/who',
      );
    });

    it('IRI-encodes a local next with characters outside Latin-1, and the login still sets its session', async () => {
      for (const [next, location] of [
        ['/☃/', '/%E2%98%83/'],
        ['/caf\u00e9?q=😀', '/caf%C3%A9?q=%F0%9F%98%80'],
        ['/a\u2029b', '/a%E2%80%A9b'],
      ]) {
        const { answer, client } = await loginWith(next);
        expect(answer.status, next).to.equal(302);
        expect(answer.headers.get('location'), next).to.equal(location);
        expect(await who(client), next).to.equal('nexty');
      }
    });
  });

  describe('password reset when mail fails', () => {
    it('answers a known address exactly as an unknown one when the SMTP server is down, and logs the failure without the address', async () => {
      const logger = capturingLogger();
      // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
      const down = await accountsApp({ emailBackend: 'smtp', emailHost: '127.0.0.1', emailPort: 9 }, logger);
      try {
        await down.container
          .get(Accounts)
          .createUser({ username: 'mailless', email: 'mailless@example.com', password: 'violet sunset 42' });
        const client = new TestClient(down);
        const known = await client.post('/accounts/password_reset/', { data: { email: 'mailless@example.com' } });
        const unknown = await client.post('/accounts/password_reset/', { data: { email: 'nobody@example.com' } });
        expect([known.status, unknown.status]).to.deep.equal([302, 302]);
        expect(known.headers.get('location')).to.equal(unknown.headers.get('location'));
        // The mail task ran at enqueue (immediate backend): each of its 4 attempts is logged, never the address.
        const errors = logger.lines.filter((line) => line.level === 'error');
        expect(errors.map((line) => line.message.replace(/\(.*\)/, '(id)'))).to.deep.equal(
          [1, 2, 3, 4].map((n) => `Task rondo.mail.send (id) failed on attempt ${n}`),
        );
        for (const line of errors) expect(JSON.stringify(line)).not.to.include('mailless@example.com');
      } finally {
        await down.close();
      }
    });

    it("queues the mail with tasksBackend 'database': the response does not wait for it, a worker sends it", async () => {
      const queued = await accountsApp({ tasksBackend: 'database' });
      try {
        await queued.container
          .get(Accounts)
          .createUser({ username: 'later', email: 'later@example.com', password: 'violet sunset 42' });
        const answer = await new TestClient(queued).post('/accounts/password_reset/', {
          data: { email: 'later@example.com' },
        });
        expect(answer.status).to.equal(302);
        const mailer = queued.container.get(Mailer);
        expect(mailer.outbox).to.have.length(0);
        await runWorker(queued, { burst: true, signal: new AbortController().signal });
        expect(mailer.outbox.map((mail) => mail.to)).to.deep.equal([['later@example.com']]);
        expect(mailer.outbox[0].text).to.match(/http:\/\/testserver\/accounts\/reset\/[^/]+\/[^/]+\//);
      } finally {
        await queued.close();
      }
    });
  });

  describe('JWTs after a password change', () => {
    it('refuses a JWT issued before the password changed (in the password change form or a reset), and accepts one issued after', async () => {
      const accounts = app.container.get(Accounts);
      const tokens = app.container.get(ApiTokens);
      const user = await accounts.createUser({ username: 'jwty', password: 'violet sunset 42' });
      const before = await tokens.issueJwt(user);
      const client = new TestClient(app);
      expect((await client.get('/who', { headers: { authorization: `Token ${before}` } })).json()).to.deep.equal({
        username: 'jwty',
      });
      await client.post('/accounts/login/', { data: { username: 'jwty', password: 'violet sunset 42' } });
      expect(
        (
          await client.post('/accounts/password_change/', {
            data: { oldPassword: 'violet sunset 42', newPassword1: 'amber forest 77', newPassword2: 'amber forest 77' },
          })
        ).status,
      ).to.equal(302);
      const refused = await new TestClient(app).get('/who', { headers: { authorization: `Token ${before}` } });
      expect(refused.status).to.equal(401);
      expect(refused.text).to.include('the password changed since it was issued');
      const after = await tokens.issueJwt((await accounts.loadUser(String(user.id)))!);
      expect((await new TestClient(app).get('/who', { headers: { authorization: `Token ${after}` } })).status).to.equal(
        200,
      );
      const resetTokens = app.container.get(PasswordResetTokens);
      const fresh = (await accounts.loadUser(String(user.id)))!;
      await new TestClient(app).post(`/accounts/reset/${resetTokens.uidOf(fresh)}/${resetTokens.make(fresh)}/`, {
        data: { newPassword1: 'crimson river 19', newPassword2: 'crimson river 19' },
      });
      expect((await new TestClient(app).get('/who', { headers: { authorization: `Token ${after}` } })).status).to.equal(
        401,
      );
    });
  });
});

describe('rondo/auth limits on sign-ups and reset requests', () => {
  it('answers 429 with Retry-After past settings.authSignupRateLimit from one address', async () => {
    const app = await accountsApp({ authSignupRateLimit: { points: 2, duration: 3600 } });
    try {
      const client = new TestClient(app);
      const signup = (username: string, remoteAddress: string) =>
        client.post('/accounts/signup/', {
          data: { username, password1: 'violet sunset 42', password2: 'violet sunset 42' },
          remoteAddress,
        });
      expect((await signup('one', '10.3.0.1')).status).to.equal(302);
      expect((await signup('two', '10.3.0.1')).status).to.equal(302);
      const refused = await signup('three', '10.3.0.1');
      expect(refused.status).to.equal(429);
      expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 3600);
      expect(await app.container.get(Accounts).exists('three')).to.equal(false);
      expect((await signup('four', '10.3.0.2')).status).to.equal(302);
    } finally {
      await app.close();
    }
  });

  it('answers 429 past settings.authPasswordResetRateLimit per address and per target e-mail, the same for known and unknown addresses', async () => {
    const app = await accountsApp({ authPasswordResetRateLimit: { points: 2, duration: 3600 } });
    try {
      const mailer = app.container.get(Mailer);
      await app.container
        .get(Accounts)
        .createUser({ username: 'flood', email: 'flood@example.com', password: 'violet sunset 42' });
      const client = new TestClient(app);
      const reset = (email: string, remoteAddress: string) =>
        client.post('/accounts/password_reset/', { data: { email }, remoteAddress });
      const spread = [
        await reset('flood@example.com', '10.4.0.1'),
        await reset('FLOOD@example.com', '10.4.0.2'),
        await reset('flood@example.com', '10.4.0.3'),
      ];
      expect(spread.map((answer) => answer.status)).to.deep.equal([302, 302, 429]);
      expect(mailer.outbox).to.have.length(2);
      const unknown = [
        await reset('ghost@example.com', '10.4.1.1'),
        await reset('ghost@example.com', '10.4.1.2'),
        await reset('ghost@example.com', '10.4.1.3'),
      ];
      expect(unknown.map((answer) => answer.status)).to.deep.equal([302, 302, 429]);
      expect((await reset('someone@example.com', '10.4.1.1')).status).to.equal(302);
      expect((await reset('someone-else@example.com', '10.4.1.1')).status).to.equal(429);
    } finally {
      await app.close();
    }
  });
});
