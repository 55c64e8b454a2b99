import { expect } from 'chai';
import { silentLogger } from 'rondo';
import { TestClient } from 'rondo/testing';
import buildApp from '../../sample-app/src/app';

describe('the sample blog', () => {
  async function client(options: { enforceCsrfChecks?: boolean } = {}) {
    return new TestClient(await buildApp({ logger: silentLogger }), options);
  }

  it('lists posts on the home page, rendered into the layout with links made by url()', async () => {
    const response = await (await client()).get('/');
    expect(response.status).to.equal(200);
    expect(response.templateName).to.equal('posts/list.ejs');
    expect(response.headers.get('content-type')).to.match(/^text\/html/);
    expect(response.text).to.include('<a href="/posts/1">Hello, Rondo</a>');
    expect(response.text).to.include('href="/static/css/site.css"');
    expect(response.headers.get('x-frame-options')).to.equal('DENY');
    expect(response.headers.get('server-timing')).to.match(/^app;dur=/);
  });

  it('serves its stylesheet', async () => {
    const response = await (await client()).get('/static/css/site.css');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/css; charset=utf-8');
  });

  it('publishes a post through the form with CSRF, redirects, and shows a one-time message', async () => {
    const c = await client({ enforceCsrfChecks: true });
    const form = await c.get('/posts/new');
    const token = /name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"/.exec(form.text)![1];
    const created = await c.post('/posts/new', { data: { csrfmiddlewaretoken: token, title: 'Second post', body: 'Hi' }, followRedirects: true });
    expect(created.redirectChain[0].status).to.equal(302);
    expect(created.text).to.include('<h1>Second post</h1>').and.include('Published “Second post”');
    expect((await c.get('/')).text).to.not.include('Published');
  });

  it('re-renders the form with errors and the input kept', async () => {
    const response = await (await client()).post('/posts/new', { data: { title: 'x<', body: '' } });
    expect(response.status).to.equal(400);
    expect(response.text).to.include('value="x&lt;"').and.include('Ensure this value has at least 3 characters (it has 2).');
  });

  it('refuses a form without the CSRF token', async () => {
    const response = await (await client({ enforceCsrfChecks: true })).post('/posts/new', { data: { title: 'Sneaky', body: 'x' } });
    expect(response.status).to.equal(403);
  });

  it('creates a post through the JSON API and shows it escaped on its page', async () => {
    const c = await client();
    const created = await c.post('/api/posts/', { json: { title: '<script>x</script>', body: 'b' } });
    expect(created.status).to.equal(201);
    const page = await c.get(`/posts/${created.json().id}`);
    expect(page.text).to.include('&lt;script&gt;x&lt;/script&gt;').and.not.include('<script>x');
  });

  it('answers 400 with field errors for an invalid post', async () => {
    const response = await (await client()).post('/api/posts/', { json: { body: 'no title' } });
    expect(response.status).to.equal(400);
    expect(response.headers.get('content-type')).to.equal('application/problem+json');
    expect(response.json().errors.title).to.deep.equal(['This field is required.']);
  });

  it('answers 404 for a missing post and 204 after a delete', async () => {
    const c = await client();
    expect((await c.delete('/api/posts/1')).status).to.equal(204);
    expect((await c.get('/api/posts/1')).status).to.equal(404);
  });
});

describe("the sample blog's signing key", () => {
  const { secretKey } = require('../../sample-app/src/secret-key') as typeof import('../../sample-app/src/secret-key');
  const { mkdtempSync, readFileSync, statSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const { tmpdir } = require('node:os') as typeof import('node:os');

  it('takes RONDO_SECRET_KEY from the environment', () => {
    expect(secretKey({ RONDO_SECRET_KEY: 'from-the-environment' }, '/nonexistent/key')).to.equal('from-the-environment');
  });

  it('otherwise generates a random development key once, into an owner-only file, and keeps it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rondo-key-')), '.secret-key');
    const first = secretKey({}, file);
    expect(first).to.have.length.greaterThan(50);
    expect(readFileSync(file, 'utf8').trim()).to.equal(first);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(secretKey({}, file)).to.equal(first);
    expect(secretKey({}, join(mkdtempSync(join(tmpdir(), 'rondo-key-')), '.secret-key'))).to.not.equal(first);
  });

  it('never signs with a key committed in its source', async () => {
    const app = await buildApp({ logger: silentLogger });
    expect(app.settings.secretKey).to.not.equal('sample-app-development-key-not-for-production');
    const source = readFileSync(join(__dirname, '../../../sample-app/src/app.ts'), 'utf8');
    expect(source).to.not.match(/secretKey:\s*['"`]/);
  });
});
