import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../fixtures/projects';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const APP = join(ROOT, 'dist/test/fixtures/cli/openapi-app.js');

function rondo(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args, '--app', APP], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
}

describe('rondo openapi and the OpenAPI checks of rondo check', function () {
  this.timeout(60_000);

  it("prints the document with openapiApp()'s options, or writes it with --out", () => {
    const printed = rondo(['openapi']);
    expect(printed.status, printed.stderr).to.equal(0);
    const doc = JSON.parse(printed.stdout) as { info: object; paths: object };
    expect(doc.info).to.deep.equal({ title: 'Fixture', version: '9.9.9' });
    expect(Object.keys(doc.paths)).to.deep.equal(['/api/declared', '/api/silent']);
    const file = join(mkdtempSync(join(tmpdir(), 'rondo-openapi-')), 'openapi.json');
    const written = rondo(['openapi', '--out', file]);
    expect(written.stdout).to.include('(2 paths)');
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.deep.equal(doc);
  });

  it('warns about each described view that declares no successful response', () => {
    const checked = rondo(['check']);
    expect(checked.stdout + checked.stderr)
      .to.include('openapi.W001')
      .and.include('GET /api/silent (api.silent)');
    expect(checked.stdout + checked.stderr).to.not.include('/api/declared (');
  });
});
