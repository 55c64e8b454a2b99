/**
 * The files of a new project (`rondo new`), as text, so a reader sees exactly what a user
 * gets. A full project adds the `Article` resource (rondo generate resource), a timing
 * middleware, templates with a base layout and static files to the minimal one.
 */
import { ADMIN_IMPORTS_MARKER, ADMIN_MODELS_MARKER, GENERATORS, NAV_MARKER } from './generate';
import { SITE_CSS } from './site-css';
import { namesOf } from './names';
import { TEST_HELPERS } from './test-helpers-file';

export interface ProjectOptions {
  name: string;
  rondoSpec: string;
  database: 'sqlite' | 'postgres';
  minimal: boolean;
}

function packageJson(options: ProjectOptions): string {
  const models = options.minimal
    ? {}
    : {
        'class-validator': '^0.15.1',
        typeorm: '^1.1.1',
        ...(options.database === 'postgres' ? { pg: '^8.23.1' } : {}),
        'better-sqlite3': '^12.9.0', // the tests' in-memory database
      };
  return `${JSON.stringify(
    {
      name: options.name,
      version: '0.1.0',
      private: true,
      rondo: { app: 'dist/src/app.js' },
      scripts: {
        build: 'rm -rf dist && tsc -p tsconfig.json',
        start: 'npm run build && node --enable-source-maps dist/src/main.js',
        dev: 'rondo runserver',
        test: 'npm run build && mocha',
        ...(options.minimal
          ? {}
          : { migrate: 'npm run build && rondo migrate', makemigrations: 'npm run build && rondo makemigrations' }),
        routes: 'npm run build && rondo routes',
        check: 'npm run build && rondo check --deploy',
      },
      engines: { node: '>=20.19' },
      // swagger-ui-dist (rondo/openapi's docs page) depends on @scarf/scarf: no install analytics
      scarfSettings: { enabled: false },
      dependencies: { rondo: options.rondoSpec, 'reflect-metadata': '^0.2.2', ...models },
      devDependencies: {
        typescript: '^7.0.2',
        mocha: '^12.0.3',
        chai: '^6.2.0',
        '@types/node': '^20.19.0',
        '@types/mocha': '^10.0.10',
        '@types/chai': '^5.2.0',
      },
    },
    null,
    2,
  )}\n`;
}

function settings(options: ProjectOptions): string {
  const database =
    options.database === 'postgres'
      ? `process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/${options.name.replace(/\W/g, '_')}'`
      : "process.env.DATABASE_URL ?? 'sqlite:./db.sqlite3'";
  return `/**
 * The settings of ${options.name}. Every one can also be set from the environment
 * (RONDO_DEBUG=true, RONDO_SECRET_KEY=..., DATABASE_URL=...); see Rondo's docs/reference/settings.md.
 */
import { CSP, type Settings } from 'rondo';

export const settings: Partial<Settings> = {
  // Set RONDO_SECRET_KEY in production: \`rondo check --deploy\` refuses this development key.
  secretKey: process.env.RONDO_SECRET_KEY ?? '${options.name}-development-key-change-me',
  allowedHosts: ['127.0.0.1', 'localhost'],
  // A strict Content-Security-Policy: this site's own files only; an inline <script> or
  // <style> needs the request's nonce: <script nonce="<%= cspNonce %>">.
  csp: {
    'default-src': [CSP.SELF],
    'script-src': [CSP.SELF, CSP.NONCE],
    'style-src': [CSP.SELF, CSP.NONCE],
    'img-src': [CSP.SELF, 'data:'],
    'object-src': [CSP.NONE],
    'base-uri': [CSP.SELF],
    'form-action': [CSP.SELF],
    'frame-ancestors': [CSP.NONE],
  },${
    options.minimal
      ? ''
      : `
  database: ${database},
  // Sessions in the database (the rondo_session table, made by rondo migrate): a logout or a password
  // change ends every copy of a session cookie. 'cookie' keeps no server state but cannot be revoked.
  sessionEngine: 'database',
  // static/ is served by the app itself; behind nginx or a CDN, let them serve it and set this to false.
  serveStatic: true,`
  }
};
`;
}

