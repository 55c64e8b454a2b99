/**
 * The logger contract and the default console logger. Messages never include secrets:
 * callers log request lines, never headers, cookies or bodies.
 */

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `\n${error.stack ?? `${error.name}: ${error.message}`}`;
  return error === undefined ? '' : `\n${String(error)}`;
}

/** Writes `[rondo] LEVEL message` lines to stderr; debug lines only when `verbose`. */
export function consoleLogger(options: { verbose?: boolean } = {}): Logger {
  const write = (level: string, message: string, error?: unknown) =>
    process.stderr.write(`[rondo] ${new Date().toISOString()} ${level} ${message}${describe(error)}\n`);
  return {
    debug: (message) => {
      if (options.verbose) write('DEBUG', message);
    },
    info: (message) => write('INFO', message),
    warn: (message, error) => write('WARN', message, error),
    error: (message, error) => write('ERROR', message, error),
  };
}

/** A logger that drops everything (tests that assert on responses, not logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
