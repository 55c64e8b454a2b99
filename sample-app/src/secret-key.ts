/**
 * The sample app's signing key: RONDO_SECRET_KEY when it is set (production), else a
 * development key generated on first run into `sample-app/.secret-key` (git-ignored,
 * readable by its owner only). No key is ever committed: a committed key lets anyone
 * forge sessions for every copy of the app.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEVELOPMENT_KEY_FILE = join(__dirname, '../../../sample-app/.secret-key');

export function secretKey(env: NodeJS.ProcessEnv = process.env, file = DEVELOPMENT_KEY_FILE): string {
  if (env.RONDO_SECRET_KEY) return env.RONDO_SECRET_KEY;
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 50) return existing;
  } catch {
    // No key yet: make one.
  }
  const key = randomBytes(48).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
