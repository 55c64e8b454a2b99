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

export const DEFAULT_PASSWORD_RULES: Readonly<PasswordRules> = Object.freeze({ minLength: 8, similarTo: ['username', 'email'], common: true, numeric: true });

/** The most common passwords of the public breach lists (a short built-in list; point `common` at a file for a long one). */
const COMMON = [
  '123456', '123456789', '12345678', 'password', 'qwerty', '12345', 'qwerty123', '1q2w3e', '1234567', '111111', '1234567890', '123123',
  'abc123', 'password1', 'iloveyou', 'qwertyuiop', '000000', 'dragon', 'monkey', 'letmein', 'sunshine', 'princess', 'football', 'baseball',
  'welcome', 'admin', 'administrator', 'passw0rd', 'master', 'shadow', 'superman', 'trustno1', 'starwars', 'whatever', 'michael', 'jennifer',
  'hello123', 'freedom', 'charlie', 'aa123456', 'donald', 'password123', 'qwerty1', 'zaq12wsx', 'computer', 'login', 'batman', 'access',
  'flower', 'hottie', 'loveme', 'zxcvbnm', 'asdfghjkl', 'changeme', 'secret', 'internet', 'mustang', 'jordan23', 'liverpool', 'chelsea',
  '987654321', '654321', '121212', '1qaz2wsx', 'qazwsx', 'killer', 'soccer', 'hockey', 'ranger', 'buster', 'thomas', 'robert', 'daniel',
  'pokemon', 'pepper', 'ginger', 'summer', 'winter', 'cookie', 'cheese', 'matrix', 'jessica', 'ashley', 'nicole', 'michelle', 'amanda',
];

const commonCache = new Map<string, ReadonlySet<string>>();

function commonPasswords(source: true | string): ReadonlySet<string> {
  const key = source === true ? '' : source;
  let list = commonCache.get(key);
  if (list === undefined) {
    let words = COMMON;
    if (source !== true) {
      try {
        words = readFileSync(source, 'utf8').split(/\r?\n/).map((w) => w.trim()).filter(Boolean);
      } catch (error) {
        throw new ImproperlyConfigured('PASSWORD_LIST_UNREADABLE', `settings.passwordRules.common names ${source}, which cannot be read (${(error as Error).message}); give a file of one password per line, or true for the built-in list`);
      }
    }
    list = new Set(words.map((w) => w.toLowerCase()));
    commonCache.set(key, list);
  }
  return list;
}

/** Django's similarity: the longest common substring's share of the longer text (SequenceMatcher-like, simplified). */
function tooSimilar(password: string, attribute: string): boolean {
  const a = password.toLowerCase();
  const b = attribute.toLowerCase();
  if (b.length < 3) return false;
  if (a.includes(b) || b.includes(a)) return true;
  let longest = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      let k = 0;
      while (i + k < a.length && j + k < b.length && a[i + k] === b[j + k]) k++;
      if (k > longest) longest = k;
    }
  }
  return (2 * longest) / (a.length + b.length) >= 0.7;
}

/** Every rule the password breaks, worded as Django's validators; `user` gives the attributes to compare. */
export function validatePassword(password: string, user: Record<string, unknown> = {}, rules: Readonly<PasswordRules> = DEFAULT_PASSWORD_RULES): string[] {
  const problems: string[] = [];
  if (password.length < rules.minLength) {
    problems.push(`This password is too short. It must contain at least ${rules.minLength} characters.`);
  }
  for (const name of rules.similarTo) {
    const value = user[name];
    if (typeof value !== 'string' || value === '') continue;
    const parts = [value, ...value.split(/\W+/)];
    if (parts.some((part) => tooSimilar(password, part))) {
      problems.push(`The password is too similar to the ${name}.`);
      break;
    }
  }
  if (rules.common !== false && commonPasswords(rules.common).has(password.toLowerCase().trim())) problems.push('This password is too common.');
  if (rules.numeric && /^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  return problems;
}
