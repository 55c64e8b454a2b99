import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Command, CommandUsageError, createApp, ImproperlyConfigured, silentLogger, type App } from 'rondo';
import buildApp, { GreetCommand } from '../fixtures/cli/commands-app';
import { ROOT } from '../fixtures/projects';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const APP = join(ROOT, 'dist/test/fixtures/cli/commands-app.js');

function rondo(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
}

describe('app commands (@Command)', () => {
  let app: App;
  const lines: string[] = [];
  const io = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(`! ${text}`) };
  before(async () => {
    app = await buildApp();
  });
  after(() => app.close());
  beforeEach(() => lines.splice(0));

  it('runs with options coerced to their types, an injected service and positional arguments', async () => {
    const code = await app.runCommand(
      'greet',
      ['--name', 'Ada', '--times', '2', '--shout', '--since', '2026-12-01', '--tag', 'a', '--tag', 'b', 'extra'],
      io,
    );
    expect(code).to.equal(0);
    expect(lines).to.deep.equal(['HELLO, ADA!', 'HELLO, ADA!', 'since 2026-12-01', 'tags a,b', 'args extra']);
  });

  it('returns the exit code the command returns', async () => {
    expect(await app.runCommand('fail-softly', [], io)).to.equal(3);
    expect(lines).to.deep.equal(['! something was wrong']);
  });

  it('refuses options its rules refuse, unknown options and extra arguments, naming them', async () => {
    const tooMany = await app.runCommand('greet', ['--name', 'Ada', '--times', '9'], io).catch((e: unknown) => e);
    expect(tooMany).to.be.instanceOf(CommandUsageError);
    expect((tooMany as Error).message)
      .to.include('--times')
      .and.include('less than or equal to 5');
    const missing = await app.runCommand('greet', [], io).catch((e: unknown) => e);
    expect((missing as Error).message).to.include('--name: This field is required.');
    const unknown = await app.runCommand('greet', ['--name', 'x', '--loud'], io).catch((e: unknown) => e);
    expect((unknown as Error).message).to.include("Unknown option '--loud'");
    const extra = await app.runCommand('greet', ['--name', 'x', 'a', 'b'], io).catch((e: unknown) => e);
    expect((extra as Error).message).to.include("unexpected argument 'b'");
    expect(lines).to.deep.equal([]);
  });

  it('fails at start-up for two commands with one name, and at declaration for a bad name', async () => {
    @Command('greet', { description: 'again' })
    class Again {
      run() {}
    }
    const error = await createApp({
      commands: [Again, GreetCommand],
      logger: silentLogger,
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImproperlyConfigured);
    expect((error as ImproperlyConfigured).code).to.equal('COMMAND_INVALID');
    expect(() => Command('Send_Digest', { description: 'x' })(class {})).to.throw(/lower-case words joined by dashes/);
  });
});

describe('rondo <app command>', function () {
  this.timeout(30_000);

  it('lists the app commands in rondo help and runs one', () => {
    const help = rondo(['help', '--app', APP]);
    expect(help.stdout).to.include("This app's commands:").and.include('greet        Greets someone, a few times');
    const run = rondo(['greet', '--name', 'Ada', '--app', APP]);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.equal('Hello, Ada!\n');
  });

  it("shows a command's options with --help, and a usage error with exit 2", () => {
    const help = rondo(['greet', '--help', '--app', APP]);
    expect(help.status).to.equal(0);
    expect(help.stdout)
      .to.include('Usage: rondo greet [options] <arg1>')
      .and.include('--times <number>')
      .and.include('how many times (1-5)');
    const bad = rondo(['greet', '--times', 'x', '--app', APP]);
    expect(bad.status).to.equal(2);
    expect(bad.stdout).to.include('--name: This field is required.').and.include('Usage: rondo greet');
  });

  it("exits with the command's code, and says so for a command the app does not have", () => {
    const failed = rondo(['fail-softly', '--app', APP]);
    expect(failed.status).to.equal(3);
    expect(failed.stderr).to.include('something was wrong');
    const unknown = rondo(['nope', '--app', APP]);
    expect(unknown.status).to.equal(2);
    expect(unknown.stdout).to.include("Unknown command 'nope'").and.include('greet');
  });
});