function app(options: ProjectOptions): string {
  return `/**
 * The app: discovers the controllers, services, middleware, models and commands compiled next to
 * this file (the folders that exist)${options.minimal ? '' : ", with rondo/auth's accounts (sign-up, login,\n * logout, password change and reset under /accounts/, their tables migrated by rondo migrate)"}.
 * Tests and the CLI build it with this function too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type App, type CreateAppOptions } from 'rondo';${options.minimal ? '' : "\nimport { adminApp } from 'rondo/admin';\nimport { authApp } from 'rondo/auth';\nimport { openapiApp } from 'rondo/openapi';\nimport { ADMIN_MODELS } from './admin';"}
import { settings } from './settings';

const ROOT = join(__dirname, '../..');

export default function buildApp(options: Omit<CreateAppOptions, 'discover' | 'baseDir'> = {}): Promise<App> {
  return createApp({
    ...options,${
      options.minimal
        ? ''
        : `
    apps: [
      authApp({ views: true }),
      // /admin/ for staff users (npx rondo createsuperuser): the models listed in src/admin.ts.
      adminApp({ models: ADMIN_MODELS }),
      // The contract of the /api routes: GET /openapi.json and its page /docs/ (with debug on).
      openapiApp({ title: '${options.name}', include: ['/api/'] }),
      ...(options.apps ?? []),
    ],`
    }
    settings: {
      ...settings,
      templates: { dirs: [join(ROOT, 'templates')] },
      staticDirs: [join(ROOT, 'static')],
      migrations: [join(__dirname, 'migrations/*.js')],
      migrationsSourceDir: join(ROOT, 'src/migrations'),
      ...options.settings,
    },
    baseDir: __dirname,
    discover: ['controllers', 'services', 'middleware', 'models', 'commands'].filter((dir) => existsSync(join(__dirname, dir))),
  });
}
`;
}

function admin(): string {
  return `/**
 * The models the admin manages (/admin/, for staff users: \`npx rondo createsuperuser\`).
 * Each is an entity, or [Entity, options]: see the admin guide for listDisplay, listFilter,
 * searchFields, inlines... \`rondo generate resource\` (and \`model\`) add theirs here.
 */
import type { AdminRegistration } from 'rondo/admin';
import { Group, User } from 'rondo/auth';
import { Article } from './models/article';
${ADMIN_IMPORTS_MARKER}

export const ADMIN_MODELS: AdminRegistration[] = [
  [
    User,
    {
      appLabel: 'auth',
      listDisplay: ['id', 'username', 'email', 'isStaff', 'isActive'],
      listFilter: ['isStaff', 'isSuperuser', 'isActive'],
      searchFields: ['username', 'email'],
      ordering: ['username'],
    },
  ],
  [Group, { appLabel: 'auth', searchFields: ['name'], ordering: ['name'] }],
  [Article, { listDisplay: ['id', 'title'], searchFields: ['title', 'body'] }],
  ${ADMIN_MODELS_MARKER}
];
`;
}

