/**
 * Two copies of a package whose state must be shared: with `npm install ../rondo` (a
 * symlink), the app's own class-validator is not Rondo's, so Rondo's container never
 * reaches a validator the app injects services into (it fails at the first request). Found
 * at start-up by resolving each package from the app's folder and from Rondo's.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Packages Rondo configures globally and an app imports too. */
const SHARED = ['class-validator', 'reflect-metadata'];

function packageDir(name: string, from?: string): string | undefined {
  try {
    const main = from === undefined ? require.resolve(name) : require.resolve(name, { paths: [from] });
    let dir = dirname(realpathSync(main));
    while (!(basename(dir) === name && basename(dirname(dir)) === 'node_modules') && dirname(dir) !== dir)
      dir = dirname(dir);
    return dir;
  } catch {
    return undefined; // the app does not have it: it uses Rondo's
  }
}

/** One warning per package the app at `appDir` resolves to another copy than Rondo's. */
export function duplicatePackageWarnings(appDir: string): string[] {
  const warnings: string[] = [];
  for (const name of SHARED) {
    const ours = packageDir(name);
    const theirs = packageDir(name, appDir);
    if (ours === undefined || theirs === undefined || ours === theirs) continue;
    warnings.push(
      `Two copies of ${name} are loaded: the app's (${theirs}) and Rondo's (${ours}). Validators and metadata of one are not seen by the other (an injected validator fails). Install Rondo so it shares the app's packages: npm install --install-links <path to rondo>, or remove one copy (npm dedupe)`,
    );
  }
  return warnings;
}
