/**
 * `rondo new <name>`: writes a new project (project-files.ts says which files). Refuses to overwrite a non-empty
 * folder.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ImproperlyConfigured } from '../../index';
import { projectFiles } from './project-files';

export interface NewProjectOptions {
  /** How the project depends on rondo (an npm version range or a `file:` path). */
  rondoSpec: string;
  database: 'sqlite' | 'postgres';
  /** Only a JSON home page, a service and their test. */
  minimal: boolean;
}

/** Creates the project at `target`; returns the paths written, relative to it. */
export function newProject(target: string, options: NewProjectOptions): string[] {
  const name = basename(resolve(target));
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw new ImproperlyConfigured(
      'CLI_PROJECT_NAME',
      `'${name}' is not a valid package name: use lower-case letters, digits, '.', '_' and '-'`,
    );
  }
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new ImproperlyConfigured(
      'CLI_PROJECT_EXISTS',
      `${resolve(target)} exists and is not empty; choose a new folder name`,
    );
  }
  const files = projectFiles({ name, ...options });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), content);
  }
  return Object.keys(files);
}
