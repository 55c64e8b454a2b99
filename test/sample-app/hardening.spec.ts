import { expect } from 'chai';
import { type App } from 'rondo';
import { DATABASE, type Database } from 'rondo/db';
import { TestClient } from 'rondo/testing';
import buildApp from '../../sample-app/src/app';
import { capturingLogger, type CapturingLogger } from '../fixtures/apps';
import { sampleApp } from './fixture';

const auth = (token: string) => ({ authorization: `Token ${token}` });

async function register(api: TestClient, username: string, email = `${username}@example.com`, password = 'password') {
  return api.post('/api/users', { json: { user: { username, email, password } } });
}

describe('the sample app under hostile input', () => {
  let app: App;
  let api: TestClient;
  before(async () => {
    app = await sampleApp();
    api = new TestClient(app);
  });
  after(() => app.close());

  it('answers offsets past any real page (1e308, 1e21, Infinity) with 422, never a 500 from the database', async () => {
    for (const offset of ['1e308', '1e21', 'Infinity', '9007199254740993', '1000001']) {
      const answer = await api.get('/api/articles', { query: { offset } });
      expect(answer.status, offset).to.equal(422);
      expect(answer.json().errors, offset).to.have.property('offset');
    }
    expect((await api.get('/api/articles', { query: { offset: '1000000', limit: '5' } })).status).to.equal(200);
    expect((await api.get('/', { query: { page: '99999999999999999999' } })).status).to.equal(200);
  });

  it("answers a malformed path under /api with Conduit's 400 and logs no failure of the exception handler", async () => {
    const logger = capturingLogger();
    const own = await buildApp({ logger, settings: { database: 'sqlite::memory:' } });
    try {
      const answer = await new TestClient(own).get('/api/%ff');
      expect(answer.status).to.equal(400);
      expect(answer.json()).to.have.property('errors');
      expect(logger.lines.filter((line) => line.level === 'error')).to.deep.equal([]);
    } finally {
      await own.close();
    }
  });

  it("refuses a username that differs from a taken one only in case, at registration and at rename; keeps a change of case of one's own name", async () => {
    expect((await register(api, 'Casey')).status).to.equal(201);
    const again = await register(api, 'casey', 'casey2@example.com');
    expect(again.status).to.equal(422);
    expect(again.json()).to.deep.equal({ errors: { username: ['has already been taken'] } });
    const other = (await register(api, 'otherone')).json().user.token as string;
    const rename = await api.put('/api/user', { headers: auth(other), json: { user: { username: 'CASEY' } } });
    expect(rename.status).to.equal(422);
    const casey = (
      await api.post('/api/users/login', { json: { user: { email: 'casey@example.com', password: 'password' } } })
    ).json().user.token as string;
    const own = await api.put('/api/user', { headers: auth(casey), json: { user: { username: 'CaseY' } } });
    expect(own.status).to.equal(200);
    expect(own.json().user.username).to.equal('CaseY');
  });

  it('lets an account made at the HTML sign-up with a mixed-case e-mail log in through the API', async () => {
    const client = new TestClient(app);
    const signup = await client.post('/accounts/signup/', {
      data: {
        username: 'mixy',
        email: 'Mixy.Person@Example.COM',
        password1: 'violet sunset 42',
        password2: 'violet sunset 42',
      },
    });
    expect(signup.status).to.equal(302);
    const login = await api.post('/api/users/login', {
      json: { user: { email: 'mixy.person@example.com', password: 'violet sunset 42' } },
    });
    expect(login.status).to.equal(200);
    expect(login.json().user.email).to.equal('mixy.person@example.com');
  });

  it('accepts the common password "password" in the API (CONDUIT_PASSWORD_RULES, documented) while the HTML sign-up refuses it', async () => {
    expect((await register(api, 'commoner')).status).to.equal(201);
    const html = await new TestClient(app).post('/accounts/signup/', {
      data: { username: 'commoner2', email: 'c2@example.com', password1: 'password', password2: 'password' },
    });
    expect(html.status).to.equal(400);
    expect(html.text).to.include('This password is too common.');
  });

  it('refuses an over-long or NUL-holding password in the API with 422', async () => {
    const long = await register(api, 'longone', 'longone@example.com', 'x'.repeat(48 * 1024));
    expect(long.status).to.equal(422);
    expect(long.json().errors.password.join(' ')).to.include('at most 4096 characters');
    const nul = await register(api, 'nulone', 'nulone@example.com', 'violet\0sunset');
    expect(nul.status).to.equal(422);
    expect(nul.json().errors.password).to.include('Null characters are not allowed.');
  });

  it('revokes the JWTs issued before PUT /api/user changed the password, and answers with a new one', async () => {
    const old = (await register(api, 'rotor')).json().user.token as string;
    const changed = await api.put('/api/user', {
      headers: auth(old),
      json: { user: { password: 'another secret 9' } },
    });
    expect(changed.status).to.equal(200);
    const fresh = changed.json().user.token as string;
    expect((await api.get('/api/user', { headers: auth(old) })).status).to.equal(401);
    expect((await api.get('/api/user', { headers: auth(fresh) })).json().user.username).to.equal('rotor');
  });
});

describe('the sample app API with its default limits', () => {
  let app: App;
  let logger: CapturingLogger;
  before(async () => {
    logger = capturingLogger();
    app = await buildApp({
      logger,
      settings: {
        database: 'sqlite::memory:',
        authLoginRateLimit: { points: 5, duration: 60 },
        authSignupRateLimit: { points: 2, duration: 3600 },
      },
    });
    await app.container.get<Database>(DATABASE).migrate();
  });
  after(() => app.close());

  it('checks no more API logins than the limit allows when 25 guesses arrive at once, and answers 429 with Retry-After', async () => {
    const api = new TestClient(app);
    expect(
      (
        await api.post('/api/users', {
          json: { user: { username: 'burst', email: 'burst@example.com', password: 'violet sunset 42' } },
          remoteAddress: '10.9.0.1',
        })
      ).status,
    ).to.equal(201);
    const guesses = Array.from({ length: 24 }, (_, i) => `wrong ${i}`).concat('violet sunset 42');
    const answers = await Promise.all(
      guesses.map((password) =>
        api.post('/api/users/login', {
          json: { user: { email: 'burst@example.com', password } },
          remoteAddress: '10.9.0.2',
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 401)).to.have.length(5);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused).to.have.length(20);
    expect(answers.at(-1)!.status).to.equal(429);
    expect(Number(refused[0].headers.get('retry-after'))).to.be.within(1, 60);
    expect(refused[0].json()).to.have.property('errors');
  });

  it('limits registrations per address (429 with Retry-After)', async () => {
    const api = new TestClient(app);
    const statuses = [];
    for (const name of ['reg1', 'reg2', 'reg3'])
      statuses.push(
        (
          await api.post('/api/users', {
            json: { user: { username: name, email: `${name}@example.com`, password: 'violet sunset 42' } },
            remoteAddress: '10.9.1.1',
          })
        ).status,
      );
    expect(statuses).to.deep.equal([201, 201, 429]);
  });
});
