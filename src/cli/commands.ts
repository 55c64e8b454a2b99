/**
 * The table of `rondo` commands: usage, help, options and what each runs. Commands that
 * need the project's app load it with `loadApp` (load-app.ts).
 */
import cluster from 'node:cluster';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { start as startRepl, type REPLServer } from 'node:repl';
import { PassThrough } from 'node:stream';
import { basename, dirname, join, resolve } from 'node:path';
import { ImproperlyConfigured, RondoError, type App } from '../index';
import { DATABASE, type Database } from '../db/index';
import { APP_OPTION, UsageError, type Command, type CommandContext } from './command';
import { deployIssues, systemIssues } from './commands/deploy-check';
import { runDevServer } from './commands/dev-server';
import { generate, GENERATORS } from './commands/generate';
import { newProject } from './commands/new-project';
import { formatExplanation, formatRoutes } from './commands/routes';
import { loadApp } from './load-app';
import { OPENAPI_OPTIONS } from '../openapi/index';
import { Signals, migrationApplied } from '../signals/signals';

function hostPort(value: string | undefined): { host: string; port: number } {
  const [host, port] = (value ?? '127.0.0.1:8000').split(':');
  const number = Number(port ?? 8000);
  if (!Number.isInteger(number) || number < 0 || number > 65535)
    throw new UsageError(`'${value}' is not host:port (e.g. 127.0.0.1:8000)`);
  return { host: host || '127.0.0.1', port: number };
}

async function withDatabase(
  context: CommandContext,
  use: (database: Database, app: App) => Promise<string>,
): Promise<number> {
  const app = await loadApp(context.values.app as string | undefined);
  try {
    if (!app.container.isBound(DATABASE)) {
      throw new RondoError(
        'CLI_NO_MODELS',
        'This app declares no entity, so it has no database to migrate; add @Entity() classes (a models folder in discover, or createApp({ entities }))',
      );
    }
    context.out(await use(app.container.get<Database>(DATABASE), app));
    return 0;
  } finally {
    await app.close();
  }
}

/** Applies the pending migrations, then sends migrationApplied for each (Django's post_migrate). */
async function migrateApp(app: App, database: Database): Promise<string[]> {
  const applied = await database.migrate();
  const signals = app.container.get(Signals);
  for (const name of applied) await signals.send(migrationApplied, { name });
  return applied;
}

/**
 * runserver's first five minutes: an embedded SQLite database gets its pending migrations
 * (as `npm start` of a new project does), so a fresh project never answers "no such table";
 * a server database is left alone with one line naming `rondo migrate`.
 */
async function migrateForDevelopment(app: App, out: (text: string) => void): Promise<void> {
  if (!app.container.isBound(DATABASE)) return;
  const database = app.container.get<Database>(DATABASE);
  if (database.url.startsWith('sqlite:')) {
    for (const name of await migrateApp(app, database)) out(`Applied migration ${name} (embedded SQLite database)`);
  } else if ((await database.migrations()).some((migration) => !migration.applied)) {
    out(
      'There are unapplied migrations: run rondo migrate (runserver applies them only to an embedded SQLite database)',
    );
  }
}

/** Applies an embedded SQLite database's pending migrations; refuses a server database that has some. */
async function applyPendingBeforeDiff(database: Database): Promise<string[]> {
  const pending = (await database.migrations()).filter((migration) => !migration.applied);
  if (pending.length === 0) return [];
  if (database.url.startsWith('sqlite:')) return database.migrate();
  throw new ImproperlyConfigured(
    'MIGRATIONS_PENDING',
    `rondo makemigrations compares the entities with the database, which lacks ${pending.length} migration(s) ` +
      `(${pending.map((migration) => migration.name).join(', ')}); run rondo migrate first, then makemigrations again`,
  );
}

/**
 * Feeds standard input to the REPL one line at a time, each after the previous one is
 * evaluated (its promise settled), so that `rondo shell < script` runs a script whose lines
 * await: Node's REPL would otherwise read every piped line at once and run them before
 * the awaited results exist.
 */
