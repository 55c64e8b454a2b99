import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, Repository } from 'typeorm';
import {
  Atomic,
  Body,
  CsrfExempt,
  Get,
  HttpResponse,
  ImproperlyConfigured,
  Inject,
  Injectable,
  InjectRepository,
  Param,
  Post as PostRoute,
  Query,
  Route,
  getObjectOr404,
  paginate,
  type App,
} from 'rondo';
import { DATA_SOURCE, DATABASE, type Database } from 'rondo/db';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';
import { Post } from '../fixtures/models';

const POSTGRES = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

@Injectable()
class PostService {
  constructor(@InjectRepository(Post) private readonly posts: Repository<Post>) {}
  create(title: string) {
    return this.posts.save(this.posts.create({ title, slug: title.toLowerCase().replace(/\W+/g, '-') }));
  }
  count() {
    return this.posts.count();
  }
}

@Route('/posts')
@CsrfExempt()
class PostController {
  constructor(
    private readonly service: PostService,
    @InjectRepository(Post) private readonly posts: Repository<Post>,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Get('') async list(@Query('page') page: string | undefined) {
    const result = await paginate(this.posts.createQueryBuilder('p').orderBy('p.id', 'ASC'), {
      page: page ?? 1,
      perPage: 2,
    });
    return { ...result, items: result.items.map((p) => p.title) };
  }
  @Get('/<int:id>') detail(@Param('id') id: number) {
    return getObjectOr404(this.posts, { id });
  }
  @PostRoute('') async create(@Body() body: { title: string }) {
    return new HttpResponse(JSON.stringify(await this.service.create(body.title)), {
      status: 201,
      contentType: 'application/json',
    });
  }
  @PostRoute('/atomic-throw') @Atomic() async atomicThrow() {
    await this.service.create('Doomed');
    throw new Error('after the insert');
  }
  @PostRoute('/atomic-503') @Atomic() async atomic503() {
    await this.service.create('Also doomed');
    return new HttpResponse('busy', { status: 503 });
  }
  @PostRoute('/atomic-ok') @Atomic() async atomicOk() {
    await this.service.create('Kept');
    return { ok: true };
  }
  @PostRoute('/nested') @Atomic() async nested() {
    await this.service.create('Outer');
    await this.db
      .atomic(async () => {
        await this.service.create('Inner');
        throw new Error('inner only');
      })
      .catch(() => undefined);
    return { count: await this.service.count() };
  }
  @PostRoute('/slow') @Atomic() async slow(@Query('ms') ms: string) {
    await this.service.create('Slow');
    await new Promise((r) => setTimeout(r, Number(ms)));
    return { done: true };
  }
  @Get('/count') async count() {
    return { count: await this.service.count() };
  }
}

async function appFor(database: string): Promise<App> {
  const app = await makeApp({
    controllers: [PostController],
    providers: [PostService],
    entities: [Post],
    settings: { database, debug: process.env.DEBUG_DB === '1' },
  });
  await app.container.get<DataSource>(DATA_SOURCE).synchronize(true); // a fresh schema per test
  return app;
}

async function postgresReachable(): Promise<boolean> {
  try {
    const app = await appFor(POSTGRES);
    await app.close();
    return true;
  } catch {
    return false;
  }
}

const engines: Array<[string, () => string]> = [
  ['SQLite in memory', () => 'sqlite::memory:'],
  ['SQLite in a file', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'rondo-db-')), 'db.sqlite3')}`],
  ['PostgreSQL', () => POSTGRES],
];

for (const [engine, url] of engines) {
  describe(`models on ${engine}`, function () {
    let app: App;
    let client: TestClient;
    before(async function () {
      if (engine === 'PostgreSQL' && !(await postgresReachable())) {
        if (process.env.CI)
          throw new Error(`PostgreSQL at ${POSTGRES} is not reachable; .ci/run starts it, so this is a failure in CI`);
        console.log(`      (skipped: PostgreSQL at ${POSTGRES} is not reachable; set DATABASE_URL or start it)`);
        this.skip();
      }
    });
    beforeEach(async () => {
      app = await appFor(url());
      client = new TestClient(app);
    });
    afterEach(() => app.close());

    it('creates, lists with a paginator and shows rows through a controller; a missing one is 404', async () => {
      for (const title of ['One', 'Two', 'Three'])
        expect((await client.post('/posts', { json: { title } })).status).to.equal(201);
      const page1 = (await client.get('/posts')).json();
      expect(page1).to.include({
        count: 3,
        page: 1,
        perPage: 2,
        pageCount: 2,
        hasNext: true,
        hasPrevious: false,
        nextPage: 2,
      });
      expect(page1.items).to.deep.equal(['One', 'Two']);
      expect((await client.get('/posts', { query: { page: '2' } })).json().items).to.deep.equal(['Three']);
      const detail = await client.get('/posts/1');
      expect(detail.json()).to.include({ id: 1, title: 'One', slug: 'one' });
      const missing = await client.get('/posts/99', { headers: { accept: 'application/json' } });
      expect(missing.status).to.equal(404);
      expect(missing.json().detail).to.include('No Post matches');
    });

    it("answers 404 for a page that is not a whole number or past the last one (Django's paginator)", async () => {
      await client.post('/posts', { json: { title: 'Only' } });
      for (const page of ['0', 'abc', '-1', '3'])
        expect((await client.get('/posts', { query: { page } })).status, page).to.equal(404);
      expect((await client.get('/posts', { query: { page: '1' } })).status).to.equal(200);
    });

    it('rolls an @Atomic() view back when it throws or answers 5xx, and commits otherwise', async () => {
      expect((await client.post('/posts/atomic-throw')).status).to.equal(500);
      expect((await client.post('/posts/atomic-503')).status).to.equal(503);
      expect((await client.get('/posts/count')).json()).to.deep.equal({ count: 0 });
      expect((await client.post('/posts/atomic-ok')).status).to.equal(200);
      expect((await client.get('/posts/count')).json()).to.deep.equal({ count: 1 });
    });

    it('nests database.atomic() blocks as savepoints: the inner failure undoes only its own rows', async () => {
      const response = await client.post('/posts/nested');
      expect(response.json()).to.deep.equal({ count: 1 });
      expect((await client.get('/posts/count')).json()).to.deep.equal({ count: 1 });
    });

    it('answers a unique-constraint violation with 409 naming the field, not a 500', async () => {
      expect((await client.post('/posts', { json: { title: 'Same' } })).status).to.equal(201);
      const again = await client.post('/posts', { json: { title: 'Same' } });
      expect(again.status).to.equal(409);
      expect(again.headers.get('content-type')).to.equal('application/problem+json');
      expect(again.json()).to.include({ field: 'slug', detail: 'A row with this slug already exists' });
    });

    if (engine === 'PostgreSQL') {
      it('answers 503 with Retry-After when the connection is lost mid-request, and recovers', async () => {
        await client.post('/posts', { json: { title: 'Before' } });
        const admin = await makeApp({ entities: [Post], settings: { database: url() } });
        const source = admin.container.get<DataSource>(DATA_SOURCE);
        try {
          const slow = client.post('/posts/slow', { query: { ms: '400' } });
          await new Promise((r) => setTimeout(r, 150));
          await source.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
          );
          const lost = await slow;
          expect(lost.status).to.equal(503);
          expect(lost.headers.get('retry-after')).to.equal('1');
        } finally {
          await admin.close();
        }
        let recovered = 0;
        for (let i = 0; i < 20 && recovered !== 200; i++) recovered = (await client.get('/posts/count')).status;
        expect(recovered).to.equal(200);
      });

      it("keeps one request's uncommitted rows from another running at the same time", async () => {
        const slow = client.post('/posts/slow', { query: { ms: '300' } });
        await new Promise((r) => setTimeout(r, 100));
        expect((await client.get('/posts/count')).json()).to.deep.equal({ count: 0 });
        expect((await slow).status).to.equal(200);
        expect((await client.get('/posts/count')).json()).to.deep.equal({ count: 1 });
      });
    }
  });
}

describe('the models database at start-up', () => {
  it('refuses a database URL it does not know, naming the setting', async () => {
    const error = await makeApp({ entities: [Post], settings: { database: 'mysql://root@localhost/x' } }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ImproperlyConfigured);
    expect((error as ImproperlyConfigured).code).to.equal('DATABASE_URL_INVALID');
    expect((error as Error).message)
      .to.include('settings.database')
      .and.include('sqlite:./db.sqlite3');
  });

  it('fails createApp when the server cannot be reached, naming the URL without its password', async () => {
    const error = await makeApp({
      entities: [Post],
      settings: { database: 'postgres://app:hunter2@127.0.0.1:1/app' },
    }).catch((e: unknown) => e);
    expect((error as ImproperlyConfigured).code).to.equal('DATABASE_UNREACHABLE');
    expect((error as Error).message)
      .to.include('postgres://app:***@127.0.0.1:1/app')
      .and.not.include('hunter2');
  });

  it('creates the SQLite file relative to the project, and closes it on app.close()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rondo-db-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const app = await makeApp({ entities: [Post], settings: { database: 'sqlite:./db.sqlite3' } });
      expect(existsSync(join(dir, 'db.sqlite3'))).to.equal(true);
      const source = app.container.get<DataSource>(DATA_SOURCE);
      await app.close();
      expect(source.isInitialized).to.equal(false);
    } finally {
      process.chdir(cwd);
    }
  });

  it('loads no ORM (and no rate limiter) for an app without entities or limits', () => {
    const index = join(__dirname, '../../src/index.js');
    const script = `const r = require(${JSON.stringify(index)});
      class C { home() { return 'hi'; } }
      Reflect.decorate([r.Get('/')], C.prototype, 'home', Object.getOwnPropertyDescriptor(C.prototype, 'home'));
      r.createApp({ controllers: [Reflect.decorate([r.Route('')], C)], settings: { secretKey: 'k'.repeat(50) }, logger: r.silentLogger, env: {} }).then(async (app) => {
        const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](typeorm|better-sqlite3|pg|rate-limiter-flexible)[\\\\/]/.test(k));
        console.log(JSON.stringify(loaded.length)); await app.close();
      });`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.stderr).to.equal('');
    expect(result.stdout.trim()).to.equal('0');
  });
});
