import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, linkPackages, startNode } from '../fixtures/projects';
import { createApp, ImproperlyConfigured, silentLogger } from 'rondo';
import { freePort } from '../fixtures/ports';

/** The code block of the README's quick start that starts with `start`. */
function readmeBlock(language: string, start: string): string {
  const section = readFileSync(join(ROOT, 'README.md'), 'utf8').split('## Quick start\n')[1].split('\n## ')[0];
  const block = [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))]
    .map((m) => m[1])
    .find((b) => b.startsWith(start));
  if (block === undefined) throw new Error(`README quick start has no \`\`\`${language} block starting with ${start}`);
  return block;
}

describe("the README's quick start, copied into a fresh project", function () {
  this.timeout(60_000);
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles with its tsconfig, starts, creates a post with a JSON POST and reads it back', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rondo-readme-'));
    writeFileSync(join(dir, 'package.json'), '{ "name": "quick", "private": true }\n');
    writeFileSync(join(dir, 'tsconfig.json'), readmeBlock('json', '{ "compilerOptions"'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/main.ts'), readmeBlock('ts', '// src/main.ts'));
    linkPackages(dir, ['rondo', 'reflect-metadata', '@types/node']);

    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc')], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(build.status, build.stdout + build.stderr).to.equal(0);

    const port = await freePort();
    const server = await startNode(['dist/main.js'], dir, { PORT: String(port) });
    try {
      const created = await fetch(`http://127.0.0.1:${port}/posts/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"title":"Hi"}',
      });
      expect(created.status).to.equal(201);
      expect(await created.json()).to.deep.equal({ id: 1, title: 'Hi' });
      const read = await fetch(`http://127.0.0.1:${port}/posts/1`);
      expect(await read.json()).to.deep.equal({ id: 1, title: 'Hi' });
      expect((await fetch(`http://127.0.0.1:${port}/posts/2`)).status).to.equal(404);
    } finally {
      server.stop();
    }
  });
});

describe('app.listen() with debug off and no allowed hosts', () => {
  it('refuses to start, saying why every request would fail and how to fix it', async () => {
    const app = await createApp({ settings: { secretKey: 'x'.repeat(50) }, logger: silentLogger, env: {} });
    const error = await app.listen({ port: 0 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImproperlyConfigured);
    expect((error as ImproperlyConfigured).code).to.equal('ALLOWED_HOSTS_EMPTY');
    expect((error as Error).message)
      .to.include('allowedHosts')
      .and.include('RONDO_ALLOWED_HOSTS')
      .and.include('debug');
    await app.close();
  });
});
