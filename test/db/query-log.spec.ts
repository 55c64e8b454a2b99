import { expect } from 'chai';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { Get, ImproperlyConfigured, InjectRepository, Route, type App } from 'rondo';
import { DATA_SOURCE, ENTITY_MANAGER, atomic, captureQueries } from 'rondo/db';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';
import { Comment, Post } from '../fixtures/models';

@Route('/posts')
class PostController {
  constructor(@InjectRepository(Post) private readonly posts: Repository<Post>) {}
  @Get('') async list() {
    return { count: await this.posts.count() };
  }
  @Get('/broken') async broken() {
    await this.posts.count();
    await this.posts.query('SELECT no_such_column FROM rondo_test_post WHERE id = ?', [42]);
    return {};
  }
  @Get('/then-throws') async thenThrows() {
    await this.posts.findOneBy({ slug: 'secret-slug' });
    throw new Error('view failed after a query');
  }
}

async function appWith(debug: boolean): Promise<App> {
  const app = await makeApp({
    controllers: [PostController],
    entities: [Post, Comment],
    settings: { database: 'sqlite::memory:', debug },
  });
  await app.container.get<DataSource>(DATA_SOURCE).synchronize();
  return app;
}

describe('the SQL a request ran', () => {
  it("lists it on the TestClient's response.queries, in order", async () => {
    const app = await appWith(false);
    const response = await new TestClient(app).get('/posts');
    expect(response.json()).to.deep.equal({ count: 0 });
    expect(response.queries).to.have.length(1);
    expect(response.queries[0].sql).to.match(/^SELECT COUNT\(1\) AS "cnt" FROM "rondo_test_post"/);
    await app.close();
  });

  it('is empty for a request that ran none, and for an app without models', async () => {
    const app = await makeApp({});
    expect((await new TestClient(app).get('/nothing')).queries).to.deep.equal([]);
    await app.close();
  });

  it('shows on the debug 500 page, parameters included, the failed query marked', async () => {
    const app = await appWith(true);
    const response = await new TestClient(app).get('/posts/broken');
    expect(response.status).to.equal(500);
    expect(response.text)
      .to.include('SQL (2 queries)')
      .and.include('SELECT COUNT(1)')
      .and.include('no_such_column')
      .and.include('failed: no such column');
    expect(response.text).to.include('<td>42</td>');
    const json = await new TestClient(app).get('/posts/then-throws', { headers: { accept: 'application/json' } });
    expect(json.json().queries).to.have.length(1);
    expect(json.json().queries[0]).to.include('"slug" = ?');
    await app.close();
  });

  it('is not on the 500 page when debug is off', async () => {
    const app = await appWith(false);
    const response = await new TestClient(app).get('/posts/then-throws');
    expect(response.status).to.equal(500);
    expect(response.text).to.not.include('SQL').and.not.include('secret-slug');
    await app.close();
  });

  it('is recorded by captureQueries around any block, nested captures filling the outer one too', async () => {
    const app = await appWith(false);
    const posts = app.container.get<DataSource>(DATA_SOURCE);
    const outer = await captureQueries(async () => {
      const inner = await captureQueries(() => posts.query('SELECT 1'));
      expect(inner.queries.map((q) => q.sql)).to.deep.equal(['SELECT 1']);
      await posts.query('SELECT 2');
      return 'done';
    });
    expect(outer.result).to.equal('done');
    expect(outer.queries.map((q) => q.sql)).to.deep.equal(['SELECT 1', 'SELECT 2']);
    await app.close();
  });
});

describe('the standalone atomic()', () => {
  it("commits the block's writes in the one connected database, and rolls them back when it throws", async () => {
    const app = await appWith(false);
    const manager = app.container.get<EntityManager>(ENTITY_MANAGER); // follows the current transaction
    await atomic(() => manager.save(Post, { title: 'Kept', slug: 'kept' }));
    const error = await atomic(async () => {
      await manager.save(Post, { title: 'Undone', slug: 'undone' });
      throw new Error('roll back');
    }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('roll back');
    expect((await manager.find(Post)).map((p) => p.title)).to.deep.equal(['Kept']);
    await app.close();
  });

  it('explains when no database is connected, and when several are and none is in a transaction', async () => {
    const none = await Promise.resolve()
      .then(() => atomic(async () => 1))
      .catch((e: unknown) => e);
    expect((none as ImproperlyConfigured).code).to.equal('DATABASE_NOT_CONNECTED');
    const [one, two] = [await appWith(false), await appWith(false)];
    const several = await Promise.resolve()
      .then(() => atomic(async () => 1))
      .catch((e: unknown) => e);
    expect((several as ImproperlyConfigured).code).to.equal('DATABASE_AMBIGUOUS');
    expect((several as Error).message).to.include('inject DATABASE');
    await Promise.all([one.close(), two.close()]);
  });
});
