import { expect } from 'chai';
import type { App } from 'rondo';
import { TestClient } from 'rondo/testing';
import { sampleApp } from './fixture';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/;

describe('the sample app: the Conduit API under /api', () => {
  let app: App;
  let api: TestClient;
  before(async () => {
    app = await sampleApp();
    api = new TestClient(app, { openapi: true }); // every answer held to the published contract
  });
  after(() => app.close());

  const auth = (token: string) => ({ authorization: `Token ${token}` });
  async function register(username: string): Promise<string> {
    const answer = await api.post('/api/users', {
      json: { user: { username, email: `${username}@example.com`, password: 'password' } },
    });
    expect(answer.status, answer.text).to.equal(201);
    return answer.json().user.token as string;
  }

  it('registers and logs in by e-mail, answering the User with a JWT; GET and PUT /api/user need it', async () => {
    const token = await register('ann');
    const login = await api.post('/api/users/login', {
      json: { user: { email: 'ann@example.com', password: 'password' } },
    });
    expect(login.status).to.equal(200);
    expect(login.json().user).to.include({ email: 'ann@example.com', username: 'ann', bio: null, image: null });
    expect(login.json().user.token).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await api.get('/api/user', { headers: auth(token) })).json().user.username).to.equal('ann');
    const updated = await api.put('/api/user', {
      headers: auth(token),
      json: { user: { bio: 'I write', image: 'https://example.com/a.png' } },
    });
    expect(updated.json().user).to.include({
      bio: 'I write',
      image: 'https://example.com/a.png',
      email: 'ann@example.com',
    });
    const none = await api.get('/api/user');
    expect(none.status).to.equal(401);
    expect(none.json()).to.have.property('errors');
    expect((await api.get('/api/user', { headers: auth('not.a.jwt') })).status).to.equal(401);
  });

  it('answers invalid input with 422 {errors: {field: [...]}} and a wrong password with 401', async () => {
    await register('bob');
    const blank = await api.post('/api/users', { json: { user: { username: '', email: 'nope', password: '' } } });
    expect(blank.status).to.equal(422);
    expect(blank.json().errors).to.have.keys('username', 'email', 'password');
    const taken = await api.post('/api/users', {
      json: { user: { username: 'bob', email: 'other@example.com', password: 'password' } },
    });
    expect(taken.status).to.equal(422);
    expect(taken.json()).to.deep.equal({ errors: { username: ['has already been taken'] } });
    const wrong = await api.post('/api/users/login', {
      json: { user: { email: 'bob@example.com', password: 'wrong-one' } },
    });
    expect(wrong.status).to.equal(401);
    expect(wrong.json()).to.deep.equal({ errors: { 'email or password': ['is invalid'] } });
    const notJson = await api.post('/api/users', { body: 'user=x', contentType: 'text/plain' });
    expect(notJson.status).to.equal(415);
    expect(notJson.json()).to.have.property('errors');
  });

  it('creates, lists, filters, updates, favorites, comments on and deletes articles; only the author changes them', async () => {
    const cy = await register('cy');
    const dee = await register('dee');
    const created = await api.post('/api/articles', {
      headers: auth(cy),
      json: {
        article: {
          title: 'How to train your dragon',
          description: 'Ever wonder how?',
          body: 'Very carefully.',
          tagList: ['training', 'dragons', 'dragons', ' '],
        },
      },
    });
    expect(created.status).to.equal(201);
    const article = created.json().article;
    expect(article).to.include({
      slug: 'how-to-train-your-dragon',
      favorited: false,
      favoritesCount: 0,
      body: 'Very carefully.',
    });
    expect(article.tagList).to.deep.equal(['dragons', 'training']);
    expect(article.createdAt).to.match(ISO);
    expect(article.author).to.deep.equal({ username: 'cy', bio: null, image: null, following: false });
    const again = await api.post('/api/articles', {
      headers: auth(cy),
      json: { article: { title: 'How to train your dragon', description: 'd', body: 'b' } },
    });
    expect(again.json().article.slug).to.equal('how-to-train-your-dragon-2');

    const all = (await api.get('/api/articles')).json();
    expect(all.articlesCount).to.equal(2);
    expect(all.articles[0].slug).to.equal('how-to-train-your-dragon-2');
    expect(all.articles[0]).not.to.have.property('body');
    expect((await api.get('/api/articles', { query: { tag: 'dragons' } })).json().articlesCount).to.equal(1);
    expect((await api.get('/api/articles', { query: { author: 'cy', limit: 1, offset: 1 } })).json())
      .to.include({ articlesCount: 2 })
      .and.have.nested.property('articles[0].slug', 'how-to-train-your-dragon');
    expect((await api.get('/api/articles', { query: { author: 'nobody' } })).json()).to.deep.equal({
      articles: [],
      articlesCount: 0,
    });
    expect((await api.get('/api/articles', { query: { limit: 'abc' } })).status).to.equal(422);

    const fav = await api.post('/api/articles/how-to-train-your-dragon/favorite', { headers: auth(dee) });
    expect(fav.json().article).to.include({ favorited: true, favoritesCount: 1 });
    await api.post('/api/articles/how-to-train-your-dragon/favorite', { headers: auth(dee) }); // idempotent
    expect((await api.get('/api/articles', { query: { favorited: 'dee' } })).json().articlesCount).to.equal(1);
    expect(
      (await api.delete('/api/articles/how-to-train-your-dragon/favorite', { headers: auth(dee) })).json().article,
    ).to.include({ favorited: false, favoritesCount: 0 });

    const forbidden = await api.put('/api/articles/how-to-train-your-dragon', {
      headers: auth(dee),
      json: { article: { body: 'mine now' } },
    });
    expect(forbidden.status).to.equal(403);
    expect(forbidden.json()).to.have.property('errors');
    const renamed = await api.put('/api/articles/how-to-train-your-dragon', {
      headers: auth(cy),
      json: { article: { title: 'Did you train your dragon?' } },
    });
    expect(renamed.json().article).to.include({ slug: 'did-you-train-your-dragon', body: 'Very carefully.' });

    const comment = await api.post('/api/articles/did-you-train-your-dragon/comments', {
      headers: auth(dee),
      json: { comment: { body: 'Thank you so much!' } },
    });
    expect(comment.status).to.equal(200);
    const { id } = comment.json().comment;
    expect((await api.get('/api/articles/did-you-train-your-dragon/comments')).json().comments).to.have.length(1);
    expect(
      (await api.delete(`/api/articles/did-you-train-your-dragon/comments/${id}`, { headers: auth(cy) })).status,
    ).to.equal(403);
    expect(
      (await api.delete(`/api/articles/did-you-train-your-dragon/comments/${id}`, { headers: auth(dee) })).status,
    ).to.equal(204);

    expect((await api.get('/api/tags')).json().tags).to.include.members(['dragons', 'training']);
    expect((await api.delete('/api/articles/did-you-train-your-dragon', { headers: auth(cy) })).status).to.equal(204);
    const gone = await api.get('/api/articles/did-you-train-your-dragon');
    expect(gone.status).to.equal(404);
    expect(gone.json()).to.have.property('errors');
  });

  it('answers CORS preflights for browser front-ends on other origins (any origin, Authorization allowed)', async () => {
    const preflight = await api.options('/api/articles', {
      headers: {
        origin: 'https://conduit.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).to.equal('*');
    expect(preflight.headers.get('access-control-allow-headers'))
      .to.include('authorization')
      .and.include('content-type');
    expect(
      (await api.get('/api/tags', { headers: { origin: 'https://conduit.example' } })).headers.get(
        'access-control-allow-origin',
      ),
    ).to.equal('*');
  });

  it('follows and unfollows profiles, and the feed shows only followed authors', async () => {
    const eve = await register('eve');
    const fay = await register('fay');
    await api.post('/api/articles', {
      headers: auth(fay),
      json: { article: { title: 'From Fay', description: 'd', body: 'b' } },
    });
    expect((await api.get('/api/articles/feed', { headers: auth(eve) })).json()).to.deep.equal({
      articles: [],
      articlesCount: 0,
    });
    expect((await api.post('/api/profiles/fay/follow', { headers: auth(eve) })).json().profile).to.include({
      username: 'fay',
      following: true,
    });
    const feed = (await api.get('/api/articles/feed', { headers: auth(eve) })).json();
    expect(feed.articlesCount).to.equal(1);
    expect(feed.articles[0].author.following).to.equal(true);
    expect((await api.get('/api/profiles/fay', { headers: auth(eve) })).json().profile.following).to.equal(true);
    expect((await api.get('/api/profiles/fay')).json().profile.following).to.equal(false);
    expect((await api.delete('/api/profiles/fay/follow', { headers: auth(eve) })).json().profile.following).to.equal(
      false,
    );
    expect((await api.get('/api/profiles/nobody')).status).to.equal(404);
    expect((await api.get('/api/articles/feed')).status).to.equal(401);
  });
});
