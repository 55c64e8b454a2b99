import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SAMPLE = join(ROOT, 'dist/sample-app/src/app.js');

function rondo(args: string[], cwd: string | Record<string, string> = ROOT) {
  const [dir, env] = typeof cwd === 'string' ? [cwd, {}] : [ROOT, cwd];
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('rondo CLI', () => {
  it('prints the route table of an app with `routes`', () => {
    const { code, stdout } = rondo(['routes', '--app', SAMPLE]);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^PATH\s+METHODS\s+NAME\s+VIEW/);
    expect(stdout).to.match(/\/api\/articles\/<str:slug>\s+GET\s+conduit:article\s+ArticlesController\.detail/);
    expect(stdout).to.include(
      'Middleware on every route, in order (responses go back in reverse): HealthMiddleware(20) → RequestIdMiddleware(30) → SecurityMiddleware(100) → CorsMiddleware(150) → TimingMiddleware(160)',
    );
  });

  it('explains one request with `routes --explain METHOD PATH`: pattern, params, middleware in and out, hooks, view, DI scopes', () => {
    const { code, stdout } = rondo(['routes', '--explain', 'GET', '/api/articles/hello', '--app', SAMPLE]);
    expect(code).to.equal(0);
    expect(stdout)
      .to.include('pattern     /api/articles/<str:slug>   (name conduit:article)')
      .and.include('params      {"slug":"hello"}');
    expect(stdout).to.include('view        ArticlesController.detail   options: csrfExempt, jsonErrors');
    expect(stdout).to.match(/ 100 {2}SecurityMiddleware +processRequest +dist\/src\/middleware\/security\.js/);
    expect(stdout).to.match(
      / 160 {2}TimingMiddleware +handle +dist\/sample-app\/src\/middleware\/timing\.middleware\.js/,
    );
    expect(stdout).to.include(
      'processView hooks, before the view: (none) (not for this view: CsrfViewMiddleware, AuthenticationMiddleware)',
    ); // csrfExempt; no login rule
    expect(stdout).to.match(/injects BlogService +singleton/);
    expect(stdout.indexOf('Response, out:')).to.be.lessThan(stdout.lastIndexOf('SecurityMiddleware'));
    const wrongMethod = rondo(['routes', '--explain', 'POST', '/api/tags', '--app', SAMPLE]);
    expect(wrongMethod.stdout).to.include('405, Allow: GET, HEAD, OPTIONS');
    expect(rondo(['routes', '--explain', 'GET', '/nowhere', '--app', SAMPLE]).stdout).to.include(
      'No route matches: 404',
    );
    const usage = rondo(['routes', '--explain', '/api/tags', '--app', SAMPLE]);
    expect(usage.code).to.equal(2);
    expect(usage.stdout).to.include('--explain needs a method and a path');
  });

  it('opens a REPL with `shell`: the app, reverse, top-level await, and a repository per entity', () => {
    const session = (app: string, input: string, env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [CLI, 'shell', '--app', app], {
        cwd: ROOT,
        encoding: 'utf8',
        input,
        timeout: 20_000,
        env: { ...process.env, ...env },
      });
    const sample = session(SAMPLE, 'app.routes().length > 3\nreverse("conduit:article", { slug: "hi" })\n.exit\n');
    expect(sample.status).to.equal(0);
    expect(sample.stdout)
      .to.include('Rondo shell: app, container, settings, reverse, rondo')
      .and.include('true')
      .and.include("'/api/articles/hi'");
  });

  it('gives `shell` a repository per entity, and waits for an awaited line before the next', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'shell', '--app', join(ROOT, 'dist/test/fixtures/cli/models-app.js')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: 'sqlite::memory:' },
    });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    const waitFor = async (text: string) => {
      for (let i = 0; i < 200 && !output.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await waitFor('rondo> ');
    child.stdin.write(
      'await db.dataSource.synchronize().then(() => repositories.Post.save({ title: "Hi", slug: "hi" })).then((p) => "saved " + p.id)\n',
    );
    await waitFor("'saved 1'");
    child.stdin.write('.exit\n');
    const code = await new Promise((r) => child.once('exit', r));
    expect(output).to.include('db, repositories').and.include("'saved 1'");
    expect(code).to.equal(0);
  });

  it('creates a superuser with `createsuperuser`: --noinput from the environment, or the password on standard input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rondo-su-'));
    const app = join(ROOT, 'dist/test/fixtures/cli/auth-app.js');
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}` };
    const run = (args: string[], input?: string, extra: Record<string, string> = {}) =>
      spawnSync(process.execPath, [CLI, 'createsuperuser', ...args, '--app', app], {
        cwd: ROOT,
        encoding: 'utf8',
        input,
        env: { ...env, ...extra },
        timeout: 20_000,
      });
    const fromEnv = run(['--username', 'admin', '--email', 'admin@example.com'], undefined, {
      RONDO_SUPERUSER_PASSWORD: 'a long password',
    });
    expect(fromEnv.status, fromEnv.stderr).to.equal(0);
    expect(fromEnv.stdout).to.match(/Superuser admin created \(id 1\)/);
    const fromStdin = run(['--username', 'root'], 'another password\n');
    expect(fromStdin.stdout).to.match(/Superuser root created \(id 2\)/);
    const short = run(['--username', 'x'], 'short\n');
    expect(short.status).to.equal(2);
    expect(short.stdout).to.include('settings.passwordRules').and.include('at least 8 characters');
    expect(run(['--noinput'], 'whatever-long\n').stdout).to.include('needs a username');
    const noinput = run(['--noinput'], undefined, {
      RONDO_SUPERUSER_USERNAME: 'ops',
      RONDO_SUPERUSER_EMAIL: 'ops@example.com',
      RONDO_SUPERUSER_PASSWORD: 'quiet harbour 8',
    });
    expect(noinput.stdout, noinput.stderr).to.match(/Superuser ops created \(id 3\)/);
    const again = run(['--username', 'admin'], 'a long password\n');
    expect(again.status).to.equal(1);
    expect(again.stderr).to.include('CLI_USER_EXISTS').and.include("'admin' exists already");
    const noAuth = spawnSync(
      process.execPath,
      [CLI, 'createsuperuser', '--username', 'a', '--app', join(ROOT, 'dist/test/fixtures/cli/models-app.js')],
      { cwd: ROOT, encoding: 'utf8', input: 'long enough\n', env: { ...env } },
    );
    expect(noAuth.stderr).to.include('CLI_NO_ACCOUNTS');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the app module from package.json "rondo.app" when --app is absent', () => {
    const { code, stdout } = rondo(['check']);
    expect(code).to.equal(0);
    expect(stdout).to.match(/System check identified no issues \(\d+ routes\)/);
  });

  it('reports a configuration mistake with its code and exits 1 on `check`', () => {
    const { code, stderr } = rondo(['check', '--app', join(ROOT, 'dist/test/fixtures/cli/broken-app.js')]);
    expect(code).to.equal(1);
    expect(stderr).to.match(/ImproperlyConfigured \[ROUTE_DUPLICATE\]/);
    expect(stderr).to.include('First.one').and.include('Second.two');
  });

  it('reports middleware that need the session but run without or before it, as errors (exit 1)', () => {
    const app = join(ROOT, 'dist/test/fixtures/cli/misordered-app.js');
    const missing = rondo(['check', '--app', app]);
    expect(missing.code).to.equal(1);
    expect(missing.stdout).to.include(
      'ERROR rondo.E001: AuthenticationMiddleware keeps the user in the session, but SessionMiddleware is not installed: add SessionMiddleware',
    );
    const csrf = spawnSync(process.execPath, [CLI, 'check', '--app', app], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, MISORDER: 'csrf' },
    });
    expect(csrf.status).to.equal(1);
    expect(csrf.stdout).to.include(
      'ERROR rondo.E002: CsrfViewMiddleware keeps the CSRF secret in the session (csrfUseSessions), but SessionMiddleware is not installed',
    );
  });

  it('reports templates named in views and templates that no template folder holds (templates.E001), not computed names', () => {
    const result = rondo(['check', '--app', join(ROOT, 'dist/test/fixtures/cli/missing-template-app.js')]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.include(
      "ERROR templates.E001: Pages.gone renders template 'pages/gone.ejs', which none of settings.templates.dirs holds",
    );
    expect(result.stdout).to.match(
      /ERROR templates\.E001: Template test\/fixtures\/cli\/missing-templates\/pages\/home\.ejs renders template 'layouts\/nowhere\.ejs'/,
    );
    expect(result.stdout).to.include('System check identified 2 issues');
    expect(result.stdout).not.to.include("pages/home.ejs' which");
  });

  it('lists the deployment checklist with `check --deploy` as warnings: exit 0, or 1 with --fail-level WARNING', () => {
    expect(rondo(['check', '--deploy', '--app', SAMPLE]).code).to.equal(0);
    expect(rondo(['check', '--deploy', '--fail-level', 'loud', '--app', SAMPLE]).code).to.equal(2);
    const { code, stdout } = rondo(['check', '--deploy', '--fail-level', 'WARNING', '--app', SAMPLE]);
    expect(code).to.equal(1);
    expect(stdout).to.include('WARNING security.W008').and.include('secureSslRedirect');
    expect(stdout).to.include('WARNING security.W004').and.include('WARNING security.W012');
    expect(stdout).not.to.include('rondo.W001'); // the sample's sessions live in its database: a logout revokes them
    const cookie = rondo(['check', '--deploy', '--app', SAMPLE], { RONDO_SESSION_ENGINE: 'cookie' });
    expect(cookie.stdout)
      .to.include('WARNING rondo.W001')
      .and.include('logout() cannot revoke')
      .and.include("Use sessionEngine 'database'");
    expect(stdout).to.match(/System check identified \d+ issues \(with the deployment checklist\)/);
  });

  it('passes `check --deploy` for settings fit for deployment', () => {
    const env = {
      ...process.env,
      RONDO_SECRET_KEY: 'k'.repeat(20) + 'Zq81-xw_' + 'p'.repeat(30),
      RONDO_SECURE_SSL_REDIRECT: 'true',
      RONDO_SECURE_HSTS_SECONDS: '31536000',
      RONDO_SESSION_COOKIE_SECURE: 'true',
      RONDO_CSRF_COOKIE_SECURE: 'true',
      RONDO_SESSION_ENGINE: 'memory',
    };
    const result = spawnSync(process.execPath, [CLI, 'check', '--deploy', '--app', SAMPLE], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 20_000,
      env,
    });
    expect(result.stdout).to.include('System check identified no issues');
    expect(result.status).to.equal(0);
  });

  it('explains how to fix a missing app module', () => {
    const { code, stderr } = rondo(['routes', '--app', 'dist/nowhere.js']);
    expect(code).to.equal(1);
    expect(stderr).to.include('CLI_APP_NOT_FOUND').and.include('npm run build');
  });

  it('rejects an unknown command with usage and exit code 2', () => {
    const { code, stdout } = rondo(['frobnicate']);
    expect(code).to.equal(2);
    expect(stdout).to.include("Unknown command 'frobnicate'").and.include('Usage: rondo');
  });

  it('refuses an unknown option, a missing value and an extra argument with exit 2, naming them', () => {
    const unknown = rondo(['routes', '--verbose', '--app', SAMPLE]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stdout)
      .to.include('rondo routes: unknown option --verbose (it takes --app, --explain, --help)')
      .and.include('Usage: rondo routes');
    const missing = rondo(['routes', '--app']);
    expect(missing.code).to.equal(2);
    expect(missing.stdout).to.include("Option '--app <value>' argument missing");
    const extra = rondo(['check', 'now', '--app', SAMPLE]);
    expect(extra.code).to.equal(2);
    expect(extra.stdout).to.include("unexpected argument 'now'");
    expect(rondo(['serve', '--workers', 'many', '--app', SAMPLE]).stdout).to.include(
      "--workers must be a positive number or auto, not 'many'",
    );
    expect(rondo(['runserver', 'localhost:http', '--app', SAMPLE]).stdout).to.include(
      "'localhost:http' is not host:port",
    );
  });

  it('prints help for every command with --help (and `rondo help <command>`), exit 0', () => {
    for (const command of [
      'new',
      'generate',
      'routes',
      'check',
      'makemigrations',
      'migrate',
      'showmigrations',
      'createsuperuser',
      'openapi',
      'runserver',
      'shell',
      'serve',
    ]) {
      const help = rondo([command, '--help']);
      expect(help.code, command).to.equal(0);
      expect(help.stdout, command).to.match(new RegExp(`^Usage: rondo ${command}`));
    }
    expect(rondo(['help', 'generate']).stdout)
      .to.include('resource')
      .and.include('never overwrites');
    expect(rondo(['--help']).stdout)
      .to.include('Commands:')
      .and.include('generate <controller|service|middleware|dto|command|model|resource> <Name>');
  });

  it('serves the app with worker processes and drains them on SIGTERM', async function () {
    this.timeout(15_000);
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'serve', '127.0.0.1:0', '--workers', '2', '--app', SAMPLE], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
        const m = /serving on (http:\/\/\S+) with 2 workers/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    expect((await fetch(`${url}/accounts/login/`)).status).to.equal(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });

  describe('rondo new', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'rondo-new-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('creates a project with an app, a controller, a service and a test', () => {
      const { code, stdout } = rondo(['new', 'my-blog'], dir);
      expect(code).to.equal(0);
      expect(stdout).to.include('Created my-blog/');
      for (const file of [
        'package.json',
        'tsconfig.json',
        'src/app.ts',
        'src/main.ts',
        'src/controllers/home.controller.ts',
        'test/controllers/home.controller.spec.ts',
      ]) {
        expect(existsSync(join(dir, 'my-blog', file)), file).to.equal(true);
      }
      const pkg = JSON.parse(readFileSync(join(dir, 'my-blog/package.json'), 'utf8'));
      expect(pkg.name).to.equal('my-blog');
      expect(pkg.dependencies.rondo).to.equal(`file:${ROOT}`);
      const tsconfig = JSON.parse(readFileSync(join(dir, 'my-blog/tsconfig.json'), 'utf8'));
      expect(tsconfig.compilerOptions.emitDecoratorMetadata).to.equal(true);
    });

    it('refuses to overwrite a folder that is not empty', () => {
      rondo(['new', 'taken'], dir);
      const { code, stderr } = rondo(['new', 'taken'], dir);
      expect(code).to.equal(1);
      expect(stderr).to.include('CLI_PROJECT_EXISTS');
    });

    it('rejects a name that is not a valid package name', () => {
      const { code, stderr } = rondo(['new', 'Bad Name'], dir);
      expect(code).to.equal(1);
      expect(stderr).to.include('CLI_PROJECT_NAME');
    });
  });
});
