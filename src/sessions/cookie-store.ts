/**
 * Signed-cookie session store (the default): the session data itself, as signed JSON, is
 * the cookie value, so the server keeps no state and any process can read it. Signed
 * with `secretKey` (salt 'rondo.sessions'), timestamped: a tampered or expired cookie
 * reads as an empty session. Data is visible to the client (signed, not encrypted): keep
 * secrets out of it. Browsers drop cookies over 4 KB, so larger sessions fail loudly.
 */
import { BadSignature, Signer } from '../http/signing';
import { RondoError } from '../errors/rondo-error';
import type { SessionData, SessionStore } from './session-store';

const MAX_COOKIE_BYTES = 4000;

export class CookieSessionStore implements SessionStore {
  private readonly signer: Signer;
  private readonly maxAge: number;

  /** `maxAge`: seconds a signed session stays valid (settings.sessionCookieAge). */
  constructor(options: { secretKey: string; fallbackKeys?: readonly string[]; maxAge: number }) {
    this.signer = new Signer({ key: options.secretKey, fallbackKeys: options.fallbackKeys, salt: 'rondo.sessions' });
    this.maxAge = options.maxAge;
  }

  async load(key: string): Promise<SessionData | undefined> {
    try {
      const data = this.signer.loads<unknown>(key, { maxAge: this.maxAge });
      return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as SessionData) : undefined;
    } catch (error) {
      if (error instanceof BadSignature) return undefined;
      throw error;
    }
  }

  async save(_key: string | undefined, data: SessionData): Promise<string> {
    const value = this.signer.dumps(data);
    if (value.length > MAX_COOKIE_BYTES) {
      throw new RondoError('SESSION_COOKIE_TOO_LARGE', `The session is ${value.length} bytes signed, over the ${MAX_COOKIE_BYTES} bytes browsers keep in a cookie. Store less in the session, or use sessionEngine 'redis'`);
    }
    return value;
  }

  async destroy(): Promise<void> {
    // Nothing on the server: the middleware deletes the cookie.
  }
}
