import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'rondo';
import { TestClient } from 'rondo/testing';
import { ROOT } from '../fixtures/projects';
import { sampleApp } from './fixture';

describe("the sample's command: rondo stats", function () {
  this.timeout(60_000);
  let app: App;
  before(async () => {
    app = await sampleApp();
  });
  after(() => app.close());

  it('counts what the blog holds, as text or JSON, and since a date', async () => {
    const api = new TestClient(app);
    const user = { username: 'stats', email: 'stats@example.com', password: 'violet sunset 42' };
    const token = (await api.post('/api/users', { json: { user } })).json().user.token as string;
    const headers = { authorization: `Token ${token}` };
    const article = { title: 'Counted', description: 'd', body: 'b' };
    expect((await api.post('/api/articles', { json: { article }, headers })).status).to.equal(201);
    const lines: string[] = [];
    const io = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(text) };
    expect(await app.runCommand('stats', [], io)).to.equal(0);
    expect(lines).to.deep.equal(['members   1', 'articles  1', 'comments  0']);
    lines.length = 0;
    await app.runCommand('stats', ['--json', '--since', '2999-01-01'], io);
    expect(JSON.parse(lines[0])).to.deep.equal({ members: 0, articles: 0, comments: 0 });
  });

  it('runs from the command line on the sample database (rondo stats --help, rondo stats)', () => {
    const env = {
      ...process.env,
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'rondo-stats-')), 'db.sqlite3')}`,
    };
    const run = (args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env,
        timeout: 30_000,
      });
    expect(run(['migrate']).status).to.equal(0);
    const help = run(['stats', '--help']);
    expect(help.stdout).to.include('Usage: rondo stats [options]').and.include('--since <date>');
    const stats = run(['stats', '--json']);
    expect(stats.status, stats.stderr).to.equal(0);
    expect(JSON.parse(stats.stdout.trim().split('\n').pop()!)).to.deep.equal({ members: 0, articles: 0, comments: 0 });
    const bad = run(['stats', '--since', 'yesterday']);
    expect(bad.status).to.equal(2);
    expect(bad.stdout).to.include('--since');
  });
});
