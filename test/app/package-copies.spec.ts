import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from 'rondo';
import { capturingLogger } from '../fixtures/apps';

const ROOT = join(__dirname, '..', '..', '..');

describe('createApp and a second copy of class-validator (npm install ../rondo)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rondo-copies-'));
    mkdirSync(join(dir, 'node_modules'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('warns at start-up, naming both copies and the fix', async () => {
    cpSync(join(ROOT, 'node_modules/class-validator'), join(dir, 'node_modules/class-validator'), { recursive: true });
    const logger = capturingLogger();
    const app = await createApp({ baseDir: dir, logger, env: {}, settings: { secretKey: 'k', allowedHosts: ['x'] } });
    await app.close();
    const warnings = logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
    expect(warnings).to.have.length(1);
    expect(warnings[0])
      .to.include('Two copies of class-validator are loaded')
      .and.include(join(dir, 'node_modules/class-validator'))
      .and.include('npm install --install-links');
  });

  it("says nothing when the app shares Rondo's copy (a link to the same folder) or has none", async () => {
    symlinkSync(join(ROOT, 'node_modules/class-validator'), join(dir, 'node_modules/class-validator'));
    const logger = capturingLogger();
    const app = await createApp({ baseDir: dir, logger, env: {}, settings: { secretKey: 'k', allowedHosts: ['x'] } });
    await app.close();
    expect(logger.lines.filter((line) => line.level === 'warn')).to.deep.equal([]);
  });
});
