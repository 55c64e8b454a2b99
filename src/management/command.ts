/**
 * App commands (Django's management commands): `@Command('send-digest', {...})` on a class
 * with a `run(options, io)` method. Commands are discovered like controllers, built by the
 * app's container (so they inject services), listed by `rondo help` and run as
 * `rondo send-digest --since 2026-12-01`. Their options are a DTO: each property is an
 * option (`dryRun` is `--dry-run`), coerced to its TypeScript type and checked by its
 * class-validator rules before `run` is called.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import { INJECTABLE_KEY, type Class } from '../metadata/keys';

export const COMMAND_KEY = Symbol.for('rondo:command');

export interface CommandSpec {
  /** One line for `rondo help`. */
  description: string;
  /** A DTO class whose properties are the command's options. */
  options?: Class;
  /** What each option means, by property name, for `rondo <command> --help`. */
  help?: Readonly<Record<string, string>>;
  /** How many positional arguments it takes (given to `run` as `io.args`); default 0. */
  args?: number;
}

export interface CommandMeta extends CommandSpec {
  name: string;
}

/** What a command gets besides its options: its positional arguments and where to write. */
export interface CommandIO {
  readonly args: readonly string[];
  out(text: string): void;
  err(text: string): void;
}

/** The shape of a command class; `run` returns the exit code (nothing: 0). */
export interface AppCommand<O = object> {
  run(options: O, io: CommandIO): Promise<number | void> | number | void;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declares an app command.
 *
 * @example
 * class DigestOptions { @IsOptional() @IsDate() since?: Date; @IsOptional() @IsBoolean() dryRun?: boolean }
 *
 * @Command('send-digest', { description: 'E-mail the week's articles', options: DigestOptions })
 * export class SendDigest implements AppCommand<DigestOptions> {
 *   constructor(private readonly blog: BlogService) {}
 *   async run(options: DigestOptions, io: CommandIO) { io.out(`sent ${await this.blog.digest(options)}`); }
 * }
 */
export function Command(name: string, spec: CommandSpec): ClassDecorator {
  return (target) => {
    if (!NAME.test(name)) {
      throw new ImproperlyConfigured(
        'COMMAND_INVALID',
        `@Command('${name}') on ${target.name}: a command name is lower-case words joined by dashes, e.g. send-digest`,
      );
    }
    Reflect.defineMetadata(COMMAND_KEY, { name, ...spec } satisfies CommandMeta, target);
    Reflect.defineMetadata(INJECTABLE_KEY, { scope: 'singleton' }, target);
  };
}

export function commandMeta(cls: Function): CommandMeta | undefined {
  return Reflect.getOwnMetadata(COMMAND_KEY, cls) as CommandMeta | undefined;
}
