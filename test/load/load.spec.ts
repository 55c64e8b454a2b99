/**
 * Load and faults, bounded (127.0.0.1 only, a fixed number of requests, seconds each):
 * the server runs as its own process (test/fixtures/load-server.ts) with the full default
 * stack, autocannon drives it. Each case prints its figures. LOAD_FULL=1 runs the long
 * form (30,000 requests instead of 10,000); `npm run build && LOAD_FULL=1 npx mocha
 * dist/test/load/load.spec.js` runs it alone.
 */
import { expect } from 'chai';
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { freePort } from '../fixtures/ports';
import { ROOT } from '../fixtures/projects';
import { requireService, REDIS_URL } from '../fixtures/services';

const SERVER = join(ROOT, 'dist/test/fixtures/load-server.js');
const FULL = process.env.LOAD_FULL === '1';

interface Server {
  child: ChildProcess;
  url: string;
  output(): string;
}

async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, ...env, PORT: String(port) } });
  let output = '';
  child.stdout.on('data', (c) => {
    output += c;
  });
  child.stderr.on('data', (c) => {
    output += c;
  });
  await new Promise<void>((done, fail) => {
    const timer = setInterval(() => {
      if (output.includes('Listening on')) {
        clearInterval(timer);
        done();
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      fail(new Error(`load server exited (${code}):\n${output}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((done, fail) => {
    autocannon({ connections: 100, ...options }, (error, result) => (error ? fail(error as Error) : done(result)));
  });
}

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const exited = (child: ChildProcess) => new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

describe('load and faults (bounded)', function () {
  this.timeout(180_000);
  let server: Server;
  afterEach(() => {
    server?.child.kill('SIGKILL');
  });

  it(`answers ${FULL ? '30,000' : '10,000'} requests at 100 connections through the full default stack with 0 errors`, async () => {
    server = await startServer();
    const amount = FULL ? 30_000 : 10_000;
    const result = await load({ url: `${server.url}/ok`, amount });
    console.log(
      `      ${result.requests.total} requests, ${result['2xx']} 2xx, ${result.errors} errors, ${result.timeouts} timeouts; ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`,
    );
    expect(result['2xx']).to.equal(amount);
    expect(result.non2xx + result.errors + result.timeouts).to.equal(0);
  });

  it('answers exactly the planned 500s when a view throws on every 10th request, and every other request correctly', async () => {
    server = await startServer();
    const result = await load({ url: `${server.url}/flaky`, amount: 2000, connections: 20 });
    const codes = result.statusCodeStats as unknown as Record<string, { count: number }>;
    console.log(
      `      2000 requests: ${codes['200']?.count ?? 0} × 200, ${codes['500']?.count ?? 0} × 500, ${result.errors} errors`,
    );
    expect(codes['500']?.count).to.equal(200);
    expect(codes['200']?.count).to.equal(1800);
    expect(result.errors).to.equal(0);
    expect(server.output().match(/ERROR Internal Server Error: GET \/flaky/g)).to.have.length(200);
    expect((await fetch(`${server.url}/ok`)).status).to.equal(200); // still up
  });

  it('finishes every accepted request on SIGTERM during load, and exits 0 within the grace period', async () => {
    server = await startServer();
    const running = load({ url: `${server.url}/slow`, duration: 3, connections: 50 }).catch(() => undefined);
    await new Promise((done) => setTimeout(done, 1000));
    const stopped = Date.now();
    server.child.kill('SIGTERM');
    const code = await exited(server.child);
    await running;
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.includes('INFO GET /slow'));
    const unfinished = lines.filter((line) => !line.includes('GET /slow 200') || line.includes('aborted=true'));
    console.log(
      `      SIGTERM after 1 s of load: exit ${code} in ${Date.now() - stopped} ms; ${lines.length} accepted requests, ${unfinished.length} unfinished`,
    );
    expect(code).to.equal(0);
    expect(Date.now() - stopped).to.be.below(5000);
    expect(lines.length).to.be.greaterThan(100);
    expect(unfinished).to.deep.equal([]);
  });

  it('answers 413 to 200 concurrent oversized uploads while the RSS stays bounded', async () => {
    server = await startServer();
    const { port } = new URL(server.url);
    const before = rssOf(server.child.pid!);
    const body = Buffer.alloc(1024 * 1024, 'x'); // 1 MiB each, the limit is 64 KiB
    const statuses = await Promise.all(
      Array.from(
        { length: 200 },
        () =>
          new Promise<number>((done) => {
            const request = http.request(
              {
                host: '127.0.0.1',
                port,
                method: 'POST',
                path: '/upload',
                headers: { 'content-type': 'application/json', 'content-length': body.length },
              },
              (response) => {
                response.resume();
                done(response.statusCode ?? 0);
              },
            );
            request.on('error', () => done(-1));
            request.end(body);
          }),
      ),
    );
    const growth = rssOf(server.child.pid!) - before;
    console.log(
      `      200 uploads of 1 MiB: ${statuses.filter((s) => s === 413).length} × 413; RSS grew ${(growth / 1048576).toFixed(1)} MiB`,
    );
    expect(
      statuses.every((s) => s === 413),
      JSON.stringify(statuses.filter((s) => s !== 413)),
    ).to.equal(true);
    expect(growth).to.be.below(64 * 1024 * 1024);
    expect((await fetch(`${server.url}/ok`)).status).to.equal(200);
  });

  it(`keeps normal traffic's p99 within 2× (or 20 ms) of its solo baseline while ${FULL ? 500 : 300} slowloris sockets drip their headers`, async () => {
    server = await startServer();
    const { port } = new URL(server.url);
    const normal = () => load({ url: `${server.url}/ok`, amount: 3000, connections: 10 });
    await normal(); // warm-up
    const solo = await normal();
    const slow = Array.from({ length: FULL ? 500 : 300 }, () => {
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write('GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const drip = setInterval(() => socket.write('X-a: b\r\n'), 500);
      return { socket, drip };
    });
    await new Promise((done) => setTimeout(done, 500));
    const loaded = await normal();
    for (const { socket, drip } of slow) {
      clearInterval(drip);
      socket.destroy();
    }
    console.log(
      `      p99 solo ${solo.latency.p99} ms, with ${slow.length} slowloris sockets ${loaded.latency.p99} ms; ${loaded['2xx']} × 2xx, ${loaded.errors} errors`,
    );
    expect(loaded['2xx']).to.equal(3000);
    // A server the slow sockets block answers in hundreds of ms or not at all; a few ms
    // either way is the shared machine (a 4 ms baseline measured 10 ms once under CI).
    expect(loaded.latency.p99).to.be.at.most(Math.max(2 * solo.latency.p99, solo.latency.p99 + 20));
  });

  it('returns file descriptors to the baseline after 1,000 aborted requests', async () => {
    server = await startServer();
    const { port } = new URL(server.url);
    const fds = () => readdirSync(`/proc/${server.child.pid}/fd`).length;
    await (await fetch(`${server.url}/ok`)).text();
    const baseline = fds();
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from(
          { length: 100 },
          () =>
            new Promise<void>((done) => {
              const request = http.request({
                host: '127.0.0.1',
                port,
                method: 'POST',
                path: '/upload',
                headers: { 'content-type': 'application/json', 'content-length': 100_000 },
              });
              request.on('error', () => done());
              request.write('{"partial": "'); // then the client goes away mid-body
              setTimeout(() => {
                request.destroy();
                done();
              }, 5);
            }),
        ),
      );
    }
    let after = fds();
    for (let i = 0; i < 50 && after > baseline + 2; i++) {
      await new Promise((done) => setTimeout(done, 100));
      after = fds();
    }
    console.log(`      1000 aborted uploads: ${baseline} descriptors before, ${after} after`);
    expect(after).to.be.at.most(baseline + 2);
    expect((await fetch(`${server.url}/ok`)).status).to.equal(200);
  });

  describe('with sessions in Redis', () => {
    let redis: ChildProcess | undefined;
    let redisPort: number;
    const startRedis = () => {
      redis = spawn(
        'redis-server',
        ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
    };
    before(async function () {
      await requireService(this, 'Redis', REDIS_URL);
    });
    after(() => {
      redis?.kill('SIGKILL');
    });

    it('answers 503 while Redis is down and recovers when it is back, without a restart', async () => {
      redisPort = await freePort();
      startRedis();
      await new Promise((done) => setTimeout(done, 300));
      server = await startServer({ SESSIONS: 'redis', REDIS_URL: `redis://127.0.0.1:${redisPort}` });
      const seeded = await fetch(`${server.url}/seed`);
      const cookie = seeded.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const phase = (label: string) =>
        load({ url: `${server.url}/session`, amount: 500, connections: 10, headers: { cookie } }).then((r) => {
          const codes = r.statusCodeStats as unknown as Record<string, { count: number }>;
          console.log(
            `      ${label}: ${Object.entries(codes)
              .map(([code, s]) => `${s.count} × ${code}`)
              .join(', ')}, ${r.errors} errors`,
          );
          return codes;
        });
      expect(await phase('Redis up')).to.deep.equal({ 200: { count: 500 } });
      redis!.kill('SIGKILL');
      await exited(redis!);
      expect(Object.keys(await phase('Redis down'))).to.deep.equal(['503']);
      startRedis();
      let recovered: Record<string, { count: number }> = {};
      for (let i = 0; i < 20 && recovered['200']?.count !== 500; i++) {
        await new Promise((done) => setTimeout(done, 250));
        recovered = await phase(`Redis back (${i + 1})`);
      }
      // The data went with the killed Redis (no persistence): the session is empty, but it answers.
      expect(recovered).to.deep.equal({ 200: { count: 500 } });
    });
  });
});
