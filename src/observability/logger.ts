/**
 * The logger contract and the default console logger. Messages never include secrets:
 * callers log request lines, never headers, cookies or bodies.
 */

/** Structured fields of a log line (the access log's method, path, status...). Never secrets. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  debug(message: string): void;
  /** `fields`, when given, go on the line: `key=value` pairs as text, members in JSON. */
  info(message: string, fields?: LogFields): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `\n${error.stack ?? `${error.name}: ${error.message}`}`;
  return error === undefined ? '' : `\n${String(error)}`;
}

/** ` key=value` for each field set; values with spaces or quotes are JSON strings. */
export function formatFields(fields: LogFields | undefined): string {
  if (fields === undefined) return '';
  let text = '';
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    text += ` ${key}=${typeof value === 'string' && /[\s"=]/.test(value) ? JSON.stringify(value) : String(value)}`;
  }
  return text;
}

/** Writes `[rondo] LEVEL message` lines to stderr; debug lines only when `verbose`. */
export function consoleLogger(options: { verbose?: boolean } = {}): Logger {
  const write = (level: string, message: string, error?: unknown) =>
    process.stderr.write(`[rondo] ${new Date().toISOString()} ${level} ${message}${describe(error)}\n`);
  return {
    debug: (message) => {
      if (options.verbose) write('DEBUG', message);
    },
    info: (message, fields) => write('INFO', message + formatFields(fields)),
    warn: (message, error) => write('WARN', message, error),
    error: (message, error) => write('ERROR', message, error),
  };
}

/** A logger that drops everything (tests that assert on responses, not logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
