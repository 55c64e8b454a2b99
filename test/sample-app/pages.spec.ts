import { expect } from 'chai';
import type { App } from 'rondo';
import { TestClient, type TestResponse } from 'rondo/testing';
import { sampleApp } from './fixture';

const csrfOf = (page: TestResponse) => /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(page.text)![1];

describe('the sample app: HTML pages', () => {
  let app: App;
  before(async () => {
    app = await sampleApp();
  });
  after(() => app.close());

  async function signedUp(username: string): Promise<TestClient> {
    const client = new TestClient(app, { enforceCsrfChecks: true });
    const page = await client.get('/accounts/signup/');
    expect(page.text).to.include('class="nav"'); // the account pages sit in the site's layout
    const answer = await client.post('/accounts/signup/', {
      data: {
        csrfmiddlewaretoken: csrfOf(page),
        username,
        email: `${username}@example.com`,
        password1: 'violet sunset 42',
        password2: 'violet sunset 42',
      },
    });
    expect(answer.status, answer.text).to.equal(302);
    return client;
  }

  it('shows an empty home page with a stylesheet, security headers and the login link', async () => {
    const home = await new TestClient(app).get('/');
    expect(home.status).to.equal(200);
    expect(home.templateName).to.equal('articles/list.ejs');
    expect(home.text).to.include('href="/static/css/site.css"').and.include('Log in').and.include('Nothing here yet');
    expect(home.headers.get('x-frame-options')).to.equal('DENY');
    expect(home.headers.get('server-timing')).to.match(/^app;dur=/);
    expect((await new TestClient(app).get('/static/css/site.css')).headers.get('content-type')).to.equal(
      'text/css; charset=utf-8',
    );
    expect((await new TestClient(app).get('/readyz')).json()).to.deep.equal({
      status: 'ok',
      checks: { database: 'ok' },
    });
  });

  it('signs up, writes an article through the form (PRG, flash once), comments, and shows who is logged in', async () => {
    const ann = await signedUp('ann');
    expect((await ann.get('/')).text).to.include('Signed in as <strong>ann</strong>');
    const form = await ann.get('/articles/new');
    const created = await ann.post('/articles/new', {
      data: {
        csrfmiddlewaretoken: csrfOf(form),
        title: 'First light',
        description: 'Morning',
        body: 'The sun rose.',
        tags: 'sky, morning',
      },
      followRedirects: true,
    });
    expect(created.redirectChain[0].status).to.equal(302);
    expect(created.text)
      .to.include('<h1>First light</h1>')
      .and.include('Published “First light”')
      .and.include('Delete');
    expect((await ann.get('/articles/first-light/')).text).not.to.include('Published');
    const commented = await ann.post('/articles/first-light/comments', {
      data: { csrfmiddlewaretoken: csrfOf(created), body: 'Lovely.' },
      followRedirects: true,
    });
    expect(commented.text).to.include('Lovely.');
    const empty = await ann.post('/articles/first-light/comments', {
      data: { csrfmiddlewaretoken: csrfOf(created), body: '' },
      followRedirects: true,
    });
    expect(empty.text).to.include('Your comment was not saved: This field is required.');
    const long = await ann.post('/articles/first-light/comments', {
      data: { csrfmiddlewaretoken: csrfOf(created), body: 'x'.repeat(10_001) },
      followRedirects: true,
    });
    expect(long.text).to.include(
      'Your comment was not saved: Ensure this value has at most 10000 characters (it has 10001).',
    );
    expect((await new TestClient(app).get('/')).text)
      .to.include('First light')
      .and.include('by ann');
  });

  it('re-renders an invalid form with Django-worded errors next to the fields and the input kept', async () => {
    const bob = await signedUp('bob');
    const form = await bob.get('/articles/new');
    const invalid = await bob.post('/articles/new', {
      data: { csrfmiddlewaretoken: csrfOf(form), title: 'Kept <title>', body: '' },
    });
    expect(invalid.status).to.equal(400);
    expect(invalid.text).to.include('This field is required.').and.include('value="Kept &lt;title&gt;"');
  });

  it('lets only the author edit or delete (403 for others), and sends anonymous writers to the login page', async () => {
    const cy = await signedUp('cy');
    const page = await cy.get('/articles/new');
    await cy.post('/articles/new', { data: { csrfmiddlewaretoken: csrfOf(page), title: 'Mine', body: 'b' } });
    const dee = await signedUp('dee');
    expect((await dee.get('/articles/mine/edit')).status).to.equal(403);
    const token = csrfOf(await dee.get('/articles/mine/'));
    expect((await dee.post('/articles/mine/delete', { data: { csrfmiddlewaretoken: token } })).status).to.equal(403);
    expect((await new TestClient(app).get('/articles/new')).headers.get('location')).to.equal(
      '/accounts/login/?next=%2Farticles%2Fnew',
    );
    const edit = await cy.get('/articles/mine/edit');
    expect(edit.text).to.include('value="Mine"');
    const deleted = await cy.post('/articles/mine/delete', {
      data: { csrfmiddlewaretoken: csrfOf(edit) },
      followRedirects: true,
    });
    expect(deleted.text).to.include('Deleted “Mine”');
    expect((await cy.get('/articles/mine/')).status).to.equal(404);
  });

  it('paginates the article list', async () => {
    const eve = await signedUp('eve');
    const token = csrfOf(await eve.get('/articles/new'));
    for (let i = 0; i < 11; i += 1)
      await eve.post('/articles/new', { data: { csrfmiddlewaretoken: token, title: `Note ${i}`, body: 'b' } });
    const first = await eve.get('/');
    expect(first.text).to.include('Older →').and.include('Note 10');
    const second = await eve.get('/', { query: { page: 2 } });
    expect(second.text).to.include('← Newer').and.not.include('Note 10');
  });
});
