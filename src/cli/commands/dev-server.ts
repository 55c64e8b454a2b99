/**
 * `rondo runserver` in a TypeScript project: `tsc --watch` (which emits the decorator
 * metadata injection needs) rebuilds on every change, and after each build without errors
 * the app is restarted in a child process on the same port, with debug pages on. A compile
 * error, or an app that fails to start, is printed here and shown on every page until the
 * next good build; the loop keeps going. The child has an IPC channel to this process and
 * stops when it closes, so no app outlives runserver, however runserver ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ImproperlyConfigured } from '../../index';
import { serveProblem, type ProblemServer } from '../../server/problem-server';

export interface DevServerOptions {
  host: string;
  port: number;
  project: string;
  /** --app, passed on to the child. */
  app: string | undefined;
  out: (text: string) => void;
}

function tscPath(project: string): string {
  try {
    const manifest = require.resolve('typescript/package.json', { paths: [project] });
    const { bin } = require(manifest) as { bin: { tsc: string } };
    return join(dirname(manifest), bin.tsc);
  } catch {
    throw new ImproperlyConfigured(
      'CLI_NO_TYPESCRIPT',
      `rondo runserver rebuilds with the project's TypeScript, and ${project} has none: npm install --save-dev typescript (or pass --noreload to serve the compiled app as it is)`,
    );
  }
}

/** Children runserver stopped itself (their exit is not a crash). */
const stopped = new WeakSet<ChildProcess>();

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  stopped.add(child);
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function runDevServer(options: DevServerOptions): void {
  const { host, port, project, out } = options;
  const cli = join(__dirname, '../main.js');
  let app: ChildProcess | undefined;
  let problem: ProblemServer | undefined;
  let compileOutput = '';
  let queue = Promise.resolve();

  /** Runs one step at a time, so that a restart never overlaps the previous one. */
  const then = (step: () => Promise<void>) => {
    queue = queue.then(step).catch((error: unknown) => out(`runserver: ${(error as Error).message}`));
  };

  const showProblem = async (title: string, detail: string) => {
    await problem?.close();
    problem = await serveProblem(host, port, title, detail);
    out(`${title} — shown on http://${host}:${port}/ until the next good build`);
  };

  const startApp = async () => {
    await stopChild(app);
    await problem?.close();
    problem = undefined;
    const child = spawn(
      process.execPath,
      [cli, 'runserver', `${host}:${port}`, '--noreload', ...(options.app ? ['--app', options.app] : [])],
      {
        cwd: project,
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
        env: { RONDO_DEBUG: 'true', ...process.env },
      },
    );
    app = child;
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderr += chunk.toString();
    });
    child.once('exit', (code) => {
      if (stopped.has(child) || app !== child) return; // stopped for a restart
      app = undefined;
      then(() => showProblem(`The app stopped (exit ${code})`, stderr || '(it printed nothing on stderr)'));
    });
  };

  const tsc = spawn(process.execPath, [tscPath(project), '-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let pending = '';
  tsc.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (/Starting (incremental )?compilation/.test(line)) compileOutput = '';
      const done = /Found (\d+) errors?\. Watching for file changes/.exec(line);
      if (done === null) {
        if (line.trim() !== '' && !/Starting (incremental )?compilation/.test(line)) compileOutput += `${line}\n`;
        continue;
      }
      if (done[1] === '0') {
        out('Build OK; (re)starting the app');
        then(startApp);
      } else {
        out(compileOutput.trimEnd());
        const detail = compileOutput;
        then(async () => {
          await stopChild(app);
          app = undefined;
          await showProblem(`TypeScript found ${done[1]} error${done[1] === '1' ? '' : 's'}`, detail);
        });
      }
    }
  });
  tsc.once('exit', (code) => {
    out(`tsc --watch exited (${code}); runserver stops`);
    void stopChild(app)
      .then(() => problem?.close())
      .then(() => process.exit(1));
  });
  const quit = () => {
    tsc.removeAllListeners('exit');
    tsc.kill('SIGTERM');
    void stopChild(app)
      .then(() => problem?.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
  out(`Watching ${project} with tsc --watch; serving on http://${host}:${port}/ (Ctrl-C to stop)`);
}
