import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, linkDependencies, linkPackages, startNode } from '../fixtures/projects';
import { freePort } from '../fixtures/ports';
import { chromiumAvailable, launchChromium, recordCspViolations } from '../fixtures/browser';

const CLI = join(ROOT, 'dist/src/cli/main.js');

/** The Content-Security-Policy violations chromium reports on these pages (none checked without chromium, outside CI). */
async function cspViolations(base: string, paths: string[]): Promise<string[]> {
  if (!chromiumAvailable()) return [];
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const violations: string[] = [];
    recordCspViolations(page, violations);
    for (const path of paths) await page.goto(base + path);
    return violations;
  } finally {
    await browser.close();
  }
}

function rondo(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `npm test` of the project: tsc with its tsconfig, then mocha with its .mocharc.json. */
function npmTest(project: string): { code: number | null; output: string } {
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: project,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0) return { code: build.status, output: `tsc failed:\n${build.stdout}${build.stderr}` };
  const test = spawnSync(process.execPath, [join(ROOT, 'node_modules/mocha/bin/mocha.js')], {
    cwd: project,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CI: '' },
  });
  return { code: test.status, output: test.stdout + test.stderr };
}

describe('rondo new and rondo generate (a generated project compiles and passes its own tests)', function () {
  this.timeout(240_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rondo-gen-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a full project: home page, an Article resource on SQLite, accounts, a JSON endpoint, middleware, templates, static files, and passing tests; it starts migrated', async () => {
    const made = rondo(['new', 'shop'], dir);
    expect(made.code, made.stderr).to.equal(0);
    const project = join(dir, 'shop');
    for (const file of [
      'src/settings.ts',
      'src/models/article.ts',
      'src/dtos/article.dto.ts',
      'src/controllers/article.controller.ts',
      'src/middleware/timing.middleware.ts',
      'templates/layouts/base.ejs',
      'templates/registration/base.ejs',
      'templates/articles/form.ejs',
      'static/css/site.css',
      'test/helpers.ts',
      'test/controllers/accounts.spec.ts',
      '.gitignore',
      'README.md',
    ]) {
      expect(existsSync(join(project, file)), file).to.equal(true);
    }
    expect(readdirSync(join(project, 'src/migrations'))).to.have.length(1);
    linkDependencies(project);
    const { code, output } = npmTest(project);
    expect(code, output).to.equal(0);
    expect(output)
      .to.match(/(1[0-9]|[2-9][0-9]) passing/)
      .and.not.include('failing');
    expect(output)
      .to.include('creates one from a valid form, redirects to it and lists it')
      .and.include('signs up through the form');

    // rondo runserver on a fresh embedded database: it applies the migrations first, so the home page is no 500.
    const devPort = await freePort();
    const dev = await startNode(
      [CLI, 'runserver', '--noreload', `127.0.0.1:${devPort}`],
      project,
      { DATABASE_URL: 'sqlite:./dev.sqlite3' },
      'Rondo serving on',
    );
    try {
      expect(dev.output()).to.match(/Applied migration CreateArticle\d+ \(embedded SQLite database\)/);
      const page = await fetch(`http://127.0.0.1:${devPort}/`);
      expect(page.status, await page.clone().text()).to.equal(200);
      expect((await fetch(`http://127.0.0.1:${devPort}/articles/`)).status).to.equal(200);
    } finally {
      dev.stop();
    }

    // npm start's second half (the build is done): the embedded database is migrated on the first run.
    const port = await freePort();
    const server = await startNode(['dist/src/main.js'], project, { HOST: '127.0.0.1', PORT: String(port) });
    try {
      expect(server.output())
        .to.match(/Applied migration CreateAccounts1700000000000/)
        .and.match(/Applied migration CreateArticle\d+/);
      expect(server.output()).to.match(/Applied migration CreateSessions1700000000001/); // sessionEngine 'database'
      expect(server.output()).to.include(`Listening on http://127.0.0.1:${port}`);
      const home = await fetch(`http://127.0.0.1:${port}/`);
      expect(home.status).to.equal(200);
      expect(home.headers.get('content-security-policy'))
        .to.include("default-src 'self'")
        .and.include("object-src 'none'");
      expect(await home.text())
        .to.include('<title>shop</title>')
        .and.include('Sign up');
      expect((await fetch(`http://127.0.0.1:${port}/accounts/login/`)).status).to.equal(200);
      // The admin is mounted: anonymous visitors go to its login page.
      const admin = await fetch(`http://127.0.0.1:${port}/admin/`, { redirect: 'manual' });
      expect(admin.status).to.equal(302);
      expect(admin.headers.get('location')).to.equal('/admin/login/?next=%2Fadmin%2F');
      expect(await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()).to.deep.equal({
        message: 'Hello, world!',
        articles: 0,
      });
      expect(
        await cspViolations(`http://127.0.0.1:${port}`, [
          '/',
          '/accounts/login/',
          '/accounts/signup/',
          '/articles/',
          '/admin/login/',
          '/no-such-page/',
        ]),
      ).to.deep.equal([]);
    } finally {
      server.stop();
    }

    // generate resource → build → migrate applies its migration → makemigrations finds the model and table agree.
    const generated = rondo(['generate', 'resource', 'Recipe'], project);
    expect(generated.code).to.equal(0);
    expect(generated.stdout).to.include('src/admin.ts');
    expect(readFileSync(join(project, 'src/admin.ts'), 'utf8'))
      .to.include("import { Recipe } from './models/recipe';")
      .and.match(/^ {2}Recipe,$/m);
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(build.status, build.stdout).to.equal(0);
    const pending = rondo(['showmigrations'], project);
    expect(pending.stdout)
      .to.match(/\[X\] CreateArticle\d+/)
      .and.match(/\[ \] CreateRecipe\d+/);
    const migrated = rondo(['migrate'], project);
    expect(migrated.code, migrated.stderr).to.equal(0);
    expect(migrated.stdout).to.match(/Applied CreateRecipe\d+/);
    const check = rondo(['makemigrations', 'Check'], project);
    expect(check.code, check.stderr).to.equal(0);
    expect(check.stdout).to.include('No changes detected.');
  });

  it('creates a minimal project (--minimal): no models, and its test passes', () => {
    expect(rondo(['new', 'tiny', '--minimal'], dir).code).to.equal(0);
    const project = join(dir, 'tiny');
    expect(existsSync(join(project, 'src/models'))).to.equal(false);
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(pkg.dependencies).to.not.have.property('typeorm');
    linkDependencies(project);
    const { code, output } = npmTest(project);
    expect(code, output).to.equal(0);
    expect(output).to.include('1 passing');
  });

  it('makes a PostgreSQL project with --database postgres (pg, DATABASE_URL)', () => {
    expect(rondo(['new', 'pgapp', '--database', 'postgres'], dir).code).to.equal(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'pgapp/package.json'), 'utf8'));
    expect(pkg.dependencies).to.have.property('pg');
    expect(readFileSync(join(dir, 'pgapp/src/settings.ts'), 'utf8')).to.include(
      "process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pgapp'",
    );
    const bad = rondo(['new', 'other', '--database', 'mysql'], dir);
    expect(bad.code).to.equal(2);
    expect(bad.stdout).to.include('--database must be sqlite or postgres');
  });

  for (const minimal of [true, false]) {
    it(`generates each kind into a ${minimal ? '--minimal' : 'full'} project, with tests that pass, and never overwrites`, () => {
      expect(rondo(['new', 'blog', ...(minimal ? ['--minimal'] : [])], dir).code).to.equal(0);
      const project = join(dir, 'blog');
      linkDependencies(project);
      const generated = [
        ['controller', 'Report'],
        ['service', 'Clock'],
        ['middleware', 'RequestId'],
        ['dto', 'Signup'],
        ['command', 'SendDigest'],
        ['model', 'Book'],
        ['resource', 'BlogPost'],
      ];
      const printed: Record<string, string> = {};
      for (const [kind, name] of generated) {
        const result = rondo(['generate', kind, name], project);
        expect(result.code, `${kind}: ${result.stdout}${result.stderr}`).to.equal(0);
        expect(result.stdout).to.include('Wrote ');
        printed[kind] = result.stdout;
      }
      if (minimal) expect(printed.dto).to.include('npm install class-validator');
      expect(printed.resource).to.include('open http://127.0.0.1:8000/blog-posts/').and.not.include('<plural>');
      expect(printed.resource).to.include('Updated templates/layouts/base.ejs (menu link)');
      expect(readFileSync(join(project, 'templates/layouts/base.ejs'), 'utf8')).to.include(
        `<a href="<%= url('blog-posts:list') %>">BlogPosts</a>`,
      );
      expect(existsSync(join(project, 'src/controllers/blog-post.controller.ts'))).to.equal(true);
      expect(readFileSync(join(project, 'src/middleware/request-id.middleware.ts'), 'utf8')).to.include(
        minimal ? '@Middleware(800)' : '@Middleware(810)',
      );
      const again = rondo(['generate', 'controller', 'Report'], project);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.include('CLI_GENERATE_EXISTS').and.include('src/controllers/report.controller.ts');
      // A minimal project had no models: generate said what to install; install (link) it.
      if (minimal) linkPackages(project, ['typeorm', 'better-sqlite3', 'class-validator']);
      const { code, output } = npmTest(project);
      expect(code, output).to.equal(0);
      for (const suite of [
        'ReportController',
        'ClockService',
        'RequestIdMiddleware',
        'SignupDto',
        'rondo send-digest',
        'BlogPostController (pages)',
        'BlogPost',
        'Book',
      ])
        expect(output).to.include(suite);
      expect(output).to.not.include('failing');
    });
  }

  it('refuses bad names and kinds with a clear message', () => {
    expect(rondo(['new', 'app'], dir).code).to.equal(0);
    const project = join(dir, 'app');
    const shadow = rondo(['generate', 'model', 'Post'], project);
    expect(shadow.code).to.equal(1);
    expect(shadow.stderr).to.include('CLI_GENERATE_NAME').and.include('shadow');
    const kind = rondo(['generate', 'widget', 'Thing'], project);
    expect(kind.code).to.equal(2);
    expect(kind.stdout).to.include("unknown kind 'widget'");
    expect(rondo(['generate', 'controller', '9lives'], project).stderr).to.include('CLI_GENERATE_NAME');
    expect(rondo(['generate', 'controller', 'Thing'], dir).stderr).to.include('CLI_NOT_A_PROJECT');
  });
});
