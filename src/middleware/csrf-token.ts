/**
 * Django's CSRF token algorithm: a 32-character secret (in a cookie or the session) and,
 * for every form, a 64-character masked token (random mask + secret shifted by the mask),
 * so the token in a page changes on every request (BREACH) while the secret stays put.
 */
import { randomFillSync, timingSafeEqual } from 'node:crypto';

const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const SECRET_LENGTH = 32;
export const TOKEN_LENGTH = 64;
// A regex, not a charCodeAt loop: cookie values are sliced strings, which a regex reads faster.
const VALID = /^[a-zA-Z0-9]+$/;

const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARS.length; i++) INDEX[CHARS.charCodeAt(i)] = i;
const CODES = Uint8Array.from(CHARS, (c) => c.charCodeAt(0));

/** A byte's digit (0-61), or 255 for bytes >= 248 (248 = 4 * 62), rejected to stay uniform. */
const DIGIT = Uint8Array.from({ length: 256 }, (_, byte) => (byte < 248 ? byte % 62 : 255));
/** The character of (a + b) mod 62 for digit sums 0-122: masking without a division. */
const WRAPPED = Uint8Array.from({ length: 124 }, (_, sum) => CODES[sum % 62]);

// Random bytes come in 4 KB batches (one call to the CSPRNG serves ~120 tokens), refilled
// in place. Each byte is filtered as it is taken, inside the token's own (hot, optimised)
// loop: a separate pass over each batch ran ~120 times less often than the tokens, so it
// mostly ran in V8's unoptimised tiers, which cost more per token than the filtering itself.
const pool = new Uint8Array(4096);
let next = pool.length;

/** A uniform random digit, 0-61. */
function randomDigit(): number {
  for (;;) {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    const digit = DIGIT[pool[next++]];
    if (digit !== 255) return digit;
  }
}

// Tokens are built byte by byte here and turned into a string once (not by 64 concatenations).
// Its own memory (not a slice of Buffer's shared pool): it holds secrets between uses.
const scratch = Buffer.alloc(TOKEN_LENGTH);

export function newSecret(): string {
  for (let i = 0; i < SECRET_LENGTH; i++) scratch[i] = CODES[randomDigit()];
  return scratch.toString('latin1', 0, SECRET_LENGTH);
}

/** Django's mask: 32 random characters, then each secret character shifted by its mask character. */
export function maskSecret(secret: string): string {
  for (let i = 0; i < SECRET_LENGTH; i++) {
    const mask = randomDigit();
    scratch[i] = CODES[mask];
    scratch[SECRET_LENGTH + i] = WRAPPED[INDEX[secret.charCodeAt(i)] + mask];
  }
  return scratch.toString('latin1', 0, TOKEN_LENGTH);
}

export function unmaskToken(token: string): string {
  for (let i = 0; i < SECRET_LENGTH; i++) {
    scratch[i] =
      CODES[(INDEX[token.charCodeAt(SECRET_LENGTH + i)] - INDEX[token.charCodeAt(i)] + CHARS.length) % CHARS.length];
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
