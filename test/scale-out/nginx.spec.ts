/**
 * Scale-out on real infrastructure: three processes of the sample app behind Debian's
 * nginx (started here with a generated config on 127.0.0.1), sessions, rate-limit
 * counters and the cache in Redis, data in a fresh PostgreSQL database. .ci/run installs
 * nginx when it is missing; elsewhere a machine without nginx, Redis or PostgreSQL skips
 * this suite and says why.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket as WebSocketClient } from 'ws';
import { freePort } from '../fixtures/ports';
import { ROOT } from '../fixtures/projects';
import { DATABASE_URL, REDIS_URL, freshPostgres, reachable } from '../fixtures/services';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const MAIN = join(ROOT, 'dist/sample-app/src/main.js');
const SECRET = 'scale-out-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';

interface Instance {
  port: number;
  child: ChildProcess;
  output: string;
}

function startInstance(port: number, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
  });
  const instance: Instance = { port, child, output: '' };
  return new Promise((done, fail) => {
    const onData = (chunk: Buffer) => {
      instance.output += chunk.toString();
      if (instance.output.includes('listening on')) done(instance);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      fail(new Error(`instance on ${port} exited (${code}) before listening:\n${instance.output}`)),
    );
  });
}

/** Lines of the instance's access log for `GET path 200`. */
const answered = (instance: Instance, path: string) =>
  instance.output.split('\n').filter((line) => line.includes(`GET ${path} 200`)).length;

