/**
 * Password hashing with node:crypto scrypt, in a self-describing, versioned format:
 * `scrypt$1$N$r$p$<salt base64>$<hash base64>` (algorithm, format version, cost
 * parameters, salt, derived key). `verifyPassword` compares in constant time;
 * `needsRehash` says when a stored hash uses weaker parameters than today's defaults, so
 * an app can rehash at the next successful login. `algorithm: 'argon2'` hashes with the
 * argon2 package (argon2id, its PHC string `$argon2id$...`), loaded only then; verifying
 * reads either format, so an app can switch and rehash at login.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ImproperlyConfigured } from '../errors/rondo-error';

export interface PasswordHashOptions {
  /** 'scrypt' (default) or 'argon2' (needs `npm install argon2`). */
  algorithm?: 'scrypt' | 'argon2';
  /** CPU/memory cost (power of two). Default 2^15. */
  N?: number;
  r?: number;
  p?: number;
}

const DEFAULTS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 64;
const VERSION = '1';

function derive(password: string, salt: Buffer, options: { N: number; r: number; p: number }): Promise<Buffer> {
  const params: ScryptOptions = {
    N: options.N,
    r: options.r,
    p: options.p,
    maxmem: 256 * options.N * options.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, params, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function argon2(): typeof import('argon2') {
  try {
    return require('argon2') as typeof import('argon2');
  } catch {
    throw new ImproperlyConfigured(
      'ARGON2_MISSING',
      "Password hashing with argon2 needs the argon2 package: run npm install argon2 (or set settings.passwordHasher to 'scrypt')",
    );
  }
}

/** Hashes a password for storage. */
export async function makePassword(password: string, options: PasswordHashOptions = {}): Promise<string> {
  if (options.algorithm === 'argon2') return argon2().hash(password.normalize('NFKC'), { type: argon2().argon2id });
  const params = { ...DEFAULTS, N: options.N ?? DEFAULTS.N, r: options.r ?? DEFAULTS.r, p: options.p ?? DEFAULTS.p };
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', VERSION, params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

function parse(encoded: string): { N: number; r: number; p: number; salt: Buffer; key: Buffer } | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 7 || parts[0] !== 'scrypt' || parts[1] !== VERSION) return undefined;
  const [N, r, p] = parts.slice(2, 5).map(Number);
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return undefined;
  return { N, r, p, salt: Buffer.from(parts[5], 'base64'), key: Buffer.from(parts[6], 'base64') };
}

/** True when `password` matches `encoded`; false for a wrong password or an unknown format. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (encoded.startsWith('$argon2'))
    return argon2()
      .verify(encoded, password.normalize('NFKC'))
      .catch(() => false);
  const parsed = parse(encoded);
  if (parsed === undefined || parsed.key.length !== KEY_LENGTH) return false;
  const key = await derive(password, parsed.salt, parsed);
  return timingSafeEqual(key, parsed.key);
}

/** True when `encoded` should be replaced by a fresh `makePassword` (older format or weaker parameters). */
export function needsRehash(encoded: string, options: PasswordHashOptions = {}): boolean {
  if ((options.algorithm ?? 'scrypt') === 'argon2') return !encoded.startsWith('$argon2id$');
  if (encoded.startsWith('$argon2')) return true;
  const parsed = parse(encoded);
  const wanted = { N: options.N ?? DEFAULTS.N, r: options.r ?? DEFAULTS.r, p: options.p ?? DEFAULTS.p };
  return parsed === undefined || parsed.N < wanted.N || parsed.r < wanted.r || parsed.p < wanted.p;
}
