import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freshPostgresOrSkip } from '../fixtures/services';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const APP = join(ROOT, 'dist/test/fixtures/cli/models-app.js');
const TSC = join(ROOT, 'node_modules/.bin/tsc');

function rondo(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [CLI, ...args, '--app', APP], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Compiles the written migrations as an app's build would (tsc with decorator metadata). */
function compile(sourceDir: string, outDir: string): void {
  const files = readdirSync(sourceDir).map((f) => join(sourceDir, f));
  const result = spawnSync(
    TSC,
    [
      '--ignoreConfig',
      '--outDir',
      outDir,
      '--module',
      'commonjs',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--types',
      'node',
      ...files,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(result.status, result.stdout + result.stderr).to.equal(0);
}

/** makemigrations → compile → showmigrations → migrate → showmigrations → nothing left, on one database. */
function migrateEndToEnd(databaseUrl: string, createTable: string): void {
  // Inside the repository (dist/ is git-ignored), so the migration's `typeorm` import resolves.
  mkdirSync(join(ROOT, 'dist/tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'dist/tmp/migrations-'));
  const env = {
    DATABASE_URL: databaseUrl,
    RONDO_MIGRATIONS_SOURCE_DIR: join(dir, 'src'),
    RONDO_MIGRATIONS: join(dir, 'dist', '*.js'),
  };
  const made = rondo(['makemigrations', 'Initial'], env);
  expect(made.code, made.stderr).to.equal(0);
  expect(made.stdout).to.match(/Wrote .*-Initial\.ts/);
  const [file] = readdirSync(join(dir, 'src'));
  const source = readFileSync(join(dir, 'src', file), 'utf8');
  expect(source).to.include(createTable).and.include('implements MigrationInterface').and.include('DROP TABLE');

  compile(join(dir, 'src'), join(dir, 'dist'));
  expect(rondo(['showmigrations'], env).stdout).to.match(/\[ \] Initial\d+/);
  // makemigrations before migrate: the difference must not repeat the unapplied migration
  const early = rondo(['makemigrations', 'Early'], env);
  if (databaseUrl.startsWith('sqlite:')) {
    expect(early.code, early.stderr).to.equal(0);
    expect(early.stdout).to.match(/Applied migration Initial\d+ \(embedded SQLite database\)/);
    expect(early.stdout).to.include('No changes detected.');
  } else {
    expect(early.code).to.equal(1);
    expect(early.stderr).to.include('MIGRATIONS_PENDING').and.include('run rondo migrate first');
    const applied = rondo(['migrate'], env);
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout).to.match(/Applied Initial\d+/);
  }
  expect(rondo(['showmigrations'], env).stdout).to.match(/\[X\] Initial\d+/);
  expect(rondo(['migrate'], env).stdout).to.include('No migrations to apply.');
  expect(rondo(['makemigrations', 'Again'], env).stdout).to.include('No changes detected.');
}

describe('rondo makemigrations / migrate / showmigrations', function () {
  this.timeout(60_000);

  it('on SQLite: writes a migration from the entities, applies it, lists it, and then sees no changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rondo-migrate-'));
    migrateEndToEnd(`sqlite:${join(dir, 'db.sqlite3')}`, 'CREATE TABLE "rondo_test_post"');
  });

  it('on PostgreSQL: the same, in a database of its own', async function () {
    const database = await freshPostgresOrSkip(this);
    try {
      migrateEndToEnd(database.url, 'CREATE TABLE "rondo_test_post" ("id" SERIAL NOT NULL');
    } finally {
      await database.drop();
    }
  });

  it('explains a missing name, and --help', () => {
    const noName = rondo(['makemigrations'], {});
    expect(noName.code).to.equal(2);
    expect(noName.stdout).to.include('needs a name');
    const help = rondo(['migrate', '--help'], {});
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include('apply the pending migrations');
  });

  it('fails with exit 1 and the code when the app has no models', () => {
    const result = spawnSync(
      process.execPath,
      [CLI, 'migrate', '--app', join(ROOT, 'dist/test/fixtures/cli/misordered-app.js')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(result.status).to.equal(1);
    expect(result.stderr).to.include('CLI_NO_MODELS').and.include('@Entity()');
  });
});
