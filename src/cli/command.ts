/**
 * What every `rondo` command is: a usage line, its options (node's util.parseArgs, strict:
 * an unknown option or a missing value is a usage error, exit 2), `--help`, and a run.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  out: (text: string) => void;
}

export interface Command {
  /** e.g. `routes [--app <module>]` */
  usage: string;
  /** One line for the command list, then any detail `--help` shows. */
  help: string;
  options: Options;
  /** How many positionals it takes at most. */
  maxPositionals: number;
  /** Exit code; -1 keeps the process running (servers). */
  run(context: CommandContext): Promise<number>;
}

/** A usage error: printed with the command's help, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const APP_OPTION: Options = { app: { type: 'string' } };

/** Parses argv for `command`; throws UsageError naming the problem. */
export function parseCommand(name: string, command: Command, argv: string[]): Omit<CommandContext, 'out'> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const known = Object.keys(command.options)
      .map((o) => `--${o}`)
      .concat('--help')
      .join(', ');
    const message = (error as Error).message.split('. To specify')[0];
    throw new UsageError(
      `rondo ${name}: ${message.replace(/^Unknown option '(.*)'$/, 'unknown option $1')} (it takes ${known})`,
    );
  }
  if (parsed.positionals.length > command.maxPositionals) {
    throw new UsageError(`rondo ${name}: unexpected argument '${parsed.positionals[command.maxPositionals]}'`);
  }
  return { positionals: parsed.positionals, values: parsed.values };
}
