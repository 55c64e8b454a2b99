/**
 * Finds templates by name (`posts/detail.ejs`) across the configured folders, in order.
 * Names are relative and may not climb out of a folder: `..`, absolute paths, backslashes
 * and NUL bytes are refused; a resolved path must stay inside its folder even through
 * symlinks.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { RondoError } from '../errors/rondo-error';

/** No folder holds the template; the message lists every path tried. */
export class TemplateDoesNotExist extends RondoError {
  constructor(
    readonly templateName: string,
    readonly tried: readonly string[],
  ) {
    super(
      'TEMPLATE_DOES_NOT_EXIST',
      `Template '${templateName}' does not exist. Tried:\n${tried.map((p) => `  ${p}`).join('\n') || '  (no template folders configured: set settings.templates.dirs)'}`,
    );
  }
}

/** A template name that could reach outside the template folders. */
export class TemplateNameInvalid extends RondoError {
  constructor(name: string, why: string) {
    super(
      'TEMPLATE_NAME_INVALID',
      `Template name '${name.slice(0, 200)}' is not allowed: ${why}. Use a relative name such as 'posts/detail.ejs'`,
    );
  }
}

export class TemplateLoader {
  private readonly dirs: string[];

  constructor(dirs: readonly string[]) {
    this.dirs = dirs.map((dir) => resolve(dir));
  }

  /** The file of `name`, or throws TemplateDoesNotExist / TemplateNameInvalid. */
  resolve(name: string): string {
    checkName(name);
    const tried: string[] = [];
    for (const dir of this.dirs) {
      const path = join(dir, name);
      tried.push(path);
      if (!existsSync(path) || !statSync(path).isFile()) continue;
      const real = realpathSync(path);
      const realDir = existsSync(dir) ? realpathSync(dir) : dir;
      if (!real.startsWith(realDir + sep))
        throw new TemplateNameInvalid(name, 'it resolves (through a link) outside its template folder');
      return real;
    }
    throw new TemplateDoesNotExist(name, tried);
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name === '') throw new TemplateNameInvalid(String(name), 'it is empty');
  if (name.includes('\0')) throw new TemplateNameInvalid(name, 'it holds a NUL byte');
  if (name.includes('\\')) throw new TemplateNameInvalid(name, 'it holds a backslash');
  if (isAbsolute(name)) throw new TemplateNameInvalid(name, 'it is an absolute path');
  if (name.split('/').some((part) => part === '..' || part === '.'))
    throw new TemplateNameInvalid(name, "it holds a '..' or '.' segment");
}
