import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, ImproperlyConfigured, createApp, Route } from 'rondo';

const root = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function documentedCodes(): string[] {
  const reference = readFileSync(join(root, 'docs/reference/errors.md'), 'utf8');
  return [...reference.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
}

describe('the error catalogue', () => {
  it('documents every code of ERROR_CODES in docs/reference/errors.md, and no other', () => {
    expect(documentedCodes().sort()).to.deep.equal(Object.keys(ERROR_CODES).sort());
  });

  it('gives every code what happened and how to fix it', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(info.what, code).to.be.a('string').and.not.equal('');
      expect(info.fix, code).to.be.a('string').and.not.equal('');
    }
  });

  it('lists only codes the framework raises', () => {
    const text = sources(join(root, 'src'))
      .filter((f) => !f.endsWith('error-codes.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = Object.keys(ERROR_CODES).filter((code) => !text.includes(`'${code}'`));
    expect(unused).to.deep.equal([]);
  });

  it('lets no bare Error or TypeError reach a user', () => {
    const offenders = sources(join(root, 'src')).filter((f) => /new (Type)?Error\(/.test(readFileSync(f, 'utf8')));
    expect(offenders).to.deep.equal([]);
  });

  it('carries the code on the error a configuration mistake rejects with', async () => {
    @Route('/empty')
    class EmptyController {}
    const error = await createApp({ controllers: [EmptyController as never] }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImproperlyConfigured);
    expect((error as ImproperlyConfigured).code).to.equal('CONTROLLER_EMPTY');
    expect((error as Error).message)
      .to.include('EmptyController')
      .and.include('@Get()');
  });
});
