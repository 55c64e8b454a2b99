/**
 * The session store contract. A store keeps a session's data under a key that travels in
 * the session cookie: a random id for server stores (memory, Redis), or the signed data
 * itself for the cookie store. Every store passes test/contracts/session-store.ts.
 */

import { BadRequest, ServiceUnavailable } from '../http/errors';

export type SessionData = Record<string, unknown>;

export interface SessionStore {
  /**
   * The data under `key`, or undefined when it is unknown, expired or tampered with.
   * Changing the result must never change the stored session: return a fresh copy, or a
   * frozen object (a cache may share one). The session copies the data before its first
   * write, so a frozen result costs a read-only request no copy.
   */
  load(key: string): Promise<SessionData | undefined>;
  /**
   * Saves `data` for `ttlSeconds`. `key` is the current key, or undefined for a new
   * session (and after `cycleKey`). Returns the key to put in the cookie.
   */
  save(key: string | undefined, data: SessionData, ttlSeconds: number): Promise<string>;
  /**
   * Optional: the data under `key` when it is at hand without I/O (a cache hit), else
   * undefined, in which case the session calls `load`. Same rules as `load`'s result.
   */
  loadCached?(key: string): SessionData | undefined;
  /** Forgets the session under `key` (no-op for unknown keys). */
  destroy(key: string): Promise<void>;
  /** Releases connections (called by `app.close()`). */
  close?(): Promise<void>;
}

/** A store could not be reached: the request that used the session answers 503. */
export class SessionStoreUnavailable extends ServiceUnavailable {
  /** What went wrong, for the log (the client only sees that the service is unavailable). */
  readonly reason: string;

  constructor(store: string, cause: unknown) {
    super('The session service is temporarily unavailable; please retry shortly');
    this.name = 'SessionStoreUnavailable';
    this.reason = `The ${store} session store is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}

/**
 * The session was deleted (a logout in another tab, an expiry) while this request used
 * it: saving would resurrect it, so the request answers 400 instead (Django's
 * SessionInterrupted).
 */
export class SessionInterrupted extends BadRequest {
  constructor() {
    super(
      "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.",
    );
    this.name = 'SessionInterrupted';
  }
}
