import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Get, Post, CsrfExempt, RateLimit, Route, createApp, silentLogger, type App } from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';
import { REDIS_URL, requireService } from '../fixtures/services';

@Route('/rl')
@CsrfExempt()
class Limited {
  @Get('/three') @RateLimit({ points: 3, duration: 60 }) three() {
    return { ok: true };
  }
  @Get('/free') free() {
    return { ok: true };
  }
  @Post('/by-name')
  @RateLimit({ points: 1, duration: 60, key: (request) => request.GET.get('name') ?? 'nobody' })
  byName() {
    return { ok: true };
  }
}

@Route('/ctl')
@RateLimit({ points: 1, duration: 30 })
class WholeController {
  @Get('/a') a() {
    return 'a';
  }
  @Get('/b') b() {
    return 'b';
  }
}

describe('@RateLimit', () => {
  let app: App;
  beforeEach(async () => {
    app = await makeApp({ controllers: [Limited, WholeController] });
  });
  afterEach(() => app.close());

  it('answers 429 with Retry-After once a client is over the limit, and only that client', async () => {
    const client = new TestClient(app);
    for (let i = 0; i < 3; i++) expect((await client.get('/rl/three')).status, `request ${i + 1}`).to.equal(200);
    const refused = await client.get('/rl/three', { headers: { accept: 'application/json' } });
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
    expect(refused.headers.get('content-type')).to.equal('application/problem+json');
    expect(refused.json().detail).to.match(/^Too many requests; try again in \d+ s$/);
    expect((await client.get('/rl/three', { remoteAddress: '10.0.0.9' })).status).to.equal(200); // another address
    expect((await client.get('/rl/free')).status).to.equal(200); // a view without a limit
  });

  it('counts by the key function, and per view for a limit on the controller', async () => {
    const client = new TestClient(app);
    expect((await client.post('/rl/by-name', { query: { name: 'ann' } })).status).to.equal(200);
    expect((await client.post('/rl/by-name', { query: { name: 'ann' } })).status).to.equal(429);
    expect((await client.post('/rl/by-name', { query: { name: 'bob' } })).status).to.equal(200);
    expect((await client.get('/ctl/a')).status).to.equal(200);
    expect((await client.get('/ctl/b')).status).to.equal(200);
    expect((await client.get('/ctl/a')).status).to.equal(429);
  });

  it('fails at start-up for a limit without points or duration, and for an unknown store', async () => {
    @Route('/bad')
    class Bad {
      @Get('') @RateLimit({ points: 0, duration: 60 }) view() {
        return 1;
      }
    }
    const invalid = await makeApp({ controllers: [Bad] }).catch((e: unknown) => e);
    expect((invalid as { code?: string }).code).to.equal('RATE_LIMIT_INVALID');
    expect((invalid as Error).message).to.include('Bad.view');
    const store = await createApp({
      settings: { secretKey: 'k'.repeat(50), rateLimitStore: 'disk' as never },
      logger: silentLogger,
      env: {},
    }).catch((e: unknown) => e);
    expect((store as { code?: string }).code).to.equal('RATE_LIMIT_STORE_UNKNOWN');
  });
});

describe('@RateLimit with the Redis store', function () {
  this.timeout(30_000);
  const children: ChildProcess[] = [];
  before(async function () {
    await requireService(this, 'Redis', REDIS_URL);
  });
  after(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  function start(runId: string, keyPrefix = 'rondo'): Promise<number> {
    const child = spawn(process.execPath, [join(__dirname, '../fixtures/rate-limit-server.js')], {
      env: { ...process.env, RUN_ID: runId, REDIS_URL, RONDO_CACHE_KEY_PREFIX: keyPrefix },
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
        const m = /LISTENING (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`rate-limit server exited ${code}`)));
    });
  }

  it('shares the counters between two processes', async () => {
    const runId = `${process.pid}-${Date.now()}`;
    const [first, second] = await Promise.all([start(runId), start(runId)]);
    const get = async (port: number) => (await fetch(`http://127.0.0.1:${port}/limited`)).status;
    await new Promise((r) => setTimeout(r, 300)); // both connected to Redis
    expect([await get(first), await get(second), await get(first)]).to.deep.equal([200, 200, 200]);
    expect(await get(second)).to.equal(429); // the fourth, on the other process
    expect(await get(first)).to.equal(429);
  });

  it('keeps the counters of an app with another cacheKeyPrefix apart on the same Redis', async () => {
    const runId = `${process.pid}-${Date.now()}-prefixes`;
    const [blog, shop] = await Promise.all([start(runId, 'blog'), start(runId, 'shop')]);
    const get = async (port: number) => (await fetch(`http://127.0.0.1:${port}/limited`)).status;
    await new Promise((r) => setTimeout(r, 300));
    expect([await get(blog), await get(blog), await get(blog), await get(blog)]).to.deep.equal([200, 200, 200, 429]);
    expect(await get(shop)).to.equal(200); // same key, another app
  });
});
