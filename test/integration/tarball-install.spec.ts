/**
 * The README's install path, as a newcomer takes it: `npm pack` in the checkout, a fresh
 * folder installs the tarball from the npm registry's dependencies, then `rondo new` from
 * that install makes a project that installs the same tarball and passes its test.
 * Slow (two installs that compile better-sqlite3): about three minutes.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../fixtures/projects';

function sh(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  expect(result.status, `${command} ${args.join(' ')} in ${cwd}:\n${result.stdout}${result.stderr}`).to.equal(0);
  return result.stdout;
}

describe("the README's install: a tarball from npm pack, then rondo new from it", function () {
  this.timeout(900_000);
  let dir: string;
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs into a fresh folder, and the project rondo new makes there installs the same build and passes its test', () => {
    dir = mkdtempSync(join(tmpdir(), 'rondo-tarball-'));
    sh('npm', ['pack', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
    expect(tarball).to.match(/^rondo-\d+\.\d+\.\d+\.tgz$/);

    const app = join(dir, 'my-app');
    mkdirSync(app);
    sh('npm', ['init', '-y'], app);
    sh('npm', ['install', join(dir, tarball), 'reflect-metadata'], app);

    const made = sh(process.execPath, [join(app, 'node_modules/.bin/rondo'), 'new', 'blog', '--minimal'], app);
    expect(made).to.include('Created blog/');
    const blog = join(app, 'blog');
    const pkg = JSON.parse(readFileSync(join(blog, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies.rondo).to.equal(`file:${join(dir, tarball)}`);

    sh('npm', ['install'], blog);
    const tested = sh('npm', ['test'], blog);
    expect(tested).to.include('1 passing');
  });
});
