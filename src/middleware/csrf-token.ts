/**
 * Django's CSRF token algorithm: a 32-character secret (in a cookie or the session) and,
 * for every form, a 64-character masked token (random mask + secret shifted by the mask),
 * so the token in a page changes on every request (BREACH) while the secret stays put.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const SECRET_LENGTH = 32;
export const TOKEN_LENGTH = 64;
// A regex, not a charCodeAt loop: cookie values are sliced strings, which a regex reads faster.
const VALID = /^[a-zA-Z0-9]+$/;

const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARS.length; i++) INDEX[CHARS.charCodeAt(i)] = i;
const CODES = Uint8Array.from(CHARS, (c) => c.charCodeAt(0));

// Random bytes are drawn in 4 KB batches: one getrandom call serves ~60 tokens.
let pool = randomBytes(4096);
let used = 0;

function randomByte(): number {
  if (used === pool.length) {
    pool = randomBytes(4096);
    used = 0;
  }
  return pool[used++];
}

// Tokens are built byte by byte here and turned into a string once (not by 64 concatenations).
// Its own memory (not a slice of Buffer's shared pool): it holds secrets between uses.
const scratch = Buffer.alloc(TOKEN_LENGTH);

/** Fills `length` bytes from `from` with characters drawn uniformly from CHARS (bytes >= 248 are rejected: 248 = 4 * 62). */
function fillRandom(from: number, length: number): void {
  for (let i = from; i < from + length;) {
    const byte = randomByte();
    if (byte < 248) scratch[i++] = CODES[byte % 62];
  }
}

export function newSecret(): string {
  fillRandom(0, SECRET_LENGTH);
  return scratch.toString('latin1', 0, SECRET_LENGTH);
}

export function maskSecret(secret: string): string {
  fillRandom(0, SECRET_LENGTH);
  for (let i = 0; i < SECRET_LENGTH; i++) {
    scratch[SECRET_LENGTH + i] = CODES[(INDEX[secret.charCodeAt(i)] + INDEX[scratch[i]]) % CHARS.length];
  }
  return scratch.toString('latin1', 0, TOKEN_LENGTH);
}

export function unmaskToken(token: string): string {
  for (let i = 0; i < SECRET_LENGTH; i++) {
    scratch[i] = CODES[(INDEX[token.charCodeAt(SECRET_LENGTH + i)] - INDEX[token.charCodeAt(i)] + CHARS.length) % CHARS.length];
  }
  return scratch.toString('latin1', 0, SECRET_LENGTH);
}

/** Why a token is malformed, or undefined when it is a well-formed secret or masked token. */
export function tokenProblem(token: string): string | undefined {
  if (token.length !== SECRET_LENGTH && token.length !== TOKEN_LENGTH) return 'has incorrect length';
  if (!VALID.test(token)) return 'has invalid characters';
  return undefined;
}

/** Constant-time check of a (masked or unmasked) token against the secret. */
export function tokenMatches(token: string, secret: string): boolean {
  const candidate = token.length === TOKEN_LENGTH ? unmaskToken(token) : token;
  return candidate.length === secret.length && timingSafeEqual(Buffer.from(candidate), Buffer.from(secret));
}
