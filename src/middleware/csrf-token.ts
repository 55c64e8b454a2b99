/**
 * Django's CSRF token algorithm: a 32-character secret (in a cookie or the session) and,
 * for every form, a 64-character masked token (random mask + secret shifted by the mask),
 * so the token in a page changes on every request (BREACH) while the secret stays put.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';

const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const SECRET_LENGTH = 32;
export const TOKEN_LENGTH = 64;
const VALID = /^[a-zA-Z0-9]+$/;

function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CHARS[randomInt(CHARS.length)];
  return out;
}

export function newSecret(): string {
  return randomString(SECRET_LENGTH);
}

export function maskSecret(secret: string): string {
  const mask = randomString(SECRET_LENGTH);
  let cipher = '';
  for (let i = 0; i < SECRET_LENGTH; i++) cipher += CHARS[(CHARS.indexOf(secret[i]) + CHARS.indexOf(mask[i])) % CHARS.length];
  return mask + cipher;
}

export function unmaskToken(token: string): string {
  const mask = token.slice(0, SECRET_LENGTH);
  const cipher = token.slice(SECRET_LENGTH);
  let secret = '';
  for (let i = 0; i < SECRET_LENGTH; i++) {
    secret += CHARS[(CHARS.indexOf(cipher[i]) - CHARS.indexOf(mask[i]) + CHARS.length) % CHARS.length];
  }
  return secret;
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
