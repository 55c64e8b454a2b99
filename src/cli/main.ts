#!/usr/bin/env node
/**
 * The `rondo` command. Each command (commands.ts) declares its options; unknown options,
 * missing values and extra arguments are usage errors (exit 2), `--help` works on every
 * command, a RondoError prints its code and message (exit 1).
 */
import 'reflect-metadata';
import { RondoError } from '../index';
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
    const command = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    out(command ? `Usage: rondo ${command.usage}\n\n${command.help}` : usage());
    return 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    out(`Unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
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
