import { expect } from 'chai';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startFixture, type Child } from '../fixtures/processes';

const SCRIPT = join(__dirname, '../fixtures/server-app.js');

function exitOf(child: Child): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) resolve(child.process.exitCode);
    else child.process.once('exit', (code) => resolve(code));
  });
}

function collect(child: Child, from: 'stdout' | 'stderr' = 'stdout'): { text: () => string } {
  let text = '';
  child.process[from]!.on('data', (c) => {
    text += c;
  });
  return { text: () => text };
}

describe('server hardening and lifecycle (child processes)', function () {
  this.timeout(30_000);
  const children: Child[] = [];
  afterEach(async () => {
    await Promise.all(
      children.splice(0).map((c) => {
        c.process.kill('SIGKILL');
        return exitOf(c);
      }),
    );
  });

  async function start(env: Record<string, string> = {}, options: { detached?: boolean } = {}): Promise<Child> {
    const child = await startFixture(SCRIPT, { QUIET: '1', ...env }, options);
    children.push(child);
    return child;
  }

  it('cuts off a client trickling its headers past headersTimeout while serving others', async () => {
    const server = await start({ RONDO_HEADERS_TIMEOUT: '1000', RONDO_REQUEST_TIMEOUT: '2000' });
    const started = Date.now();
    const closed = new Promise<{ after: number; data: string }>((resolve) => {
      const socket = connect(server.port, '127.0.0.1');
      let data = '';
      socket.on('data', (c: Buffer) => {
        data += c.toString();
      });
      socket.on('close', () => resolve({ after: Date.now() - started, data }));
      socket.on('error', () => undefined);
      socket.write('GET /pid HTTP/1.1\r\nHost: localhost\r\n');
      const trickle = setInterval(() => {
        if (!socket.destroyed) socket.write('X');
        else clearInterval(trickle);
      }, 200);
      socket.on('close', () => clearInterval(trickle));
    });
    const meanwhile = await fetch(`http://127.0.0.1:${server.port}/pid`);
    expect(meanwhile.status).to.equal(200);
    const { after, data } = await closed;
    expect(after).to.be.lessThan(5000);
    expect(data === '' || /^HTTP\/1\.1 408/.test(data)).to.equal(true);
    expect((await fetch(`http://127.0.0.1:${server.port}/pid`)).status).to.equal(200);
  });

  it('finishes in-flight requests on SIGTERM, runs shutdown hooks and exits 0', async () => {
    const server = await start();
    const out = collect(server);
    const inFlight = fetch(`http://127.0.0.1:${server.port}/slow?ms=600`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 150));
    server.process.kill('SIGTERM');
    expect(await inFlight).to.include({ done: true });
    expect(await exitOf(server)).to.equal(0);
    expect(out.text()).to.include('SHUTDOWN-HOOK');
  });

  it('stops accepting new connections once shutting down', async () => {
    const server = await start();
    void fetch(`http://127.0.0.1:${server.port}/slow?ms=800`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    server.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 150));
    const error = await fetch(`http://127.0.0.1:${server.port}/pid`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect(await exitOf(server)).to.equal(0);
  });

  it('closes the rest and exits non-zero after shutdownTimeout', async () => {
    const server = await start({ RONDO_SHUTDOWN_TIMEOUT: '300' });
    const stream = new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('data', () => undefined);
      socket.on('close', () => resolve());
      socket.write('GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    await new Promise((r) => setTimeout(r, 200));
    server.process.kill('SIGTERM');
    await stream;
    expect(await exitOf(server)).to.equal(1);
  });

  it('runs N workers on one port, replaces a crashed one, and drains all on SIGTERM', async () => {
    const primary = await start({ WORKERS: '2' });
    const url = `http://127.0.0.1:${primary.port}`;
    const pids = new Set<number>();
    for (let i = 0; i < 40 && pids.size < 2; i++)
      pids.add(
        ((await (await fetch(`${url}/pid`, { headers: { connection: 'close' } })).json()) as { pid: number }).pid,
      );
    expect(pids.size).to.equal(2);
    await fetch(`${url}/crash`, { headers: { connection: 'close' } }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 800));
    const after = new Set<number>();
    for (let i = 0; i < 40 && after.size < 2; i++)
      after.add(
        ((await (await fetch(`${url}/pid`, { headers: { connection: 'close' } })).json()) as { pid: number }).pid,
      );
    expect(after.size).to.equal(2);
    expect([...after].some((pid) => !pids.has(pid))).to.equal(true);
    primary.process.kill('SIGTERM');
    expect(await exitOf(primary)).to.equal(0);
  });

  it('exits 1, naming the hook, when an onShutdown hook fails', async () => {
    const server = await start({ QUIET: '', SHUTDOWN_HOOK: 'fail' });
    const err = collect(server, 'stderr');
    server.process.kill('SIGTERM');
    expect(await exitOf(server)).to.equal(1);
    expect(err.text()).to.include('Pool.onShutdown() failed').and.to.include('could not flush the queue');
    expect(err.text()).to.match(/exit(ing)? with code 1/);
  });

  it('forces exit 1 at 2 × shutdownTimeout when an onShutdown hook never settles', async () => {
    const server = await start({ QUIET: '', SHUTDOWN_HOOK: 'hang', RONDO_SHUTDOWN_TIMEOUT: '300' });
    const err = collect(server, 'stderr');
    const started = Date.now();
    server.process.kill('SIGTERM');
    expect(await exitOf(server)).to.equal(1);
    expect(Date.now() - started).to.be.within(500, 3000);
    expect(err.text()).to.include('600 ms');
  });

  it('keeps its signal handlers during shutdown: a second signal exits 1 at once, with a message', async () => {
    const server = await start({ QUIET: '', SHUTDOWN_HOOK: 'slow' });
    const err = collect(server, 'stderr');
    server.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300)); // the servers are closed; the hook is running
    server.process.kill('SIGINT');
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      server.process.once('exit', (code, signal) => resolve({ code, signal })),
    );
    expect(exit).to.deep.equal({ code: 1, signal: null });
    expect(err.text()).to.include('SIGINT received again');
  });

  it("runs the primary's onShutdown hooks after draining the workers", async () => {
    const primary = await start({ WORKERS: '2' });
    const out = collect(primary);
    primary.process.kill('SIGTERM');
    expect(await exitOf(primary)).to.equal(0);
    const lines = out.text().split('\n');
    expect(lines.filter((l) => l === 'SHUTDOWN-HOOK worker')).to.have.length(2);
    expect(lines.filter((l) => l === 'SHUTDOWN-HOOK primary')).to.have.length(1);
    expect(lines.indexOf('SHUTDOWN-HOOK primary')).to.be.greaterThan(lines.lastIndexOf('SHUTDOWN-HOOK worker'));
  });

  it('reports a worker that fails to start and exits 1 instead of restarting it forever', async () => {
    const error = await start({ QUIET: '', WORKERS: '2', FAIL_WORKER_START: '1' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect(error!.message).to.include('exited with 1'); // the fixture's own exit code
    expect(error!.message).to.include('failed to start').and.to.include('WORKER_START_FAILED');
    expect(error!.message).to.include('FIXTURE: the database is unreachable'); // the worker's own error, on the shared stderr
  });

  it('drains the workers on Ctrl+C (SIGINT to the whole process group) and exits 0', async () => {
    const primary = await start({ WORKERS: '2' }, { detached: true });
    const inFlight = fetch(`http://127.0.0.1:${primary.port}/slow?ms=800`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 200));
    process.kill(-primary.process.pid!, 'SIGINT');
    expect(await inFlight).to.include({ done: true });
    expect(await exitOf(primary)).to.equal(0);
  });
});
