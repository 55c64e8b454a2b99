/**
 * Discovery: imports every compiled module under the configured folders (or globs) and
 * sorts the exported classes by what their decorators recorded. It keeps no global list:
 * what it finds belongs to the one app being created.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { CONTROLLER_KEY, INJECTABLE_KEY, MIDDLEWARE_KEY, ROUTES_KEY, type Class } from '../metadata/keys';
import { isEntity } from '../db/entity-discovery';
import { COMMAND_KEY } from '../management/command';

export interface Discovered {
  controllers: Class[];
  middleware: Class[];
  injectables: Class[];
  /** TypeORM entities (models). */
  entities: Class[];
  /** `@Command` classes. */
  commands: Class[];
}

const MODULE_FILE = /\.(c|m)?js$/;
const SKIPPED = /(\.d\.[cm]?ts|\.map|\.spec\.[cm]?js|\.test\.[cm]?js)$/;

/** Imports the modules `patterns` name (relative to `baseDir`) and classifies their exports. */
export async function discover(patterns: readonly string[], baseDir: string): Promise<Discovered> {
  const found: Discovered = { controllers: [], middleware: [], injectables: [], entities: [], commands: [] };
  const seen = new Set<unknown>();
  for (const pattern of patterns) {
    for (const file of filesFor(pattern, baseDir)) {
      let exports: Record<string, unknown>;
      try {
        exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      } catch (error) {
        throw new ImproperlyConfigured(
          'DISCOVERY_IMPORT_FAILED',
          `Discovery could not import ${file} (from '${pattern}'): ${(error as Error).message}`,
        );
      }
      for (const value of Object.values(exports)) {
        if (typeof value !== 'function' || seen.has(value)) continue;
        seen.add(value);
        classify(value as Class, found);
      }
    }
  }
  return found;
}

function classify(cls: Class, found: Discovered): void {
  if (Reflect.hasMetadata(CONTROLLER_KEY, cls) || Reflect.hasMetadata(ROUTES_KEY, cls)) found.controllers.push(cls);
  else if (Reflect.hasMetadata(MIDDLEWARE_KEY, cls)) found.middleware.push(cls);
  else if (Reflect.hasOwnMetadata(COMMAND_KEY, cls)) found.commands.push(cls);
  else if (Reflect.hasOwnMetadata(INJECTABLE_KEY, cls)) found.injectables.push(cls);
  else if (isEntity(cls)) found.entities.push(cls);
}

/** A folder (walked recursively), a single file, or a glob with `*` / `**`. */
function filesFor(pattern: string, baseDir: string): string[] {
  const absolute = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  if (!/[*?]/.test(pattern)) {
    let stats;
    try {
      stats = statSync(absolute);
    } catch {
      throw new ImproperlyConfigured(
        'DISCOVERY_NOT_FOUND',
        `discover entry '${pattern}' does not exist (looked at ${absolute}). Build the app first (tsc), or fix the path`,
      );
    }
    if (stats.isFile()) return [absolute];
    const files = walk(absolute).filter((f) => MODULE_FILE.test(f) && !SKIPPED.test(f));
    if (files.length === 0 && walk(absolute).some((f) => f.endsWith('.ts'))) {
      throw new ImproperlyConfigured(
        'DISCOVERY_TYPESCRIPT',
        `discover entry '${pattern}' holds only TypeScript sources; compile them with tsc and point discover at the output folder (e.g. dist/...)`,
      );
    }
    return files;
  }
  const root = absolute.slice(0, absolute.search(/[*?]/)).replace(/[^/\\]*$/, '');
  const matcher = globToRegExp(relative(root, absolute).split(sep).join('/'));
  return walk(root).filter((f) => matcher.test(relative(root, f).split(sep).join('/')) && !SKIPPED.test(f));
}

function walk(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...walk(full));
    } else out.push(full);
  }
  return out;
}

/** `**` any folders, `*` any name part, `?` one character. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
