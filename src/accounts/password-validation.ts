/**
 * Django's password validators, as settings: minimum length, similarity to the user's
 * username or e-mail, a list of common passwords, all digits. `validatePassword` returns
 * every message (empty when the password is acceptable); sign-up, change and reset forms
 * show them next to the field.
 */
import { readFileSync } from 'node:fs';
import { ImproperlyConfigured } from '../index';

export interface PasswordRules {
  /** Fewest characters (0 turns the rule off). */
  minLength: number;
  /** Refuse a password too close to these user attributes (Django's UserAttributeSimilarityValidator). */
  similarTo: readonly string[];
  /** Refuse the common passwords of the built-in list, or of this file (one per line). */
  common: boolean | string;
  /** Refuse a password made of digits only. */
  numeric: boolean;
}

export const DEFAULT_PASSWORD_RULES: Readonly<PasswordRules> = Object.freeze({
  minLength: 8,
  similarTo: ['username', 'email'],
  common: true,
  numeric: true,
});

/**
 * The most common passwords of the public breach lists (a short built-in list; point `common` at a file for a long
 * one).
 */
const COMMON = [
  '123456',
  '123456789',
  '12345678',
  'password',
  'qwerty',
  '12345',
  'qwerty123',
  '1q2w3e',
  '1234567',
  '111111',
  '1234567890',
  '123123',
  'abc123',
  'password1',
  'iloveyou',
  'qwertyuiop',
  '000000',
  'dragon',
  'monkey',
  'letmein',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'welcome',
  'admin',
  'administrator',
  'passw0rd',
  'master',
  'shadow',
  'superman',
  'trustno1',
  'starwars',
  'whatever',
  'michael',
  'jennifer',
  'hello123',
  'freedom',
  'charlie',
  'aa123456',
  'donald',
  'password123',
  'qwerty1',
  'zaq12wsx',
  'computer',
  'login',
  'batman',
  'access',
  'flower',
  'hottie',
  'loveme',
  'zxcvbnm',
  'asdfghjkl',
  'changeme',
  'secret',
  'internet',
  'mustang',
  'jordan23',
  'liverpool',
  'chelsea',
  '987654321',
  '654321',
  '121212',
  '1qaz2wsx',
  'qazwsx',
  'killer',
  'soccer',
  'hockey',
  'ranger',
  'buster',
  'thomas',
  'robert',
  'daniel',
  'pokemon',
  'pepper',
  'ginger',
  'summer',
  'winter',
  'cookie',
  'cheese',
  'matrix',
  'jessica',
  'ashley',
  'nicole',
  'michelle',
  'amanda',
];

const commonCache = new Map<string, ReadonlySet<string>>();

function commonPasswords(source: true | string): ReadonlySet<string> {
  const key = source === true ? '' : source;
  let list = commonCache.get(key);
  if (list === undefined) {
    let words = COMMON;
    if (source !== true) {
      try {
        words = readFileSync(source, 'utf8')
          .split(/\r?\n/)
          .map((w) => w.trim())
          .filter(Boolean);
      } catch (error) {
        throw new ImproperlyConfigured(
          'PASSWORD_LIST_UNREADABLE',
          `settings.passwordRules.common names ${source}, which cannot be read (${(error as Error).message}); give a file of one password per line, or true for the built-in list`,
        );
      }
    }
    list = new Set(words.map((w) => w.toLowerCase()));
    commonCache.set(key, list);
  }
  return list;
}

/**
 * The most characters a password may have (Django's forms and hashers use 4096). Every
 * rule below is bounded by it: the similarity rule's work is at most this times an
 * attribute's length.
 */
export const MAX_PASSWORD_LENGTH = 4096;
/** Attributes are compared by their first characters only (a username is at most 150, an e-mail 254). */
const MAX_ATTRIBUTE_LENGTH = 254;
const MAX_SIMILARITY = 0.7;

/** difflib's quick_ratio: an upper bound of ratio() from the characters alone, in linear time. */
function quickRatio(a: string, b: string): number {
  const counts = new Map<string, number>();
  for (const c of b) counts.set(c, (counts.get(c) ?? 0) + 1);
  let matches = 0;
  for (const c of a) {
    const left = counts.get(c) ?? 0;
    if (left > 0) {
      matches += 1;
      counts.set(c, left - 1);
    }
  }
  return (2 * matches) / (a.length + b.length);
}

/** The longest common block of a[a0..a1) and b[b0..b1): [start in a, start in b, length]. */
function longestMatch(a: string, b: string, [a0, a1, b0, b1]: readonly number[]): [number, number, number] {
  let best: [number, number, number] = [a0, b0, 0];
  let previous = new Uint16Array(b1 - b0 + 1);
  let current = new Uint16Array(b1 - b0 + 1);
  for (let i = a0; i < a1; i++) {
    for (let j = b0; j < b1; j++) {
      const k = a[i] === b[j] ? previous[j - b0] + 1 : 0;
      current[j - b0 + 1] = k;
      if (k > best[2]) best = [i - k + 1, j - k + 1, k];
    }
    [previous, current] = [current, previous];
  }
  return best;
}

/**
 * difflib's SequenceMatcher.ratio() (without its junk heuristic): matched characters over
 * both lengths, matching the longest common block and then the parts on either side. The
 * parts never overlap, so the work is at most a.length × b.length in all.
 */
function ratio(a: string, b: string): number {
  let matched = 0;
  const ranges: number[][] = [[0, a.length, 0, b.length]];
  while (ranges.length > 0) {
    const range = ranges.pop()!;
    const [i, j, k] = longestMatch(a, b, range);
    if (k === 0) continue;
    matched += k;
    if (range[0] < i && range[2] < j) ranges.push([range[0], i, range[2], j]);
    if (i + k < range[1] && j + k < range[3]) ranges.push([i + k, range[1], j + k, range[3]]);
  }
  return (2 * matched) / (a.length + b.length);
}

/**
 * Django's UserAttributeSimilarityValidator for one attribute part: the cheap quick ratio
 * first, a password ten times longer than a short part skipped, then the full ratio.
 */
function tooSimilar(password: string, part: string): boolean {
  const a = password.toLowerCase();
  const b = part.toLowerCase().slice(0, MAX_ATTRIBUTE_LENGTH);
  if (b.length === 0 || quickRatio(a, b) < MAX_SIMILARITY) return false;
  if (a.length >= 10 * b.length && b.length < (MAX_SIMILARITY / 2) * a.length) return false;
  return ratio(a, b) >= MAX_SIMILARITY;
}

/** Every rule the password breaks, worded as Django's validators; `user` gives the attributes to compare. */
export function validatePassword(
  password: string,
  user: Record<string, unknown> = {},
  rules: Readonly<PasswordRules> = DEFAULT_PASSWORD_RULES,
): string[] {
  if (password.length > MAX_PASSWORD_LENGTH)
    return [`This password is too long. It must contain at most ${MAX_PASSWORD_LENGTH} characters.`];
  const problems: string[] = [];
  if (password.length < rules.minLength) {
    problems.push(`This password is too short. It must contain at least ${rules.minLength} characters.`);
  }
  for (const name of rules.similarTo) {
    const value = user[name];
    if (typeof value !== 'string' || value === '') continue;
    const parts = [value, ...value.split(/\W+/)].filter((part) => part !== '');
    if (parts.some((part) => tooSimilar(password, part))) {
      problems.push(`The password is too similar to the ${name}.`);
      break;
    }
  }
  if (rules.common !== false && commonPasswords(rules.common).has(password.toLowerCase().trim()))
    problems.push('This password is too common.');
  if (rules.numeric && /^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  return problems;
}
