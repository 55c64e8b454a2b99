/**
 * Signing, as Django's `django.core.signing`: `sign`/`unsign` a string, timestamped
 * signatures with a max age, and `dumps`/`loads` of JSON payloads. HMAC-SHA256 from
 * node:crypto over a key derived from `secretKey` and a salt (so a signature made for
 * sessions is never valid as a CSRF token); comparison is constant-time; keys in
 * `secretKeyFallbacks` still verify (rotation) while new signatures use `secretKey`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ImproperlyConfigured, RondoError } from '../errors/rondo-error';

/** A signature did not verify: the value was tampered with or signed with another key/salt. */
export class BadSignature extends RondoError {
  constructor(message = 'Signature does not match') {
    super('SIGNATURE_BAD', message);
  }
}

/** A timestamped signature is valid but older than `maxAge`. */
export class SignatureExpired extends BadSignature {
  constructor(age: number, maxAge: number) {
    super(`Signature age ${age.toFixed(0)} s > ${maxAge} s`);
    (this as { code: string }).code = 'SIGNATURE_EXPIRED';
  }
}

export interface SignerOptions {
  /** The signing key; usually `settings.secretKey`. */
  key: string;
  /** Older keys accepted when verifying; usually `settings.secretKeyFallbacks`. */
  fallbackKeys?: readonly string[];
  /** Namespace of the signatures (e.g. 'rondo.sessions'). Default 'rondo.signing'. */
  salt?: string;
  /** Separator between value and signature; must not be in the base64url alphabet. Default ':'. */
  sep?: string;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Signs and verifies strings.
 *
 * @example
 * const signer = new Signer({ key: settings.secretKey, salt: 'invites' });
 * const token = signer.sign('user-42');       // 'user-42:Xk3...'
 * signer.unsign(token);                       // 'user-42', or throws BadSignature
 */
export class Signer {
  private readonly keys: Buffer[];
  private readonly sep: string;

  constructor(options: SignerOptions) {
    if (!options.key) {
      throw new ImproperlyConfigured(
        'SECRET_KEY_MISSING',
        "settings.secretKey is empty, and signing needs it (sessions, CSRF, signed cookies). Set 'secretKey' in createApp({ settings }) or the RONDO_SECRET_KEY environment variable to a long random string, e.g. the output of `node -e \"console.log(require('crypto').randomBytes(48).toString('base64url'))\"`",
      );
    }
    this.sep = options.sep ?? ':';
    if (BASE64URL.test(this.sep))
      throw new ImproperlyConfigured(
        'SIGNING_SEPARATOR',
        `Signer separator '${this.sep}' is unsafe: it must not be empty or use A-z, 0-9, '-' or '_'`,
      );
    const salt = options.salt ?? 'rondo.signing';
    // Django's salted_hmac: the HMAC key is a hash of salt + 'signer' + secret.
    this.keys = [options.key, ...(options.fallbackKeys ?? [])].map((k) =>
      createHash('sha256').update(`${salt}signer${k}`).digest(),
    );
  }

  /** `value` + separator + signature. */
  sign(value: string): string {
    return `${value}${this.sep}${this.signature(value, this.keys[0])}`;
  }

  /** The original value, or throws BadSignature. */
  unsign(signed: string): string {
    const at = signed.lastIndexOf(this.sep);
    if (at < 0) throw new BadSignature(`No '${this.sep}' found in value`);
    const value = signed.slice(0, at);
    const given = Buffer.from(signed.slice(at + this.sep.length));
    for (const key of this.keys) {
      const expected = Buffer.from(this.signature(value, key));
      if (expected.length === given.length && timingSafeEqual(expected, given)) return value;
    }
    throw new BadSignature();
  }

  /** Signs `value` with the current time (seconds, base62) between value and signature. */
  signTimestamped(value: string, now: number = Date.now()): string {
    return this.sign(`${value}${this.sep}${toBase62(Math.floor(now / 1000))}`);
  }

  /** The original value of `signTimestamped`; throws SignatureExpired when older than `maxAge` seconds. */
  unsignTimestamped(signed: string, maxAge?: number, now: number = Date.now()): string {
    const inner = this.unsign(signed);
    const at = inner.lastIndexOf(this.sep);
    if (at < 0) throw new BadSignature('Timestamp missing');
    const stamp = fromBase62(inner.slice(at + this.sep.length));
    if (stamp === undefined) throw new BadSignature('Timestamp malformed');
    const age = now / 1000 - stamp;
    if (maxAge !== undefined && age > maxAge) throw new SignatureExpired(age, maxAge);
    return inner.slice(0, at);
  }

  /** A URL-safe signed string holding `data` as JSON (timestamped, for `loads` with maxAge). */
  dumps(data: unknown): string {
    return this.signTimestamped(Buffer.from(JSON.stringify(data) ?? 'null').toString('base64url'));
  }

  /** The data of `dumps`; throws BadSignature / SignatureExpired. */
  loads<T = unknown>(signed: string, options: { maxAge?: number } = {}): T {
    const payload = this.unsignTimestamped(signed, options.maxAge);
    if (!BASE64URL.test(payload)) throw new BadSignature('Payload malformed');
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
    } catch {
      throw new BadSignature('Payload is not JSON');
    }
  }

  private signature(value: string, key: Buffer): string {
    return createHmac('sha256', key).update(value).digest('base64url');
  }
}

/** The signing time (ms) of a `signTimestamped`/`dumps` value, without verifying it. */
export function signedAt(signed: string, sep = ':'): number | undefined {
  const parts = signed.split(sep);
  const stamp = parts.length >= 3 ? fromBase62(parts[parts.length - 2]) : undefined;
  return stamp === undefined ? undefined : stamp * 1000;
}

function toBase62(n: number): string {
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out;
}

function fromBase62(text: string): number | undefined {
  if (!text || text.length > 11) return undefined;
  let n = 0;
  for (const c of text) {
    const digit = BASE62.indexOf(c);
    if (digit < 0) return undefined;
    n = n * 62 + digit;
  }
  return n;
}