function nginxConfig(dir: string, port: number, upstreams: readonly number[]): string {
  return `user root;
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream rondo {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=1s;`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    # WebSockets: the upgrade headers passed on, and a read timeout above the heartbeat.
    location /ws/ {
      proxy_pass http://rondo;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 75s;
    }
    location / {
      proxy_pass http://rondo;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Request-Id $request_id;
      # A refused or cut connection to one instance: try the next (GET, HEAD: idempotent).
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 1s;
    }
  }
}
`;
}

/** A browser's cookie jar, enough for one site. */
class Browser {
  private readonly jar = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }

  async form(path: string, fields: Record<string, string>): Promise<Response> {
    const page = await (await this.request(path)).text();
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(page)![1];
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.base, referer: this.base + path },
      body: new URLSearchParams({ csrfmiddlewaretoken: token, ...fields }),
    });
  }
}

/** A WebSocket reader of an article's live comments; resolves once open. */
function liveReader(url: string): Promise<{ next: Promise<unknown>; close(): void }> {
  const client = new WebSocketClient(url);
  const next = new Promise<unknown>((resolve) => client.once('message', (data) => resolve(JSON.parse(String(data)))));
  return new Promise((resolve, reject) => {
    client.once('open', () => resolve({ next, close: () => client.close() }));
    client.once('error', reject);
  });
}

describe('three sample-app processes behind nginx (Redis sessions, PostgreSQL data)', function () {
  this.timeout(120_000);
  let dir: string;
  let nginx: ChildProcess | undefined;
  const instances: Instance[] = [];
  let env: Record<string, string>;
  let base: string;
  let dropDatabase: (() => Promise<void>) | undefined;

  before(async function () {
    const missing = !existsSync(NGINX)
      ? `nginx at ${NGINX}`
      : !(await reachable(REDIS_URL))
        ? `Redis at ${REDIS_URL}`
        : !(await reachable(DATABASE_URL))
          ? `PostgreSQL at ${DATABASE_URL}`
          : undefined;
    if (missing !== undefined) {
      if (process.env.CI) throw new Error(`${missing} is not there; .ci/run provides it, so this is a failure in CI`);
      console.log(`      (skipped: no ${missing})`);
      this.skip();
    }
    const database = (await freshPostgres())!;
    dropDatabase = database.drop;
    env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      RONDO_SECRET_KEY: SECRET,
      RONDO_SESSION_ENGINE: 'redis',
      RONDO_RATE_LIMIT_STORE: 'redis',
      // Counters of an earlier run on this Redis (ten sign-ups an hour per address) stay apart.
      RONDO_CACHE_KEY_PREFIX: `scale-out-${process.pid}-${Date.now()}`,
      RONDO_CACHE_BACKEND: 'redis',
      RONDO_CHANNELS_BACKEND: 'redis',
      RONDO_TASKS_BACKEND: 'database',
      RONDO_TRUSTED_PROXIES: '127.0.0.1',
      RONDO_DEBUG: 'false',
      RONDO_LOG_FORMAT: 'text',
    };
    const ports = [await freePort(), await freePort(), await freePort()];
    // The first one migrates the fresh database; the others start on it.
    instances.push(await startInstance(ports[0], { ...env, RONDO_MIGRATE_ON_START: '1' }));
    instances.push(...(await Promise.all(ports.slice(1).map((port) => startInstance(port, env)))));
    dir = mkdtempSync(join(tmpdir(), 'rondo-nginx-'));
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, ports));
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
    base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (await reachable(base)) break;
      await new Promise((done) => setTimeout(done, 50));
    }
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    for (const instance of instances) instance.child.kill('SIGTERM');
    await new Promise((done) => setTimeout(done, 300));
    if (dir) rmSync(dir, { recursive: true, force: true });
    await dropDatabase?.();
  });

  let ann: Browser;

  it('signs a user up and logs them in through nginx; they stay logged in whichever instance answers', async () => {
    const signup = await new Browser(base).form('/accounts/signup/', {
      username: 'ann',
      email: 'ann@example.com',
      password1: 'violet sunset 42',
      password2: 'violet sunset 42',
    });
    expect(signup.status, await signup.text()).to.equal(302);
    ann = new Browser(base); // another browser logs in: the account is in PostgreSQL, the session in Redis
    const login = await ann.form('/accounts/login/', { username: 'ann@example.com', password: 'violet sunset 42' });
    expect(login.status).to.equal(302);
    const before = instances.map((i) => answered(i, '/'));
    for (let i = 0; i < 9; i++) {
      const home = await ann.request('/');
      expect(home.status).to.equal(200);
      expect(await home.text()).to.include('Signed in as <strong>ann</strong>');
      expect(home.headers.get('x-request-id')).to.match(/^[0-9a-f]{32}$/); // nginx's $request_id, trusted
    }
    const served = instances.map((instance, i) => answered(instance, '/') - before[i]);
    expect(
      served.every((n) => n >= 1),
      `requests per instance: ${served.join(', ')}`,
    ).to.equal(true);
  });

  it('broadcasts a new comment to live readers on every instance (WebSockets through nginx, Redis between them); a worker process mails the author', async () => {
    const article = await ann.form('/articles/new', {
      title: 'Across instances',
      description: 'd',
      body: 'b',
      tags: '',
    });
    expect(article.status).to.equal(302);
    const path = article.headers.get('location')!;
    const slug = /\/articles\/([^/]+)\//.exec(path)![1];
    const bob = new Browser(base);
    await bob.form('/accounts/signup/', {
      username: 'bob',
      email: 'bob@example.com',
      password1: 'violet sunset 42',
      password2: 'violet sunset 42',
    });
    const socketPath = `/ws/articles/${slug}/comments/`;
    const readers = await Promise.all([
      ...instances.map((instance) => liveReader(`ws://127.0.0.1:${instance.port}${socketPath}`)),
      liveReader(`${base.replace('http', 'ws')}${socketPath}`),
    ]);
    await new Promise((done) => setTimeout(done, 200)); // each instance subscribes to Redis at its first join
    const page = await (await bob.request(path)).text();
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(page)![1];
    const posted = await bob.request(`/articles/${slug}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, referer: base + path },
      body: new URLSearchParams({ csrfmiddlewaretoken: token, body: 'Seen everywhere' }),
    });
    expect(posted.status).to.equal(302);
    const messages = await Promise.all(readers.map((reader) => reader.next));
    for (const message of messages)
      expect((message as { comment: { body: string; author: string } }).comment).to.include({
        body: 'Seen everywhere',
        author: 'bob',
      });
    for (const reader of readers) reader.close();

    // The mail to ann was queued in PostgreSQL (tasksBackend 'database'); a worker process sends it.
    const worker = spawn(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'worker', '--burst'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((done) => worker.once('exit', done));
    expect(code, output).to.equal(0);
    expect(output).to.include('E-mail to ann@example.com').and.include('New comment on “Across instances”');
  });

  it('loses no accepted GET when an instance is killed under load, nor the session; the restarted one rejoins', async () => {
    const victim = instances[1];
    const before = instances.map((i) => answered(i, '/'));
    const started = Date.now();
    let sent = 0;
    const statuses: number[] = [];
    const worker = async () => {
      while (sent < 300) {
        sent += 1;
        if (sent === 60) victim.child.kill('SIGKILL');
        const page = await ann.request('/');
        const text = await page.text();
        statuses.push(page.status === 200 && text.includes('Signed in as <strong>ann</strong>') ? 200 : page.status);
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    expect(statuses.length).to.equal(300);
    expect(
      statuses.filter((s) => s !== 200),
      'non-200 or logged-out answers',
    ).to.deep.equal([]);
    const perInstance = instances.map((instance, i) => answered(instance, '/') - before[i]);
    console.log(
      `      300 GETs at 10 connections, instance 2 killed at the 60th: ${statuses.length} answered 200 logged in, 0 failed, in ${Date.now() - started} ms; per instance ${perInstance.join(' / ')}`,
    );

    instances[1] = await startInstance(victim.port, env);
    await new Promise((done) => setTimeout(done, 1100)); // nginx's fail_timeout
    // nginx tries the restarted instance again once fail_timeout has passed: within a few
    // seconds it answers its share, and every answer meanwhile is a 200.
    const deadline = Date.now() + 10_000;
    let sentAfter = 0;
    while (answered(instances[1], '/') === 0 && Date.now() < deadline) {
      expect((await ann.request('/')).status).to.equal(200);
      sentAfter += 1;
    }
    expect(answered(instances[1], '/'), `after ${sentAfter} requests`).to.be.at.least(1);
  });
});
