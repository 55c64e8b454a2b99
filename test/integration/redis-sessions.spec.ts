import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Get, HttpRequest, Post, Route } from 'rondo';
import { TestClient } from 'rondo/testing';
import { capturingLogger, makeFullApp } from '../fixtures/apps';
import { startFixture, type Child } from '../fixtures/processes';
import { REDIS_URL, reachable, requireService } from '../fixtures/services';

describe('Redis sessions across processes', function () {
  this.timeout(30_000);
  const children: Child[] = [];
  before(async function () {
    await requireService(this, 'Redis', REDIS_URL);
  });
  after(() => Promise.all(children.map((c) => c.stop())));

  it('logs a user in through one process and sees them logged in on the other', async () => {
    const script = join(__dirname, '../fixtures/session-server.js');
    const [a, b] = await Promise.all([startFixture(script, { REDIS_URL }), startFixture(script, { REDIS_URL })]);
    children.push(a, b);
    expect(a.port).to.not.equal(b.port);
    const login = await fetch(`http://127.0.0.1:${a.port}/login/ann`, { method: 'POST' });
    expect(login.status).to.equal(200);
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('sessionid='))!
      .split(';')[0];
    const me = await fetch(`http://127.0.0.1:${b.port}/me`, { headers: { cookie } });
    const body = (await me.json()) as { user: string; pid: number };
    expect(body.user).to.equal('ann');
    expect(body.pid).to.equal(b.process.pid);
    const anonymous = await fetch(`http://127.0.0.1:${b.port}/me`);
    expect(((await anonymous.json()) as { user: null }).user).to.equal(null);
  });
});

@Route('/r')
class SessionController {
  @Post('/set') async set(request: HttpRequest) {
    await request.session.set('n', 1);
    return 'set';
  }
  @Get('/get') async get(request: HttpRequest) {
    return { n: (await request.session.get('n')) ?? null };
  }
  @Get('/plain') plain() {
    return 'no session';
  }
}

describe('Redis session store outage', function () {
  this.timeout(30_000);
  const PORT = 6391;
  const URL_ = `redis://127.0.0.1:${PORT}`;
  let redis: ChildProcess | undefined;

  const startRedis = async () => {
    redis = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 50 && !(await reachable(URL_)); i++) await new Promise((r) => setTimeout(r, 100));
  };
  const stopRedis = async () => {
    if (!redis || redis.exitCode !== null) return;
    const exited = new Promise((r) => redis!.once('exit', r));
    redis.kill('SIGKILL');
    await exited;
  };

  before(function () {
    if (spawnSync('redis-server', ['--version']).status !== 0) {
      if (process.env.CI) throw new Error('redis-server is needed for the outage test in CI');
      console.log('      (skipped: redis-server is not installed)');
      this.skip();
    }
  });
  afterEach(stopRedis);

  it('answers 503 to requests that use the session, serves the others, logs once, and recovers', async () => {
    await startRedis();
    const logger = capturingLogger();
    const app = await makeFullApp({
      controllers: [SessionController],
      logger,
      settings: { sessionEngine: 'redis', redisUrl: URL_ },
    });
    const client = new TestClient(app);
    try {
      expect((await client.post('/r/set')).status).to.equal(200);
      expect((await client.get('/r/get')).json()).to.deep.equal({ n: 1 });

      await stopRedis();
      const down = await client.get('/r/get');
      expect(down.status).to.equal(503);
      expect(down.text).to.not.include(String(PORT));
      expect((await client.get('/r/plain')).status).to.equal(200);
      const lines = logger.lines
        .filter((l) => l.level === 'error')
        .map((l) => l.message)
        .join('\n');
      expect(lines).to.include('unavailable').and.include('GET /r/get answered 503');

      await startRedis();
      let recovered = 0;
      for (let i = 0; i < 40 && recovered !== 200; i++) {
        await new Promise((r) => setTimeout(r, 250));
        recovered = (await client.get('/r/get')).status;
      }
      expect(recovered).to.equal(200);
    } finally {
      await app.close();
    }
  });
});