async function feedLineByLine(repl: REPLServer, input: PassThrough): Promise<void> {
  const evaluate = repl.eval.bind(repl);
  let evaluated: () => void = () => undefined;
  (repl as { eval: REPLServer['eval'] }).eval = (code, context, file, callback) =>
    evaluate(code, context, file, (error, result) => {
      callback(error, result);
      evaluated();
    });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  repl.once('exit', () => lines.close()); // `.exit` before the end of the input
  for await (const line of lines) {
    const done = new Promise<void>((resolve) => (evaluated = resolve));
    input.write(`${line}\n`);
    if (line.trim() !== '' && !line.trim().startsWith('.')) await done;
  }
  input.end();
}

/**
 * How a new project depends on rondo when --rondo is not given: run from a checkout, a
 * `file:` link to it; run from a project that installed rondo (from `npm pack`'s tarball),
 * the same source that project's package.json names, so both install the same build.
 */
function defaultRondoSpec(): string {
  const own = resolve(__dirname, '../../..');
  if (basename(dirname(own)) !== 'node_modules') return `file:${own}`;
  const host = dirname(dirname(own));
  const pkg = JSON.parse(readFileSync(join(host, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const spec = pkg.dependencies?.rondo ?? pkg.devDependencies?.rondo;
  if (spec === undefined) return `file:${own}`;
  return spec.startsWith('file:') ? `file:${resolve(host, spec.slice('file:'.length))}` : spec;
}

/** The first line of a stream (standard input), without its newline. */
async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** Asks one question at the terminal; `hidden` does not echo what is typed (passwords). */
function prompter(): (question: string, hidden?: boolean) => Promise<string> {
  return (question, hidden = false) =>
    new Promise((resolve, reject) => {
      const { stdin, stdout } = process;
      stdout.write(question);
      let answer = '';
      stdin.setRawMode?.(true);
      stdin.resume();
      stdin.setEncoding('utf8');
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === '\u0003') {
            finish();
            reject(new UsageError('interrupted'));
            return;
          }
          if (char === '\r' || char === '\n') {
            stdout.write('\n');
            finish();
            resolve(answer);
            return;
          }
          if (char === '\u007f') {
            answer = answer.slice(0, -1);
            if (!hidden) stdout.write('\b \b');
            continue;
          }
          answer += char;
          if (!hidden) stdout.write(char);
        }
      };
      const finish = () => {
        stdin.off('data', onData);
        stdin.setRawMode?.(false);
        stdin.pause();
      };
      stdin.on('data', onData);
    });
}

/** What `rondo shell` puts in the REPL's scope. */
function shellContext(app: App): Record<string, unknown> {
  const context: Record<string, unknown> = {
    app,
    container: app.container,
    settings: app.settings,
    reverse: app.reverse.bind(app),
    rondo: require('../index'),
  };
  if (app.container.isBound(DATABASE)) {
    const db = app.container.get<Database>(DATABASE);
    context.db = db;
    context.repositories = Object.fromEntries(
      db.dataSource.entityMetadatas.map((m) => [m.name, db.repository(m.target as Function)]),
    );
  }
  return context;
}

