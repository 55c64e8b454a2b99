import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, linkPackages } from '../fixtures/projects';
import { freePort } from '../fixtures/ports';

const CLI = join(ROOT, 'dist/src/cli/main.js');

/** Resolves when the output so far, after `from`, matches `pattern`. */
function waitFor(output: () => string, pattern: RegExp, from: number, ms = 20_000): Promise<void> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const timer = setInterval(() => {
      if (pattern.test(output().slice(from))) {
        clearInterval(timer);
        done();
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        fail(new Error(`no ${pattern} within ${ms} ms; output:\n${output()}`));
      }
    }, 50);
  });
}

/**
 * GETs `url` until `accept` takes the answer (a save can start two builds, so the restart
 * that printed "serving" may be followed by one more); fails after `ms`.
 */
async function eventually<T>(
  url: string,
  read: (response: Response) => Promise<T>,
  accept: (value: T) => boolean,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await read(await fetch(url));
      if (accept(value)) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(
    `GET ${url} did not give the expected answer within ${ms} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
  );
}

describe('rondo runserver in a TypeScript project (rebuild and restart on change)', function () {
  this.timeout(90_000);
  let dir: string;
  let server: ChildProcess | undefined;
  afterEach(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** A `rondo new <name> --minimal` project in a fresh folder, its dependencies linked. */
  function minimalProject(name: string): string {
    dir = mkdtempSync(join(tmpdir(), 'rondo-dev-'));
    expect(spawnSync(process.execPath, [CLI, 'new', name, '--minimal'], { cwd: dir }).status).to.equal(0);
    const project = join(dir, name);
    linkPackages(project, [
      'rondo',
      'reflect-metadata',
      'typescript',
      'mocha',
      'chai',
      '@types/node',
      '@types/mocha',
      '@types/chai',
    ]);
    return project;
  }

  it('serves with debug pages, restarts on the same port after a change, and shows a compile error on the page until it is fixed', async () => {
    const project = minimalProject('live');
    const port = await freePort();
    let output = '';
    const env = { ...process.env };
    delete env.RONDO_DEBUG; // runserver turns debug on unless the environment says otherwise
    server = spawn(process.execPath, [CLI, 'runserver', `127.0.0.1:${port}`], { cwd: project, env });
    server.stdout!.on('data', (c) => {
      output += c;
    });
    server.stderr!.on('data', (c) => {
      output += c;
    });
    const url = `http://127.0.0.1:${port}`;

    await waitFor(() => output, /Rondo serving on/, 0);
    expect(await (await fetch(`${url}/?name=Ada`)).json()).to.deep.equal({ message: 'Hello, Ada!' });
    const missing = await fetch(`${url}/nowhere`);
    expect(missing.status).to.equal(404);
    expect(await missing.text()).to.include('Rondo tried these URL patterns'); // debug is on: the 404 lists the routes

    const service = join(project, 'src/services/greeting.service.ts');
    let mark = output.length;
    writeFileSync(service, readFileSync(service, 'utf8').replace('Hello, ', 'Welcome, '));
    await waitFor(() => output, /Rondo serving on/, mark);
    await eventually(
      `${url}/?name=Ada`,
      (r) => r.json(),
      (body) => (body as { message: string }).message === 'Welcome, Ada!',
      5000,
    );

    mark = output.length;
    const good = readFileSync(service, 'utf8');
    writeFileSync(service, `${good}\nexport const broken: number = 'text';\n`);
    await waitFor(() => output, /TypeScript found 1 error/, mark);
    // tsc may first see the file half-written (an error elsewhere), then the whole file
    const page = await eventually(
      `${url}/`,
      async (r) => ({ status: r.status, html: await r.text() }),
      (p) => p.html.includes('TS2322'),
      10_000,
    );
    expect(page.status).to.equal(500);
    expect(page.html).to.include('TypeScript found 1 error').and.include('greeting.service.ts').and.include('TS2322');

    mark = output.length;
    writeFileSync(service, good);
    await waitFor(() => output, /Rondo serving on/, mark);
    await eventually(
      `${url}/`,
      async (r) => r.status,
      (status) => status === 200,
      5000,
    );

    const exited = new Promise<number | null>((done) => server!.once('exit', done));
    server.kill('SIGKILL'); // even killed outright, the app child stops with it and frees the port
    await exited;
    let free = false;
    for (let i = 0; i < 50 && !free; i++) {
      free = await fetch(url).then(
        () => false,
        () => true,
      );
      if (!free) await new Promise((r) => setTimeout(r, 100));
    }
    expect(free, 'the port is free after runserver ended').to.equal(true);
  });

  it('maps debug tracebacks to the TypeScript source, and SIGTERM stops the app and tsc --watch', async () => {
    const project = minimalProject('traced');
    const service = join(project, 'src/services/greeting.service.ts');
    writeFileSync(
      service,
      readFileSync(service, 'utf8').replace(
        'return `Hello',
        "if (name === 'boom') throw new Error('boom');\n    return `Hello",
      ),
    );
    const port = await freePort();
    let output = '';
    server = spawn(process.execPath, [CLI, 'runserver', `127.0.0.1:${port}`], { cwd: project });
    server.stdout!.on('data', (c) => (output += c));
    server.stderr!.on('data', (c) => (output += c));
    await waitFor(() => output, /Rondo serving on/, 0);

    const page = await fetch(`http://127.0.0.1:${port}/?name=boom`, { headers: { accept: 'text/html' } });
    expect(page.status).to.equal(500);
    expect(await page.text()).to.match(/src\/services\/greeting\.service\.ts:6:\d+/);

    const exited = new Promise<number | null>((done) => server!.once('exit', done));
    server.kill('SIGTERM');
    expect(await exited).to.equal(0);
    let left = '';
    for (let i = 0; i < 50; i++) {
      left = spawnSync('pgrep', ['-af', project], { encoding: 'utf8' }).stdout.trim();
      if (left === '') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(left, 'processes of the project left running').to.equal('');
  });
});
