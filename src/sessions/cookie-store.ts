/**
 * Signed-cookie session store (the default): the session data itself, as signed JSON, is
 * the cookie value, so the server keeps no state and any process can read it. Signed
 * with `secretKey` (salt 'rondo.sessions'), timestamped: a tampered or expired cookie
 * reads as an empty session. Data is visible to the client (signed, not encrypted): keep
 * secrets out of it. Browsers drop cookies over 4 KB, so larger sessions fail loudly.
 */
import { BadSignature, signedAt, Signer } from '../http/signing';
import { RondoError } from '../errors/rondo-error';
import type { SessionData, SessionStore } from './session-store';

const MAX_COOKIE_BYTES = 4000;

/**
 * The cache key of a cookie: the last 12 characters of its signature (72 of the HMAC's
 * bits), cheap to hash whatever the session's size. V8 copies a slice this short into a
 * string of its own, which hashes and compares quickly; a longer slice points into the
 * Cookie header and is hashed again at every lookup. Only a key: a hit
 * still compares the whole cookie, so a forged cookie that shares a key is a miss.
 */
function cacheKey(cookie: string): string {
  return cookie.length > 12 ? cookie.slice(cookie.length - 12) : cookie;
}

export class CookieSessionStore implements SessionStore {
  private readonly signer: Signer;
  private readonly maxAge: number;
  /** Verified cookies by signature (short to hash, whatever the session's size). */
  private readonly verified = new Map<
    string,
    { cookie: string; json: string; flat: SessionData | undefined; signedAt: number }
  >();

  /** `maxAge`: seconds a signed session stays valid (settings.sessionCookieAge). */
  constructor(options: { secretKey: string; fallbackKeys?: readonly string[]; maxAge: number }) {
    this.signer = new Signer({ key: options.secretKey, fallbackKeys: options.fallbackKeys, salt: 'rondo.sessions' });
    this.maxAge = options.maxAge;
  }

  /** A verified cookie seen before (no HMAC), or undefined. */
  loadCached(key: string): SessionData | undefined {
    // A browser sends the same cookie on every request: remember verified values for a
    // while (bounded), so the HMAC runs once per cookie, not once per request. The expiry
    // is still checked on every hit, and a changed byte is a different key.
    const hit = this.verified.get(cacheKey(key));
    if (hit === undefined || hit.cookie !== key || Date.now() - hit.signedAt > this.maxAge * 1000) return undefined;
    // Flat data (no nested objects) is shared frozen (the session copies it before a
    // write); anything else is parsed again, so changes to nested values stay private.
    return hit.flat ?? (JSON.parse(hit.json) as SessionData);
  }

  async load(key: string): Promise<SessionData | undefined> {
    const cached = this.loadCached(key);
    if (cached !== undefined) return cached;
    try {
      const data = this.signer.loads<unknown>(key, { maxAge: this.maxAge });
      if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
      const at = signedAt(key);
      if (at !== undefined) {
        const flat = Object.values(data).every((v) => v === null || typeof v !== 'object')
          ? Object.freeze(Object.assign(Object.create(null) as SessionData, data))
          : undefined;
        this.remember(cacheKey(key), {
          cookie: key,
          json: flat === undefined ? JSON.stringify(data) : '',
          flat,
          signedAt: at,
        });
      }
      return data as SessionData;
    } catch (error) {
      if (error instanceof BadSignature) return undefined;
      throw error;
    }
  }

  private remember(
    key: string,
    entry: { cookie: string; json: string; flat: SessionData | undefined; signedAt: number },
  ): void {
    if (this.verified.size >= 10_000) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(key, entry);
  }

  async save(_key: string | undefined, data: SessionData): Promise<string> {
    const value = this.signer.dumps(data);
    if (value.length > MAX_COOKIE_BYTES) {
      throw new RondoError(
        'SESSION_COOKIE_TOO_LARGE',
        `The session is ${value.length} bytes signed, over the ${MAX_COOKIE_BYTES} bytes browsers keep in a cookie. Store less in the session, or use sessionEngine 'redis'`,
      );
    }
    return value;
  }

  async destroy(): Promise<void> {
    // Nothing on the server: the middleware deletes the cookie.
  }
}