export const COMMANDS: Record<string, Command> = {
  new: {
    usage: 'new <name> [--database sqlite|postgres] [--minimal] [--rondo <spec>]',
    help:
      'create a new project in ./<name> (refuses a folder that is not empty)\n\n' +
      '  --database  sqlite (default: an embedded file, migrated on first run) or postgres (DATABASE_URL)\n' +
      '  --minimal   only a JSON home page and its test: no models, templates or static files\n' +
      '  --rondo     how package.json depends on rondo (default: a file: link to this checkout)',
    options: { database: { type: 'string' }, minimal: { type: 'boolean' }, rondo: { type: 'string' } },
    maxPositionals: 1,
    async run({ positionals: [name], values, out }) {
      if (!name) throw new UsageError('rondo new needs a project name');
      const database = (values.database as string | undefined) ?? 'sqlite';
      if (database !== 'sqlite' && database !== 'postgres')
        throw new UsageError(`--database must be sqlite or postgres, not '${database}'`);
      const spec = (values.rondo as string | undefined) ?? defaultRondoSpec();
      const files = newProject(name, { rondoSpec: spec, database, minimal: values.minimal === true });
      out(
        `Created ${name}/ with ${files.length} files. Next:\n  cd ${name}\n  npm install\n  npm test\n  npm run dev      # http://127.0.0.1:8000, rebuilt and restarted on change`,
      );
      return 0;
    },
  },
  generate: {
    usage: `generate <${Object.keys(GENERATORS).join('|')}> <Name>`,
    help:
      'write a class in the right folder with a matching test (never overwrites)\n\n' +
      Object.entries(GENERATORS)
        .map(([kind, g]) => `  ${kind.padEnd(10)} ${g.summary}`)
        .join('\n'),
    options: {},
    maxPositionals: 2,
    async run({ positionals: [kind, name], out }) {
      if (!kind || !name)
        throw new UsageError('rondo generate needs a kind and a name, e.g. rondo generate resource Article');
      if (!Object.prototype.hasOwnProperty.call(GENERATORS, kind))
        throw new UsageError(`unknown kind '${kind}'; use one of ${Object.keys(GENERATORS).join(', ')}`);
      const { written, updated, install, next } = generate(kind, name, process.cwd());
      out(
        [
          ...written.map((file) => `Wrote ${file}`),
          ...updated.map(
            (file) => `Updated ${file} (${file === 'src/admin.ts' ? 'registered with the admin' : 'menu link'})`,
          ),
          install.length ? `Its files import packages this project lacks: npm install ${install.join(' ')}` : '',
          next ?? '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
      return 0;
    },
  },
  routes: {
    usage: 'routes [--explain METHOD PATH] [--app <module>]',
    help:
      'print the URL table: path, methods, name, view, and the middleware every route passes\n\n' +
      '  --explain GET /posts/42  the effective pipeline of that request: matched pattern and converted params,\n' +
      '                           the middleware in and out (order, file), the processView hooks, the view and\n' +
      "                           the DI scope of each of the controller's dependencies",
    options: { ...APP_OPTION, explain: { type: 'boolean' } },
    maxPositionals: 2,
    async run({ positionals, values, out }) {
      if (values.explain && (positionals.length !== 2 || !positionals[1].startsWith('/')))
        throw new UsageError('--explain needs a method and a path, e.g. rondo routes --explain GET /posts/42');
      if (!values.explain && positionals.length > 0)
        throw new UsageError(
          `unexpected argument '${positionals[0]}' (did you mean --explain ${positionals.join(' ')}?)`,
        );
      const app = await loadApp(values.app as string | undefined);
      out(values.explain ? formatExplanation(app.explain(positionals[0], positionals[1])) : formatRoutes(app));
      await app.close();
      return 0;
    },
  },
  check: {
    usage: 'check [--deploy] [--fail-level ERROR|WARNING] [--app <module>]',
    help:
      'build the app and run the system checks (a configuration mistake that createApp catches is an error too)\n\n' +
      '  --deploy      add the deployment checklist (warnings: debug, secretKey, allowedHosts, HTTPS, cookies, HSTS, framing)\n' +
      '  --fail-level  the level that makes the exit code 1 (default ERROR)',
    options: { ...APP_OPTION, deploy: { type: 'boolean' }, 'fail-level': { type: 'string' } },
    maxPositionals: 0,
    async run({ values, out }) {
      const failLevel = ((values['fail-level'] as string | undefined) ?? 'ERROR').toUpperCase();
      if (failLevel !== 'ERROR' && failLevel !== 'WARNING')
        throw new UsageError(`--fail-level must be ERROR or WARNING, not '${values['fail-level']}'`);
      const app = await loadApp(values.app as string | undefined);
      const issues = [...systemIssues(app), ...(values.deploy ? deployIssues(app) : [])];
      await app.close();
      if (issues.length === 0) {
        out(`System check identified no issues (${app.routes().length} routes).`);
        return 0;
      }
      out(issues.map((issue) => `${issue.level} ${issue.id}: ${issue.message}`).join('\n'));
      out(
        `System check identified ${issues.length} issue${issues.length === 1 ? '' : 's'}${values.deploy ? ' (with the deployment checklist)' : ''}.`,
      );
      return issues.some((issue) => issue.level === 'ERROR' || failLevel === 'WARNING') ? 1 : 0;
    },
  },
  makemigrations: {
    usage: 'makemigrations <Name> [--app <module>]',
    help: 'write a migration for the entity changes into settings.migrationsSourceDir',
    options: APP_OPTION,
    maxPositionals: 1,
    run(context) {
      const name = context.positionals[0] ?? '';
      if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name))
        throw new UsageError(
          'rondo makemigrations needs a name of letters and digits, e.g. rondo makemigrations AddPosts',
        );
      return withDatabase(context, async (database, app) => {
        // The entities are compared with the live schema, so that schema must be what the
        // existing migrations make, or their tables would be written again (Django diffs
        // against the migrations themselves; TypeORM can only diff a database).
        const applied = await applyPendingBeforeDiff(database);
        const file = await database.makeMigration(name, resolve(app.settings.migrationsSourceDir));
        return [
          ...applied.map((migration) => `Applied migration ${migration} (embedded SQLite database)`),
          file === undefined
            ? 'No changes detected.'
            : `Wrote ${file}\nCompile it (npm run build), then run: rondo migrate`,
        ].join('\n');
      });
    },
  },
  migrate: {
    usage: 'migrate [--app <module>]',
    help: 'apply the pending migrations (settings.migrations)',
    options: APP_OPTION,
    maxPositionals: 0,
    run: (context) =>
      withDatabase(context, async (database, app) => {
        const applied = await migrateApp(app, database);
        return applied.length === 0 ? 'No migrations to apply.' : applied.map((name) => `Applied ${name}`).join('\n');
      }),
  },
  clearsessions: {
    usage: 'clearsessions [--app <module>]',
    help: "delete the expired sessions of sessionEngine 'database' (run it daily, e.g. from cron)",
    options: APP_OPTION,
    maxPositionals: 0,
    run: async (context) => {
      const app = await loadApp(context.values.app as string | undefined);
      try {
        const engine = app.settings.sessionEngine;
        if (engine !== 'database' || app.settings.sessionStore !== null) {
          context.out(
            `sessionEngine is '${engine}'${app.settings.sessionStore !== null ? ' with a custom sessionStore' : ''}: its sessions expire by themselves, nothing to clear.`,
          );
          return 0;
        }
        const { DatabaseSessionStore } =
          require('../sessions/database-store') as typeof import('../sessions/database-store');
        const deleted = await new DatabaseSessionStore(app.container.get<Database>(DATABASE)).clearExpired();
        context.out(`Deleted ${deleted} expired session${deleted === 1 ? '' : 's'}.`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },
  showmigrations: {
    usage: 'showmigrations [--app <module>]',
    help: 'list the migrations, [X] applied, [ ] pending',
    options: APP_OPTION,
    maxPositionals: 0,
    run: (context) =>
      withDatabase(context, async (database) => {
        const states = await database.migrations();
        return states.length === 0
          ? '(no migrations)'
          : states.map((m) => `[${m.applied ? 'X' : ' '}] ${m.name}`).join('\n');
      }),
  },
  openapi: {
    usage: 'openapi [--out <file>] [--app <module>]',
    help: "write the app's OpenAPI 3.1 document (JSON) to standard output or --out, with openapiApp()'s options when the app mounts it",
    options: { ...APP_OPTION, out: { type: 'string' } },
    maxPositionals: 0,
    async run({ values, out }) {
      const app = await loadApp(values.app as string | undefined);
      try {
        const options = app.container.isBound(OPENAPI_OPTIONS) ? app.container.get<object>(OPENAPI_OPTIONS) : {};
        const json = `${JSON.stringify(app.openapi(options), null, 2)}\n`;
        if (typeof values.out === 'string') {
          writeFileSync(resolve(values.out), json);
          out(`Wrote ${values.out} (${Object.keys(app.openapi(options).paths).length} paths)`);
        } else process.stdout.write(json);
        return 0;
      } finally {
        await app.close();
      }
    },
  },
  runserver: {
    usage: 'runserver [host:port] [--noreload] [--app <module>]',
    help:
      'serve the app for development (default 127.0.0.1:8000) with debug pages on (RONDO_DEBUG=true unless set)\n\n' +
      '  In a project with a tsconfig.json: tsc --watch rebuilds on every change and the app restarts on the same\n' +
      '  port after each good build; a compile error is printed and shown on every page until the next good build.\n' +
      '  --noreload  serve the compiled app once, as it is',
    options: { ...APP_OPTION, noreload: { type: 'boolean' } },
    maxPositionals: 1,
    async run({ positionals, values, out }) {
      const { host, port } = hostPort(positionals[0]);
      if (!values.noreload && existsSync(resolve('tsconfig.json'))) {
        runDevServer({ host, port, project: process.cwd(), app: values.app as string | undefined, out });
        return -1;
      }
      // Debug tracebacks name the TypeScript lines; only modules loaded after this call are mapped.
      process.setSourceMapsEnabled(true);
      const app = await loadApp(values.app as string | undefined);
      await migrateForDevelopment(app, out);
      const server = await app.listen({ host, port });
      // Started by the reloading runserver: stop with it (its IPC channel closes when it ends).
      if (process.connected) process.once('disconnect', () => void app.close().finally(() => process.exit(0)));
      out(`Rondo serving on ${server.url} (Ctrl-C to stop)`);
      return -1;
    },
  },
  createsuperuser: {
    usage: 'createsuperuser [--username <name>] [--email <address>] [--noinput] [--app <module>]',
    help: 'create a superuser (rondo/auth). At a terminal it asks for what is missing (the password twice, hidden); with --noinput (or no terminal) it takes RONDO_SUPERUSER_USERNAME, RONDO_SUPERUSER_EMAIL and RONDO_SUPERUSER_PASSWORD (else the first line of standard input)',
    options: { ...APP_OPTION, username: { type: 'string' }, email: { type: 'string' }, noinput: { type: 'boolean' } },
    maxPositionals: 0,
    async run({ values, out }) {
      const env = process.env;
      const interactive = !values.noinput && process.stdin.isTTY === true;
      const ask = interactive ? prompter() : undefined;
      const username =
        (values.username as string | undefined) ?? env.RONDO_SUPERUSER_USERNAME ?? (await ask?.('Username: '));
      if (!username)
        throw new UsageError(
          'rondo createsuperuser needs a username: --username, or RONDO_SUPERUSER_USERNAME with --noinput',
        );
      const email =
        (values.email as string | undefined) ??
        env.RONDO_SUPERUSER_EMAIL ??
        ((await ask?.('Email address (optional): ')) || null);
      let password = env.RONDO_SUPERUSER_PASSWORD;
      if (password === undefined && ask !== undefined) {
        password = await ask('Password: ', true);
        if ((await ask('Password (again): ', true)) !== password)
          throw new UsageError("the two passwords didn't match; run it again");
      }
      password ??= await firstLine(process.stdin);
      const app = await loadApp(values.app as string | undefined);
      try {
        const { Accounts } = require('../accounts/accounts') as typeof import('../accounts/accounts');
        if (!app.container.isBound(Accounts)) {
          throw new RondoError(
            'CLI_NO_ACCOUNTS',
            'This app does not use rondo/auth: add authApp() to createApp({ apps })',
          );
        }
        const accounts = app.container.get(Accounts);
        const weak = accounts.validatePassword(password, { username, email });
        if (weak.length > 0)
          throw new UsageError(`the password is refused by settings.passwordRules: ${weak.join(' ')}`);
        if (await accounts.exists(username))
          throw new RondoError(
            'CLI_USER_EXISTS',
            `A user named '${username}' exists already; choose another --username`,
          );
        const user = await accounts.createSuperuser({ username, password, email });
        out(`Superuser ${user.username} created (id ${user.id}).`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },
  shell: {
    usage: 'shell [--app <module>]',
    help: "a REPL with the app built: app, container, settings, reverse, db and repositories (one per entity, by name), and rondo's exports as rondo; await works at the top level",
    options: APP_OPTION,
    maxPositionals: 0,
    async run({ values, out }) {
      const app = await loadApp(values.app as string | undefined);
      const context = shellContext(app);
      out(`Rondo shell: ${Object.keys(context).join(', ')} (.exit or Ctrl-D to leave)`);
      const piped = process.stdin.isTTY !== true;
      const input = piped ? new PassThrough() : process.stdin;
      const repl = startRepl({ prompt: 'rondo> ', useGlobal: false, input, output: process.stdout, terminal: false });
      Object.assign(repl.context, context);
      const exited = new Promise<void>((done) => repl.once('exit', done));
      if (piped) void feedLineByLine(repl, input as PassThrough);
      await exited;
      await app.close();
      return 0;
    },
  },
  serve: {
    usage: 'serve [host:port] [--workers N|auto] [--app <module>]',
    help: 'serve with N worker processes (node:cluster; auto = one per core); SIGTERM drains them',
    options: { ...APP_OPTION, workers: { type: 'string' } },
    maxPositionals: 1,
    async run({ positionals, values, out }) {
      const { host, port } = hostPort(positionals[0]);
      const workers = (values.workers as string | undefined) ?? 'auto';
      if (workers !== 'auto' && !(Number.isInteger(Number(workers)) && Number(workers) > 0))
        throw new UsageError(`--workers must be a positive number or auto, not '${workers}'`);
      const app = await loadApp(values.app as string | undefined);
      const server = await app.listen({ host, port, workers: workers === 'auto' ? 'auto' : Number(workers) });
      if (cluster.isPrimary) out(`Rondo serving on ${server.url} with ${workers} workers (SIGTERM drains them)`);
      return -1;
    },
  },
  worker: {
    usage: 'worker [--concurrency N] [--queue <name>]... [--schedule] [--burst] [--app <module>]',
    help: [
      "run the app's background tasks (settings.tasksBackend 'database' or 'redis') until SIGTERM",
      '  --concurrency N   tasks run at once (default 1)',
      "  --queue <name>    serve only this queue (repeat for several; default every queue the app's tasks use)",
      '  --schedule        also enqueue the @Schedule tasks at their ticks (once per tick however many run)',
      '  --burst           exit once no task is ready',
      'SIGTERM or SIGINT: no new task is taken and the running ones get shutdownTimeout to finish (then they go back to the queue); a second signal exits at once.',
    ].join('\n'),
    options: {
      ...APP_OPTION,
      concurrency: { type: 'string' },
      queue: { type: 'string', multiple: true },
      schedule: { type: 'boolean' },
      burst: { type: 'boolean' },
    },
    maxPositionals: 0,
    async run({ values, out }) {
      const concurrency = Number(values.concurrency ?? 1);
      if (!Number.isSafeInteger(concurrency) || concurrency < 1)
        throw new UsageError(`--concurrency must be a whole number of 1 or more, not '${String(values.concurrency)}'`);
      if (values.burst && values.schedule)
        throw new UsageError(
          '--burst and --schedule do not go together: a burst worker exits, a scheduler must keep running',
        );
      const app = await loadApp(values.app as string | undefined);
      const { runWorker } = require('../tasks/worker') as typeof import('../tasks/worker');
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) process.exit(1);
        out(`${signal}: finishing the running tasks (a second signal exits at once)`);
        stop.abort();
      };
      process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
      try {
        await runWorker(app, {
          concurrency,
          queues: (values.queue as unknown as string[] | undefined)?.length
            ? (values.queue as unknown as string[])
            : undefined,
          schedule: values.schedule === true,
          burst: values.burst === true,
          signal: stop.signal,
        });
        out('Worker stopped.');
        return 0;
      } finally {
        process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
        await app.close();
      }
    },
  },
};
