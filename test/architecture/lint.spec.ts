import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// `npm run lint` (typescript-eslint and Prettier, see lint/) as part of `npm test`, so CI holds it.
const ROOT = join(__dirname, '..', '..', '..');

describe('the codebase', function () {
  this.timeout(300_000);

  it('passes npm run lint: typescript-eslint with type information, and Prettier formatting', () => {
    const result = spawnSync('npm', ['run', '--silent', 'lint'], { cwd: ROOT, encoding: 'utf8', timeout: 290_000 });
    expect(result.status, `${result.stdout}\n${result.stderr}`.slice(-6000)).to.equal(0);
  });
});
