/**
 * The base of every framework error (configuration and programming mistakes), each with a
 * stable `code`. HTTP errors that are meant to become responses live in `http/errors.ts`.
 */

import type { ErrorCode } from './error-codes';

/** Every Rondo framework error: a stable `code` (see ERROR_CODES), and a message saying what, where and how to fix. */
export class RondoError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Django's name for a configuration mistake. `createApp` rejects with it before serving,
 * e.g. `ROUTE_DUPLICATE`, `MIDDLEWARE_ORDER_DUPLICATE`, `DI_MISSING_BINDING`.
 */
export class ImproperlyConfigured extends RondoError {}

/** `reverse()` could not build a URL: unknown name, missing or extra parameters. */
export class NoReverseMatch extends RondoError {
  constructor(message: string) {
    super('NO_REVERSE_MATCH', message);
  }
}

/** A middleware broke the handler contract (called `next()` twice, returned no response). */
export class MiddlewareContractError extends RondoError {}
