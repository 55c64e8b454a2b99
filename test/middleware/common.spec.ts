import { expect } from 'chai';
import { Get, Post, Route } from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';

@Route('/posts')
class PostsController {
  @Get('/') list() {
    return 'list';
  }
  @Post('/') create() {
    return 'created';
  }
}

describe('CommonMiddleware', () => {
  it('redirects GET /posts to /posts/ with 301, keeping the query', async () => {
    const response = await new TestClient(await makeFullApp({ controllers: [PostsController] })).get('/posts', {
      query: { page: '2' },
    });
    expect(response.status).to.equal(301);
    expect(response.headers.get('location')).to.equal('/posts/?page=2');
  });

  it('leaves a 404 alone when the slash form does not match either', async () => {
    expect(
      (await new TestClient(await makeFullApp({ controllers: [PostsController] })).get('/nothing')).status,
    ).to.equal(404);
  });

  it('explains in debug why a POST to /posts cannot be redirected', async () => {
    const response = await new TestClient(
      await makeFullApp({ controllers: [PostsController], settings: { debug: true } }),
    ).post('/posts', { data: { a: '1' } });
    expect(response.status).to.equal(500);
    expect(response.text).to.include('appendSlash').and.include('/posts/');
  });

  it('does not redirect when appendSlash is off', async () => {
    expect(
      (
        await new TestClient(
          await makeFullApp({ controllers: [PostsController], settings: { appendSlash: false } }),
        ).get('/posts')
      ).status,
    ).to.equal(404);
  });

  it('never redirects to another host for a path starting with //', async () => {
    @Route('')
    class Evil {
      @Get('//evil.com/') e() {
        return 'x';
      }
    }
    const response = await new TestClient(await makeFullApp({ controllers: [Evil] })).get('//evil.com');
    if (response.status === 301) expect(response.headers.get('location')!.startsWith('//')).to.equal(false);
  });

  it('answers 403 to a disallowed user agent', async () => {
    const client = new TestClient(
      await makeFullApp({ controllers: [PostsController], settings: { disallowedUserAgents: ['badbot'] } }),
    );
    expect((await client.get('/posts/', { headers: { 'user-agent': 'Mozilla BadBot/1.0' } })).status).to.equal(403);
    expect((await client.get('/posts/', { headers: { 'user-agent': 'Mozilla/5.0' } })).status).to.equal(200);
  });

  it('sets Content-Length on complete responses', async () => {
    const response = await new TestClient(await makeFullApp({ controllers: [PostsController] })).get('/posts/');
    expect(response.headers.get('content-length')).to.equal('4');
  });
});
