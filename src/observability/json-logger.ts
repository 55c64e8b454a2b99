/**
 * `settings.logFormat: 'json'`: one JSON object per line on stdout through pino (loaded
 * only by apps that ask for it), for log shippers. Errors go under `err` with their stack;
 * fields are members of the line. Rondo never passes headers, cookies or bodies to a logger.
 */
import type { Logger, LogFields } from './logger';

export interface JsonLoggerOptions {
  /** Write debug lines too. Default false. */
  verbose?: boolean;
  /** Where lines go (a pino destination); default stdout. Tests pass a stream. */
  destination?: NodeJS.WritableStream;
}

export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
  const pino = require('pino') as typeof import('pino');
  const log = pino.pino(
    {
      level: options.verbose ? 'debug' : 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
  const withError = (error: unknown) =>
    error === undefined ? {} : { err: error instanceof Error ? error : { message: String(error) } };
  return {
    debug: (message) => log.debug(message),
    info: (message: string, fields?: LogFields) =>
      fields === undefined ? log.info(message) : log.info(fields, message),
    warn: (message, error) => log.warn(withError(error), message),
    error: (message, error) => log.error(withError(error), message),
  };
}
