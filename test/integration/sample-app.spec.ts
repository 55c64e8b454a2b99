import { expect } from 'chai';
import { silentLogger } from 'rondo';
import { TestClient } from 'rondo/testing';
import buildApp from '../../sample-app/src/app';

describe('the sample blog', () => {
  async function client() {
    return new TestClient(await buildApp({ logger: silentLogger }));
  }

  it('lists posts on the home page as HTML with links made by reverse()', async () => {
    const response = await (await client()).get('/');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/html/);
    expect(response.text).to.include('<a href="/posts/1">Hello, Rondo</a>');
    expect(response.headers.get('server-timing')).to.match(/^app;dur=/);
  });

  it('creates a post through the JSON API and shows it escaped on its page', async () => {
    const c = await client();
    const created = await c.post('/api/posts/', { json: { title: '<script>x</script>', body: 'b' } });
    expect(created.status).to.equal(201);
    const page = await c.get(`/posts/${created.json().id}`);
    expect(page.text).to.include('&#60;script&#62;x&#60;/script&#62;').and.not.include('<script>x');
  });

  it('answers 400 with a problem document for an invalid post', async () => {
    const response = await (await client()).post('/api/posts/', { json: { body: 'no title' } });
    expect(response.status).to.equal(400);
    expect(response.headers.get('content-type')).to.equal('application/problem+json');
    expect(response.json().detail).to.include('"title"');
  });

  it('answers 404 for a missing post and 204 after a delete', async () => {
    const c = await client();
    expect((await c.delete('/api/posts/1')).status).to.equal(204);
    expect((await c.get('/api/posts/1')).status).to.equal(404);
  });
});
