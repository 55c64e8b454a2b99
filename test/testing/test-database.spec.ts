import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, Repository } from 'typeorm';
import {
  CsrfExempt,
  Get,
  ImproperlyConfigured,
  InjectRepository,
  Post as PostRoute,
  Body,
  Route,
  type App,
} from 'rondo';
import { DATA_SOURCE, atomic } from 'rondo/db';
import { TestClient, loadFixtures, useTestDatabase } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';
import { Comment, Post } from '../fixtures/models';

const POSTGRES = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

@Route('/posts')
@CsrfExempt()
class PostController {
  constructor(@InjectRepository(Post) private readonly posts: Repository<Post>) {}
  @Get('') async list() {
    return (await this.posts.find({ order: { id: 'ASC' } })).map((p) => p.title);
  }
  @PostRoute('') async create(@Body() body: { title: string }) {
    const post = await this.posts.save(this.posts.create({ title: body.title, slug: body.title.toLowerCase() }));
    return { id: post.id };
  }
  @PostRoute('/two') async two() {
    return atomic(async () => {
      await this.posts.save(this.posts.create({ title: 'A', slug: 'a' }));
      await this.posts.save(this.posts.create({ title: 'B', slug: 'b' }));
      return { count: await this.posts.count() };
    });
  }
}

async function reachable(url: string): Promise<boolean> {
  try {
    const app = await makeApp({ entities: [Post, Comment], settings: { database: url } });
    await app.close();
    return true;
  } catch {
    return false;
  }
}

const engines: Array<[string, () => string]> = [
  ['SQLite in a file', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'rondo-db-')), 'db.sqlite3')}`],
  ['PostgreSQL', () => POSTGRES],
];

for (const [engine, url] of engines) {
  describe(`useTestDatabase on ${engine}`, function () {
    let app: App;
    before(async function () {
      if (engine === 'PostgreSQL' && !(await reachable(POSTGRES))) {
        if (process.env.CI)
          throw new Error(`PostgreSQL at ${POSTGRES} is not reachable; .ci/run starts it, so this is a failure in CI`);
        console.log(`      (skipped: PostgreSQL at ${POSTGRES} is not reachable; set DATABASE_URL or start it)`);
        this.skip();
      }
      app = await makeApp({ controllers: [PostController], entities: [Post, Comment], settings: { database: url() } });
      await app.container.get<DataSource>(DATA_SOURCE).synchronize(true);
    });
    after(() => app?.close());

    describe('each test in a transaction rolled back afterwards', () => {
      useTestDatabase(() => app);

      it('writes rows that this test sees', async () => {
        const client = new TestClient(app);
        expect((await client.post('/posts', { json: { title: 'Mine' } })).status).to.equal(200);
        expect((await client.get('/posts')).json()).to.deep.equal(['Mine']);
      });

      it("does not see the previous test's rows", async () => {
        expect((await new TestClient(app).get('/posts')).json()).to.deep.equal([]);
      });

      it("runs a view's atomic() block as a savepoint inside the test's transaction", async () => {
        expect((await new TestClient(app).post('/posts/two')).json()).to.deep.equal({ count: 2 });
      });
    });

    describe('with fixtures', () => {
      useTestDatabase(() => app, { fixtures: ['test/fixtures/posts.json'] });

      it('loads the rows of a fixture file before each test, foreign keys given as the key of the related row', async () => {
        expect((await new TestClient(app).get('/posts')).json()).to.deep.equal(['Fixture one', 'Fixture two']);
        const comments = await app.container
          .get<DataSource>(DATA_SOURCE)
          .manager.find(Comment, { relations: { post: true } });
        expect(comments.map((c) => [c.body, c.post.title])).to.deep.equal([['First!', 'Fixture one']]);
      });

      it('moves the key sequence past the fixture keys, so that new rows do not collide', async () => {
        const created = await new TestClient(app).post('/posts', { json: { title: 'New' } });
        expect(created.status).to.equal(200);
        expect(created.json().id).to.equal(3);
      });
    });

    describe('loadFixtures with bad input', () => {
      useTestDatabase(() => app);

      it('names the file when it is not JSON, or not an array', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'rondo-fixture-'));
        writeFileSync(join(dir, 'broken.json'), '{ nope');
        writeFileSync(join(dir, 'object.json'), '{ "model": "Post" }');
        const broken = await loadFixtures(app, join(dir, 'broken.json')).catch((e: unknown) => e);
        expect(broken).to.be.instanceOf(ImproperlyConfigured);
        expect((broken as ImproperlyConfigured).code).to.equal('FIXTURE_INVALID');
        expect((broken as Error).message)
          .to.include('broken.json')
          .and.include('JSON');
        expect(
          ((await loadFixtures(app, join(dir, 'object.json')).catch((e: unknown) => e)) as Error).message,
        ).to.include('must hold a JSON array');
      });

      it('names the row and lists the entities for an unknown model, and loads nothing of that call', async () => {
        const error = await loadFixtures(app, [
          { model: 'Post', pk: 7, fields: { title: 'Kept?', slug: 'kept' } },
          { model: 'Article', fields: { title: 'x' } },
        ]).catch((e: unknown) => e);
        expect((error as Error).message)
          .to.include('row 1')
          .and.include("unknown model 'Article'")
          .and.include('Post, Comment');
        expect((await new TestClient(app).get('/posts')).json()).to.deep.equal([]);
      });

      it('names the row and the database error for a row the database refuses', async () => {
        const error = await loadFixtures(app, [{ model: 'Post', fields: { title: 'No slug' } }]).catch(
          (e: unknown) => e,
        );
        expect((error as ImproperlyConfigured).code).to.equal('FIXTURE_INVALID');
        expect((error as Error).message)
          .to.include('row 0 (Post)')
          .and.include('the database refused it');
      });

      it('returns how many rows it loaded', async () => {
        expect(await loadFixtures(app, [{ model: 'Post', fields: { title: 'T', slug: 't' } }])).to.equal(1);
      });
    });
  });
}

describe('useTestDatabase without models', () => {
  it('explains that the app has no database', async () => {
    const app = await makeApp({});
    const error = await loadFixtures(app, []).catch((e: unknown) => e);
    expect((error as ImproperlyConfigured).code).to.equal('DATABASE_NOT_CONNECTED');
    expect((error as Error).message).to.include('declare an entity');
    await app.close();
  });
});
