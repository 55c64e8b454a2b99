#!/usr/bin/env node
/**
 * The `rondo` command: new, routes, check, runserver. Commands that need the project's
 * app load it with `loadApp` (see load-app.ts). Exit codes: 0 ok, 1 error, 2 usage.
 */
import 'reflect-metadata';
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { DATABASE, RondoError, type Database } from '../index';
import { newProject } from './commands/new-project';
import { deployIssues } from './commands/deploy-check';
import { formatRoutes } from './commands/routes';
import { loadApp } from './load-app';

const USAGE = `Usage: rondo <command> [options]

Commands:
  new <name> [--rondo <spec>]        create a new project in ./<name>
  routes [--app <module>]            print the URL table
  check [--deploy] [--app <module>]  build the app and report configuration problems;
                                     --deploy adds the deployment checklist (exit 1 on issues)
  makemigrations <Name> [--app <m>]  write a migration for the entity changes (settings.migrationsSourceDir)
  migrate [--app <m>]                apply the pending migrations
  showmigrations [--app <m>]         list the migrations, [X] applied, [ ] pending
  runserver [host:port] [--app <m>]  serve the app (default 127.0.0.1:8000)
  serve [host:port] [--workers N|auto] [--app <m>]
                                     serve with N worker processes (node:cluster)

--app defaults to package.json "rondo.app", else dist/src/app.js (compiled JavaScript).`;

interface Parsed {
  positional: string[];
  flags: Map<string, string>;
}

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2);
      flags.set(key, inline ?? (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true'));
    } else positional.push(arg);
  }
  return { positional, flags };
}

async function run(argv: string[], out: (text: string) => void): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [command, ...rest] = positional;
  switch (command) {
    case 'new': {
      if (!rest[0]) return usage(out, 'rondo new needs a project name');
      const spec = flags.get('rondo') ?? `file:${resolve(__dirname, '../../..')}`;
      const files = newProject(rest[0], { rondoSpec: spec });
      out(`Created ${rest[0]}/ with ${files.length} files. Next:\n  cd ${rest[0]}\n  npm install\n  npm start`);
      return 0;
    }
    case 'routes': {
      const app = await loadApp(flags.get('app'));
      out(formatRoutes(app));
      await app.close();
      return 0;
    }
    case 'check': {
      const app = await loadApp(flags.get('app'));
      const issues = flags.has('deploy') ? deployIssues(app) : [];
      await app.close();
      if (issues.length === 0) {
        out(`System check identified no issues (${app.routes().length} routes).`);
        return 0;
      }
      out(issues.map((issue) => `WARNING ${issue.id}: ${issue.message}`).join('\n'));
      out(`System check identified ${issues.length} issue${issues.length === 1 ? '' : 's'} for deployment.`);
      return 1;
    }
    case 'makemigrations':
    case 'migrate':
    case 'showmigrations':
      return migrations(command, rest, flags, out);
    case 'runserver': {
      const [host, port] = (rest[0] ?? '127.0.0.1:8000').split(':');
      const app = await loadApp(flags.get('app'));
      const server = await app.listen({ host: host || '127.0.0.1', port: Number(port ?? 8000) });
      out(`Rondo serving on ${server.url} (Ctrl-C to stop)`);
      return -1;
    }
    case 'serve': {
      const [host, port] = (rest[0] ?? '127.0.0.1:8000').split(':');
      const workers = flags.get('workers') ?? 'auto';
      const app = await loadApp(flags.get('app'));
      const server = await app.listen({ host: host || '127.0.0.1', port: Number(port ?? 8000), workers: workers === 'auto' ? 'auto' : Number(workers) });
      if (cluster.isPrimary) out(`Rondo serving on ${server.url} with ${workers} workers (SIGTERM drains them)`);
      return -1;
    }
    case undefined:
    case 'help':
      out(USAGE);
      return 0;
    default:
      return usage(out, `Unknown command '${command}'`);
  }
}

async function migrations(command: string, rest: string[], flags: Map<string, string>, out: (text: string) => void): Promise<number> {
  if (flags.has('help')) {
    out(USAGE.split('\n').filter((line) => line.trimStart().startsWith(command)).join('\n'));
    return 0;
  }
  if (command === 'makemigrations' && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(rest[0] ?? '')) return usage(out, 'rondo makemigrations needs a name of letters and digits, e.g. rondo makemigrations AddPosts');
  const app = await loadApp(flags.get('app'));
  try {
    if (!app.container.isBound(DATABASE)) {
      throw new RondoError('CLI_NO_MODELS', 'This app declares no entity, so it has no database to migrate; add @Entity() classes (a models folder in discover, or createApp({ entities }))');
    }
    const database = app.container.get<Database>(DATABASE);
    if (command === 'makemigrations') {
      const file = await database.makeMigration(rest[0], resolve(app.settings.migrationsSourceDir));
      out(file === undefined ? 'No changes detected.' : `Wrote ${file}\nCompile it (npm run build), then run: rondo migrate`);
    } else if (command === 'migrate') {
      const applied = await database.migrate();
      out(applied.length === 0 ? 'No migrations to apply.' : applied.map((name) => `Applied ${name}`).join('\n'));
    } else {
      const states = await database.migrations();
      out(states.length === 0 ? '(no migrations)' : states.map((m) => `[${m.applied ? 'X' : ' '}] ${m.name}`).join('\n'));
    }
    return 0;
  } finally {
    await app.close();
  }
}

function usage(out: (text: string) => void, problem: string): number {
  out(`${problem}\n\n${USAGE}`);
  return 2;
}

run(process.argv.slice(2), (text) => process.stdout.write(`${text}\n`)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof RondoError) process.stderr.write(`${error.name} [${error.code}]: ${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
