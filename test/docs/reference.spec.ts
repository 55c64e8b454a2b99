import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliReference } from '../../src/cli/reference';
import { ROOT } from '../fixtures/projects';

describe('the reference pages', function () {
  this.timeout(120_000);

  it('docs/reference/cli.md is what npm run docs:cli writes from the commands (regenerate it after changing one)', () => {
    expect(readFileSync(join(ROOT, 'docs/reference/cli.md'), 'utf8')).to.equal(cliReference());
  });

  it('npm run docs:api builds the API reference from the doc comments of every entry point, without a warning', () => {
    const typedoc = join(ROOT, 'lint/node_modules/.bin/typedoc');
    if (!existsSync(typedoc)) {
      const install = spawnSync('npm', ['--prefix', 'lint', 'ci', '--silent', '--no-audit', '--no-fund'], {
        cwd: ROOT,
      });
      expect(install.status, 'npm --prefix lint ci').to.equal(0);
    }
    const out = mkdtempSync(join(tmpdir(), 'rondo-api-'));
    try {
      const result = spawnSync(typedoc, ['--options', 'lint/typedoc.json', '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      const output = result.stdout + result.stderr;
      expect(result.status, output).to.equal(0);
      // TypeDoc prints a count only when something is wrong: a type the API uses but no entry point exports, a stray @tag.
      expect(output, output).to.not.match(/warning|error/i);
      for (const entry of [
        'index',
        'testing',
        'accounts',
        'db',
        'cache',
        'mail',
        'openapi',
        'tasks',
        'realtime',
        'admin',
      ])
        expect(existsSync(join(out, `modules/${entry}.html`)), entry).to.equal(true);
      expect(existsSync(join(out, 'functions/index.createApp.html'))).to.equal(true);
      expect(existsSync(join(out, 'classes/testing.TestClient.html'))).to.equal(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
