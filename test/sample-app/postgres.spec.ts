import { expect } from 'chai';
import { silentLogger, type App } from 'rondo';
import { DATABASE, type Database } from 'rondo/db';
import { TestClient } from 'rondo/testing';
import buildApp from '../../sample-app/src/app';
import { freshPostgresOrSkip } from '../fixtures/services';

describe('the sample app on PostgreSQL (DATABASE_URL)', function () {
  this.timeout(30_000);
  let app: App;
  let drop: (() => Promise<void>) | undefined;
  before(async function () {
    const database = await freshPostgresOrSkip(this);
    drop = database.drop;
    app = await buildApp({
      logger: silentLogger,
      settings: { database: database.url, authLoginRateLimit: null, authSignupRateLimit: null },
    });
  });
  after(async () => {
    await app?.close();
    await drop?.();
  });

  it('migrates a fresh database with its own migration, after which the models and tables agree', async () => {
    const database = app.container.get<Database>(DATABASE);
    expect(await database.migrate()).to.deep.equal([
      'CreateSessions1700000000001',
      'CreateAdminLog1700000000003',
      'Initial1796213283746',
    ]);
    expect(await database.makeMigration('Nothing', '/nonexistent/never-written')).to.equal(undefined);
  });

  it('serves the Conduit API on it: sign-up, an article with tags, the list, a comment', async () => {
    const api = new TestClient(app);
    const user = (
      await api.post('/api/users', {
        json: { user: { username: 'pg', email: 'pg@example.com', password: 'password' } },
      })
    ).json<{ user: { token: string } }>();
    const auth = { authorization: `Token ${user.user.token}` };
    const created = await api.post('/api/articles', {
      headers: auth,
      json: { article: { title: 'On Postgres', description: 'd', body: 'b', tagList: ['db', 'sql'] } },
    });
    expect(created.status).to.equal(201);
    const listed = (await api.get('/api/articles', { query: { tag: 'sql' } })).json<{
      articlesCount: number;
      articles: Array<{ slug: string; tagList: string[] }>;
    }>();
    expect(listed.articlesCount).to.equal(1);
    expect(listed.articles[0].tagList).to.deep.equal(['db', 'sql']);
    const comment = await api.post(`/api/articles/${listed.articles[0].slug}/comments`, {
      headers: auth,
      json: { comment: { body: 'Works.' } },
    });
    expect(comment.status).to.equal(200);
  });
});
