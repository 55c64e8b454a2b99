/**
 * The tutorial, followed as a reader would: `rondo new mysite`, then each part's files
 * written and its commands run in order, then what the part promises checked over
 * TestClient (in this process, against the project's compiled app) or a real server.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, linkDependencies, startNode } from '../fixtures/projects';
import { freePort } from '../fixtures/ports';
import { codeBlocks, type CodeBlock } from './markdown';
import { CHECKS } from './tutorial-checks';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const TOOLS: Record<string, string> = {
  tsc: join(ROOT, 'node_modules/typescript/bin/tsc'),
  mocha: join(ROOT, 'node_modules/mocha/bin/mocha.js'),
  rondo: CLI,
};
const PARTS = readdirSync(join(ROOT, 'docs/tutorial'))
  .filter((name) => /^\d\d-.*\.md$/.test(name))
  .sort();

/**
 * Runs one line of a tutorial's `sh` block in the project: `VAR=value` prefixes, `&&`,
 * `npm run <script> [-- args]` and `npm test` through package.json's scripts, and the
 * tools those use (tsc, mocha, rondo, npx rondo, rm -rf dist). Anything else is refused,
 * so that the tutorial cannot grow a step this test silently skips.
 */
function run(line: string, project: string, input?: string): string {
  let output = '';
  for (const step of line.split('&&').map((s) => s.trim())) {
    const words = step.split(/\s+/);
    const env: Record<string, string> = {};
    while (/^[A-Z_]+=/.test(words[0])) {
      const [name, ...value] = words.shift()!.split('=');
      env[name] = value.join('=');
    }
    if (words[0] === 'npx') words.shift();
    const scripts = (
      JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    if (words[0] === 'npm' && (words[1] === 'test' || words[1] === 'run')) {
      const name = words[1] === 'test' ? 'test' : words[2];
      const extra = words.slice(words.indexOf('--') === -1 ? words.length : words.indexOf('--') + 1);
      const script = scripts[name];
      if (script === undefined) throw new Error(`the tutorial runs npm run ${name}, which package.json lacks`);
      const withEnv = Object.entries(env)
        .map(([k, v]) => `${k}=${v} `)
        .join('');
      output += run(
        `${script} ${extra.join(' ')}`
          .split('&&')
          .map((s) => withEnv + s.trim())
          .join(' && '),
        project,
        input,
      );
      continue;
    }
    if (words.join(' ') === 'rm -rf dist') {
      rmSync(join(project, 'dist'), { recursive: true, force: true });
      continue;
    }
    const tool = TOOLS[words[0]];
    if (tool === undefined)
      throw new Error(`the tutorial test cannot run \`${step}\`; mark its block norun or teach the test`);
    const result = spawnSync(process.execPath, [tool, ...words.slice(1)], {
      cwd: project,
      encoding: 'utf8',
      input,
      timeout: 180_000,
      env: { ...process.env, CI: '', ...env },
    });
    output += result.stdout + result.stderr;
    if (result.status !== 0) throw new Error(`\`${step}\` exited with ${result.status}:\n${output}`);
  }
  return output;
}

/** Writes the part's files and runs its commands and shell sessions, in the order they appear. */
function follow(blocks: CodeBlock[], project: string): string {
  let output = '';
  for (const block of blocks) {
    const where = `${block.doc}:${block.line}`;
    if (typeof block.attrs.file === 'string') {
      mkdirSync(dirname(join(project, block.attrs.file)), { recursive: true });
      writeFileSync(join(project, block.attrs.file), block.code);
    } else if (block.lang === 'sh' && block.attrs.norun === undefined) {
      for (const line of block.code.split('\n').filter((l) => l.trim() && !l.startsWith('#')))
        output += run(line.replace(/\s+#.*$/, ''), project);
    } else if (block.lang === 'text' && block.attrs.shell !== undefined) {
      const lines = block.code.split('\n').filter(Boolean);
      const input = lines.filter((l) => l.startsWith('rondo> ')).map((l) => l.slice(7));
      const shown = run('npx rondo shell', project, `${input.join('\n')}\n`);
      for (const expected of lines.filter((l) => !l.startsWith('rondo> ')))
        expect(shown, `${where}: the shell prints ${expected}`).to.include(expected);
      expect(shown, where).to.not.match(/Uncaught|Error:/);
      output += shown;
    }
  }
  return output;
}

describe('the tutorial, followed part by part', function () {
  this.timeout(600_000);
  let dir: string;
  let project: string;

  /** What a part promises that the output of its commands shows (the rest: tutorial-checks.ts). */
  const fromOutput: Record<string, (output: string) => Promise<void>> = {
    async '02'(output) {
      expect(output).to.match(/Wrote .*-AddPolls\.ts/);
    },
    async '04'(output) {
      expect(output).to.include('Superuser admin created');
    },
    async '06'(output) {
      expect(output).to.include('PollsController').and.include('PollsApiController');
      expect(output).to.not.include('failing');
    },
    async '07'(output) {
      expect(output).to.include('System check identified no issues');
      const port = await freePort();
      const server = await startNode(['dist/src/main.js'], project, {
        PORT: String(port),
        RONDO_SECRET_KEY: 'use-50-random-characters-from-a-password-manager-here',
        RONDO_ALLOWED_HOSTS: 'polls.example.com',
        RONDO_SECURE_PROXY_SSL_HEADER: 'X-Forwarded-Proto,https',
        RONDO_SECURE_SSL_REDIRECT: 'true',
      });
      try {
        // as nginx forwards them: fetch() would not send another Host header
        const get = (headers: Record<string, string>) =>
          new Promise<{ status: number; location?: string }>((done, fail) =>
            request({ host: '127.0.0.1', port, path: '/polls/', headers }, (response) => {
              response.resume();
              done({ status: response.statusCode!, location: response.headers.location });
            })
              .on('error', fail)
              .end(),
          );
        expect((await get({ host: 'polls.example.com', 'x-forwarded-proto': 'https' })).status).to.equal(200);
        expect(await get({ host: 'polls.example.com' })).to.deep.equal({
          status: 301,
          location: 'https://polls.example.com/polls/',
        });
        expect((await get({ host: 'evil.example.net', 'x-forwarded-proto': 'https' })).status).to.equal(400);
      } finally {
        server.stop();
      }
    },
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rondo-tutorial-'));
    // Part 1's first block, as a reader with Rondo installed runs it (npm install → links).
    const made = spawnSync(process.execPath, [CLI, 'new', 'mysite'], { cwd: dir, encoding: 'utf8' });
    expect(made.status, made.stderr).to.equal(0);
    project = join(dir, 'mysite');
    linkDependencies(project);
  });
  after(() => {
    // TUTORIAL_KEEP=1 keeps the project to look at after a failure.
    if (process.env.TUTORIAL_KEEP) console.log(`      the tutorial's project: ${project}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it('has seven parts, each with a check', () => {
    const checked = new Set([...Object.keys(CHECKS), ...Object.keys(fromOutput)]);
    expect(PARTS.map((name) => name.slice(0, 2))).to.deep.equal([...checked].sort());
  });

  for (const part of PARTS) {
    it(`builds and runs part ${part}`, async () => {
      const output = follow(codeBlocks(`docs/tutorial/${part}`), project);
      run('npm run build', project);
      const number = part.slice(0, 2);
      await fromOutput[number]?.(output);
      const checked = spawnSync(process.execPath, [join(__dirname, 'tutorial-checks.js'), project, number], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(checked.status, `part ${number}: ${checked.stdout}${checked.stderr}`).to.equal(0);
    });
  }
});