function main(options: ProjectOptions): string {
  if (options.minimal) {
    return `import buildApp from './app';

buildApp()
  .then((app) => app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 8000) }))
  .then((server) => console.log(\`Listening on \${server.url}\`))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
`;
  }
  return `import { DATABASE, type Database } from 'rondo/db';
import buildApp from './app';

/** Serves the app; an embedded SQLite database is migrated on start (run \`rondo migrate\` for a server database). */
async function main(): Promise<void> {
  const app = await buildApp();
  const database = app.container.get<Database>(DATABASE);
  if (database.url.startsWith('sqlite:')) {
    for (const name of await database.migrate()) console.log(\`Applied migration \${name}\`);
  } else if ((await database.migrations()).some((m) => !m.applied)) {
    console.warn('There are unapplied migrations: run npm run migrate');
  }
  const server = await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 8000) });
  console.log(\`Listening on \${server.url}\`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;
}

function home(options: ProjectOptions): Record<string, string> {
  const service = `import { Injectable } from 'rondo';

@Injectable()
export class GreetingService {
  greet(name: string): string {
    return \`Hello, \${name}!\`;
  }
}
`;
  if (options.minimal) {
    return {
      'src/services/greeting.service.ts': service,
      'src/controllers/home.controller.ts': `import { Get, Query, Route } from 'rondo';
import { GreetingService } from '../services/greeting.service';

@Route('', { name: 'home' })
export class HomeController {
  constructor(private readonly greetings: GreetingService) {}

  @Get('/', { name: 'index' })
  index(@Query('name') name?: string) {
    return { message: this.greetings.greet(name ?? 'world') };
  }
}
`,
      'test/controllers/home.controller.spec.ts': `import { expect } from 'chai';
import type { App } from 'rondo';
import { TestClient } from 'rondo/testing';
import { testApp } from '../helpers';

describe('GET /', () => {
  let app: App;
  before(async () => { app = await testApp(); });
  after(() => app.close());

  it('greets the name given in the query', async () => {
    const response = await new TestClient(app).get('/', { query: { name: 'Ada' } });
    expect(response.status).to.equal(200);
    expect(response.json()).to.deep.equal({ message: 'Hello, Ada!' });
  });
});
`,
    };
  }
  return {
    'src/services/greeting.service.ts': service,
    'src/controllers/home.controller.ts': `import { IsInt, IsString } from 'class-validator';
import { ApiResponse, Get, HttpRequest, InjectRepository, Query, Req, Route, render } from 'rondo';
import type { Repository } from 'typeorm';
import { Article } from '../models/article';
import { GreetingService } from '../services/greeting.service';

/** What GET /api/status answers: its rules are its schema in the OpenAPI document. */
export class StatusAnswer {
  @IsString() message!: string;
  @IsInt() articles!: number;
}

@Route('', { name: 'home' })
export class HomeController {
  constructor(private readonly greetings: GreetingService, @InjectRepository(Article) private readonly articles: Repository<Article>) {}

  @Get('/', { name: 'index' })
  async index(@Req() request: HttpRequest) {
    const latest = await this.articles.find({ order: { id: 'DESC' }, take: 5 });
    return render(request, 'home.ejs', { greeting: this.greetings.greet('world'), latest });
  }

  /** A JSON endpoint: GET /api/status?name=Ada (described in the OpenAPI document at /openapi.json). */
  @Get('/api/status', { name: 'status' })
  @ApiResponse(200, StatusAnswer)
  async status(@Query('name') name?: string) {
    return { message: this.greetings.greet(name ?? 'world'), articles: await this.articles.count() };
  }
}
`,
    'test/controllers/home.controller.spec.ts': `import { expect } from 'chai';
import type { App } from 'rondo';
import { TestClient, loadFixtures, useTestDatabase } from 'rondo/testing';
import { testApp } from '../helpers';

describe('HomeController', () => {
  let app: App;
  before(async () => { app = await testApp(); });
  after(() => app.close());
  useTestDatabase(() => app);

  it('renders the home page with the base layout and the latest articles', async () => {
    await loadFixtures(app, [{ model: 'Article', pk: 1, fields: { title: 'Welcome', body: 'First article' } }]);
    const response = await new TestClient(app).get('/');
    expect(response.status).to.equal(200);
    expect(response.templateName).to.equal('home.ejs');
    expect(response.text).to.include('<title>${options.name}</title>').and.include('Hello, world!').and.include('Welcome');
    expect(response.text).to.include('What to do next').and.include('href="/articles/"');
    expect(response.headers.get('content-security-policy') ?? response.headers.get('x-content-type-options')).to.be.a('string');
  });

  it('answers GET /api/status with JSON, as its OpenAPI description says', async () => {
    const response = await new TestClient(app, { openapi: true }).get('/api/status', { query: { name: 'Ada' } });
    expect(response.status).to.equal(200);
    expect(response.json()).to.deep.equal({ message: 'Hello, Ada!', articles: 0 });
  });

  it('serves its stylesheet from static/', async () => {
    const response = await new TestClient(app).get('/static/css/site.css');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.include('text/css');
  });
});
`,
    'templates/layouts/base.ejs': `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title><%= block('title') || '${options.name}' %></title>
  <link rel="stylesheet" href="<%= static('css/site.css') %>">
</head>
<body>
  <header class="site">
    <nav>
      <a class="brand" href="<%= url('home:index') %>">${options.name}</a>
      <a href="<%= url('articles:list') %>">Articles</a>
      ${NAV_MARKER}
    </nav>
    <div class="account">
    <% if (user.isAuthenticated) { %>
      <span>Signed in as <strong><%= user.username %></strong></span>
      <a href="<%= url('accounts:password_change') %>">Password</a>
      <form class="inline" method="post" action="<%= url('accounts:logout') %>">
        <input type="hidden" name="csrfmiddlewaretoken" value="<%= csrfToken() %>">
        <button class="link">Log out</button>
      </form>
    <% } else { %>
      <a href="<%= url('accounts:login') %>">Log in</a>
      <a class="button" href="<%= url('accounts:signup') %>">Sign up</a>
    <% } %>
    </div>
  </header>
  <main>
    <% messages.forEach(function (m) { %><p class="message <%= m.tag %>" role="status"><%= m.text %></p><% }) %>
    <%= block('content') %>
  </main>
  <footer class="site">Made with Rondo · <a href="<%= url('home:status') %>">/api/status</a></footer>
</body>
</html>
`,
    'templates/home.ejs': `<% layout('layouts/base.ejs') %>
<section class="hero">
  <h1><%= greeting %></h1>
  <p>This is <strong>${options.name}</strong>, a Rondo app with a database, accounts and an Article resource.
  It is yours to change: the page you are reading is <code>templates/home.ejs</code>, rendered by
  <code>HomeController.index</code> in <code>src/controllers/home.controller.ts</code>.</p>
</section>

<div class="columns">
  <section class="card">
    <h2>Latest articles</h2>
    <% if (latest.length === 0) { %>
      <p class="muted">No articles yet.</p>
    <% } else { %>
      <ul>
      <% latest.forEach(function (article) { %>  <li><a href="<%= url('articles:detail', { id: article.id }) %>"><%= article.title %></a></li>
      <% }) %></ul>
    <% } %>
    <p><a class="button" href="<%= url('articles:new') %>">Write an article</a></p>
  </section>

  <section class="card">
    <h2>What to do next</h2>
    <ol>
      <li><strong>Add a resource:</strong> <code>npx rondo generate resource Book</code>, then
        <code>npm run migrate</code>; its pages appear in the menu above.</li>
      <li><strong>Create an administrator:</strong> <code>npx rondo createsuperuser</code>, or
        <a href="<%= url('accounts:signup') %>">sign up</a> as a user.</li>
      <li><strong>Run the tests:</strong> <code>npm test</code> (each generated class has one under <code>test/</code>).</li>
      <li><strong>See the URL table:</strong> <code>npm run routes</code>; before deploying, <code>npm run check</code>.</li>
    </ol>
  </section>
</div>
`,
    // The account pages (rondo/auth's templates) inside the site's layout.
    'templates/registration/base.ejs': `<% layout('layouts/base.ejs') %>
<div class="narrow card"><%= block('content') %></div>
`,
    'test/controllers/accounts.spec.ts': ACCOUNTS_TEST,
    'static/css/site.css': SITE_CSS,
  };
}

const ACCOUNTS_TEST = `import { expect } from 'chai';
import type { App } from 'rondo';
import { TestClient, useTestDatabase, type TestResponse } from 'rondo/testing';
import { testApp } from '../helpers';

/** The CSRF token of a page's form (the client below checks CSRF as a browser meets it). */
const csrfOf = (page: TestResponse) => /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(page.text)![1]!;

describe('accounts (rondo/auth): sign up, log out, log in', () => {
  let app: App;
  let client: TestClient;
  before(async () => { app = await testApp(); });
  after(() => app.close());
  useTestDatabase(() => app);
  beforeEach(() => { client = new TestClient(app, { enforceCsrfChecks: true }); });

  async function signUp(username: string, password = 'violet sunset 42'): Promise<TestResponse> {
    const page = await client.get('/accounts/signup/');
    return client.post('/accounts/signup/', { data: { csrfmiddlewaretoken: csrfOf(page), username, email: \`\${username}@example.com\`, password1: password, password2: password }, followRedirects: true });
  }

  it('signs up through the form, lands logged in on the home page with a welcome message', async () => {
    const home = await signUp('ada');
    expect(home.redirectChain[0]!.status).to.equal(302);
    expect(home.text).to.include('Signed in as <strong>ada</strong>').and.include('Welcome, ada!');
  });

  it('logs out (POST with the CSRF token) and logs in again', async () => {
    const home = await signUp('ada');
    const out = await client.post('/accounts/logout/', { data: { csrfmiddlewaretoken: csrfOf(home) }, followRedirects: true });
    expect(out.text).to.include('Log in').and.not.include('Signed in as');
    const page = await client.get('/accounts/login/');
    const back = await client.post('/accounts/login/', { data: { csrfmiddlewaretoken: csrfOf(page), username: 'ada', password: 'violet sunset 42' }, followRedirects: true });
    expect(back.text).to.include('Signed in as <strong>ada</strong>');
  });

  it('refuses a wrong password and a form without its CSRF token', async () => {
    await signUp('ada');
    const fresh = new TestClient(app, { enforceCsrfChecks: true });
    const page = await fresh.get('/accounts/login/');
    const wrong = await fresh.post('/accounts/login/', { data: { csrfmiddlewaretoken: csrfOf(page), username: 'ada', password: 'not it' } });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.include('Please enter a correct username and password');
    expect((await fresh.post('/accounts/login/', { data: { username: 'ada', password: 'violet sunset 42' } })).status).to.equal(403);
  });

  it('shows the sign-up errors next to the fields: a taken name, a short password', async () => {
    await signUp('ada');
    client = new TestClient(app, { enforceCsrfChecks: true });
    const again = await signUp('ada', 'short');
    expect(again.status).to.equal(400);
    expect(again.text).to.include('A user with that username already exists.').and.include('This password is too short.');
  });
});
`;

function readme(options: ProjectOptions): string {
  return `# ${options.name}

A [Rondo](https://github.com/) app${options.minimal ? '' : ` with a database (${options.database === 'postgres' ? 'PostgreSQL: DATABASE_URL' : 'SQLite in ./db.sqlite3'})`}.

    npm install
    npm test           # compiles, then runs test/ (in-memory SQLite)
    npm run dev        # http://127.0.0.1:8000, debug pages, rebuilt and restarted on change
    npm start          # compile and serve (debug off)${
      options.minimal
        ? ''
        : `
    npm run makemigrations -- AddSomething   # after changing a model (then npm run migrate)`
    }

${
  options.minimal
    ? ''
    : `Accounts come from rondo/auth: /accounts/signup/, /accounts/login/, logout (a POST from the
layout's button), password change and reset; \`npx rondo createsuperuser\` makes an administrator.
The Article resource (src/models/article.ts, its controller, templates and tests) is the
one \`rondo generate resource\` writes: copy its shape for your own.

`
}Generate more: \`npx rondo generate controller|service|middleware|dto|model|resource Name\`.
\`npm run routes\` prints the URL table; \`npm run check\` the deployment checklist.
`;
}

export function projectFiles(options: ProjectOptions): Record<string, string> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const files: Record<string, string> = {
    'package.json': packageJson(options),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        sourceMap: true,
        rootDir: '.',
        outDir: 'dist',
        types: ['node', 'mocha'],
        skipLibCheck: true,
      },
      include: ['src', 'test'],
    }),
    '.mocharc.json': json({ spec: 'dist/test/**/*.spec.js', timeout: 10000, exit: true }),
    '.gitignore': 'node_modules/\ndist/\ndb.sqlite3\n',
    'src/settings.ts': settings(options),
    'src/app.ts': app(options),
    'src/main.ts': main(options),
    'test/helpers.ts': TEST_HELPERS,
    'README.md': readme(options),
    ...home(options),
  };
  if (options.rondoSpec.startsWith('file:')) {
    // Install the linked checkout like a registry package, so that npm keeps one copy of
    // class-validator, typeorm and reflect-metadata (a symlink would bring the checkout's own).
    files['.npmrc'] = 'install-links=true\n';
  }
  if (!options.minimal) {
    files['src/admin.ts'] = admin();
    Object.assign(
      files,
      GENERATORS.resource.files(namesOf('Article'), ''),
      GENERATORS.middleware.files(namesOf('Timing'), ''),
    );
  }
  return files;
}
