/**
 * Running an app command: its argv parsed against the options its DTO declares (node's
 * util.parseArgs, strict), the values coerced and validated as a form's would be, then
 * `run(options, io)` on the instance the app's container built.
 */
import { parseArgs } from 'node:util';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { QueryDict } from '../http/query-dict';
import type { Class } from '../metadata/keys';
import { dtoSchema, type FieldSchema } from '../validation/dto-schema';
import { commandMeta, type AppCommand, type CommandIO, type CommandMeta } from './command';

/** A command line that does not fit the command (unknown option, bad value, extra argument): exit 2. */
export class CommandUsageError extends ImproperlyConfigured {
  constructor(message: string) {
    super('COMMAND_USAGE', message);
  }
}

export interface CommandInfo extends CommandMeta {
  cls: Class;
}

/** The commands among `classes`, by name; two with one name is a configuration mistake. */
export function commandTable(
  classes: readonly Class[],
  reserved: ReadonlySet<string> = new Set(),
): Map<string, CommandInfo> {
  const table = new Map<string, CommandInfo>();
  for (const cls of classes) {
    const meta = commandMeta(cls);
    if (meta === undefined) continue;
    const clash = table.get(meta.name)?.cls.name ?? (reserved.has(meta.name) ? 'a built-in rondo command' : undefined);
    if (clash !== undefined)
      throw new ImproperlyConfigured(
        'COMMAND_INVALID',
        `Two commands are named '${meta.name}': ${cls.name} and ${clash}; rename one`,
      );
    table.set(meta.name, { ...meta, cls });
  }
  return table;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function fieldsOf(meta: CommandMeta): FieldSchema[] {
  return meta.options === undefined ? [] : dtoSchema(meta.options).fields;
}

/** `rondo <command> --help`: the usage line, the description and each option. */
export function commandHelp(meta: CommandMeta): string {
  const fields = fieldsOf(meta);
  const args = meta.args ? ` ${Array.from({ length: meta.args }, (_, i) => `<arg${i + 1}>`).join(' ')}` : '';
  const lines = fields.map((field) => {
    const flag = `--${kebab(field.name)}${field.kind === 'boolean' ? '' : ` <${field.kind === 'array' ? (field.element ?? 'value') : field.kind}>`}`;
    return `  ${flag.padEnd(28)} ${meta.help?.[field.name] ?? ''}`.trimEnd();
  });
  return `Usage: rondo ${meta.name}${fields.length ? ' [options]' : ''}${args}\n\n${meta.description}${lines.length ? `\n\n${lines.join('\n')}` : ''}`;
}

export interface RunContext {
  /** Builds the command with its dependencies (the app's container). */
  instantiate(cls: Class): unknown;
  /** Builds the app's custom validation constraints. */
  resolve?: (cls: Function) => unknown;
}

/** Parses `argv` for `info`, validates the options and runs the command; resolves to its exit code. */
export async function runCommand(
  info: CommandInfo,
  argv: readonly string[],
  io: Omit<CommandIO, 'args'>,
  context: RunContext,
): Promise<number> {
  const fields = fieldsOf(info);
  const byFlag = new Map(fields.map((field) => [kebab(field.name), field]));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        fields.map((field) => [
          kebab(field.name),
          { type: field.kind === 'boolean' ? 'boolean' : 'string', multiple: field.kind === 'array' },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CommandUsageError(`rondo ${info.name}: ${(error as Error).message.split('. To specify')[0]}`);
  }
  if (parsed.positionals.length > (info.args ?? 0))
    throw new CommandUsageError(`rondo ${info.name}: unexpected argument '${parsed.positionals[info.args ?? 0]}'`);

  let options: object = {};
  if (info.options !== undefined) {
    const form = new QueryDict(
      Object.entries(parsed.values).flatMap(([flag, value]) =>
        (Array.isArray(value) ? value : [value]).map((one) => [byFlag.get(flag)!.name, String(one)] as const),
      ),
    );
    const { validateInput } = require('../validation/validate-dto') as typeof import('../validation/validate-dto');
    const result = await validateInput(
      dtoSchema(info.options),
      { kind: 'form', value: form },
      { forbidUnknown: true, maxDepth: 8, resolve: context.resolve },
    );
    const problems = Object.entries(result.errors).map(
      ([field, messages]) => `--${kebab(field)}: ${messages.join(' ')}`,
    );
    if (problems.length > 0) throw new CommandUsageError(`rondo ${info.name}: ${problems.join('; ')}`);
    options = result.instance;
  }
  const command = context.instantiate(info.cls) as AppCommand;
  const code = await command.run(options, { ...io, args: parsed.positionals });
  return typeof code === 'number' ? code : 0;
}
