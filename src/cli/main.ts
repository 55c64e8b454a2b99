#!/usr/bin/env node
/**
 * The `rondo` command. Each command (commands.ts) declares its options; unknown options,
 * missing values and extra arguments are usage errors (exit 2), `--help` works on every
 * command, a RondoError prints its code and message (exit 1).
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ImproperlyConfigured, RondoError, type App } from '../index';
import { CommandUsageError, commandHelp, type CommandInfo } from '../management/run-command';
import { appModulePath, loadApp } from './load-app';
import { parseCommand, UsageError } from './command';
import { COMMANDS } from './commands';

function usage(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.help.split('\n')[0]}`);
  return (
    `Usage: rondo <command> [options]   (rondo <command> --help for its options)\n\nCommands:\n${lines.join('\n')}\n\n` +
    '--app defaults to package.json "rondo.app", else dist/src/app.js (compiled JavaScript).'
  );
}

async function run(argv: string[], out: (text: string) => void): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const { app: explicit, rest: topic } = splitApp(rest);
    const command = topic[0] === undefined ? undefined : COMMANDS[topic[0]];
    if (command) out(`Usage: rondo ${command.usage}\n\n${command.help}`);
    else if (topic[0] !== undefined) return runAppCommand(topic[0], ['--help', ...rest.slice(1)], out);
    else out(usage() + (await appCommandList(undefined, explicit)));
    return 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) return runAppCommand(name, rest, out);
  try {
    const parsed = parseCommand(name, command, rest);
    if (parsed.values.help) {
      out(`Usage: rondo ${command.usage}\n\n${command.help}`);
      return 0;
    }
    return await command.run({ ...parsed, out });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out(`${error.message}\n\nUsage: rondo ${command.usage}\n\n${command.help}`);
    return 2;
  }
}

/** `--app <module>` taken out of an app command's arguments (the rest are the command's). */
function splitApp(argv: readonly string[]): { app: string | undefined; rest: string[] } {
  const at = argv.findIndex((arg) => arg === '--app' || arg.startsWith('--app='));
  if (at === -1) return { app: undefined, rest: [...argv] };
  const app = argv[at].startsWith('--app=') ? argv[at].slice('--app='.length) : argv[at + 1];
  return { app, rest: argv.filter((_, i) => i !== at && (argv[at].includes('=') || i !== at + 1)) };
}

/** The app's own commands (`@Command`), refusing one that takes a built-in's name. */
function appCommands(app: App): ReadonlyMap<string, CommandInfo> {
  const commands = app.commands();
  const clash = [...commands.keys()].find((commandName) => Object.prototype.hasOwnProperty.call(COMMANDS, commandName));
  if (clash !== undefined)
    throw new ImproperlyConfigured(
      'COMMAND_INVALID',
      `${commands.get(clash)!.cls.name} is named '${clash}', which is a built-in rondo command; rename it`,
    );
  return commands;
}

/** `rondo <name>` for a command of the project's app; "Unknown command" when there is none. */
async function runAppCommand(name: string, argv: readonly string[], out: (text: string) => void): Promise<number> {
  const { app: explicit, rest } = splitApp(argv);
  if (!existsSync(appModulePath(explicit))) {
    out(`Unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const app = await loadApp(explicit);
  try {
    const info = appCommands(app).get(name);
    if (info === undefined) {
      out(`Unknown command '${name}'\n\n${usage()}${await appCommandList(app)}`);
      return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      out(commandHelp(info));
      return 0;
    }
    try {
      return await app.runCommand(name, rest, { out, err: (text) => process.stderr.write(`${text}\n`) });
    } catch (error) {
      if (!(error instanceof CommandUsageError)) throw error;
      out(`${error.message}\n\n${commandHelp(info)}`);
      return 2;
    }
  } finally {
    await app.close();
  }
}

/** The app's commands for `rondo help`, when the project's app loads (nothing outside a project). */
async function appCommandList(loaded?: App, explicit?: string): Promise<string> {
  if (loaded === undefined && !existsSync(appModulePath(explicit))) return '';
  let app = loaded;
  try {
    app ??= await loadApp(explicit);
    const commands = [...appCommands(app).values()];
    if (commands.length === 0) return '';
    const width = Math.max(...commands.map((c) => c.name.length));
    return `\n\nThis app's commands:\n${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.description}`).join('\n')}`;
  } catch (error) {
    return `\n\n(The app's own commands are not listed: ${(error as Error).message})`;
  } finally {
    if (loaded === undefined) await app?.close();
  }
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
