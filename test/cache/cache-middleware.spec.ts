import { expect } from 'chai';
import { DEFAULT_MIDDLEWARE, Get, HttpResponse, Query, Req, Route, type App, type HttpRequest } from 'rondo';
import { Cache, CacheMiddleware, CachePage } from 'rondo/cache';
import { TestClient } from 'rondo/testing';
import { makeApp, makeFullApp } from '../fixtures/apps';

let calls = 0;

@Route('/pages')
class Pages {
  @Get('/cached') @CachePage(60) cached(@Query('q') q?: string) {
    calls += 1;
    return new HttpResponse(`<p>page ${calls} ${q ?? ''}</p>`);
  }
  @Get('/plain') plain() {
    calls += 1;
    return new HttpResponse(`<p>plain ${calls}</p>`);
  }
  @Get('/private') @CachePage(60) priv() {
    calls += 1;
    return new HttpResponse(`p ${calls}`, { headers: { 'Cache-Control': 'private' } });
  }
  @Get('/cookie') @CachePage(60) cookie() {
    calls += 1;
    return new HttpResponse(`c ${calls}`).setCookie('seen', '1');
  }
  @Get('/short') @CachePage(60) short() {
    calls += 1;
    return new HttpResponse(`s ${calls}`, { headers: { 'Cache-Control': 'max-age=1' } });
  }
  @Get('/lang') @CachePage(60) lang(@Req() request: HttpRequest) {
    calls += 1;
    return new HttpResponse(`${request.headers.get('accept-language') ?? '-'} ${calls}`, {
      headers: { Vary: 'Accept-Language' },
    });
  }
  @Get('/missing') @CachePage(60) missing() {
    calls += 1;
    return new HttpResponse('no', { status: 404 });
  }
  @Get('/form') @CachePage(60) form(@Req() request: HttpRequest) {
    calls += 1;
    return new HttpResponse(`<input value="${request.csrfToken!()}">`);
  }
}

describe('CacheMiddleware and @CachePage', () => {
  let app: App;
  let client: TestClient;
  before(async () => {
    app = await makeFullApp({
      controllers: [Pages],
      settings: { middleware: [...DEFAULT_MIDDLEWARE, CacheMiddleware] },
    });
  });
  beforeEach(async () => {
    calls = 0;
    client = new TestClient(app);
    await app.container.get(Cache).clear();
  });
  after(() => app.close());

  it('answers a @CachePage view from the cache after the first time, with max-age and Expires, per URL', async () => {
    const first = await client.get('/pages/cached');
    const second = await client.get('/pages/cached');
    expect(first.text).to.equal('<p>page 1 </p>');
    expect(second.text).to.equal('<p>page 1 </p>');
    expect(calls).to.equal(1);
    expect(second.headers.get('cache-control')).to.equal('max-age=60');
    expect(second.headers.get('expires')).to.be.a('string');
    expect(second.headers.get('x-frame-options')).to.equal('DENY'); // the outer layers still run on a hit
    expect(second.headers.get('x-request-id')).to.not.equal(first.headers.get('x-request-id'));
    expect((await client.get('/pages/cached', { query: { q: 'other' } })).text).to.equal('<p>page 2 other</p>');
    expect((await client.head('/pages/cached')).status).to.equal(200);
    expect(calls).to.equal(2);
  });

  it('leaves views without @CachePage alone (cacheMiddlewareSeconds is 0)', async () => {
    await client.get('/pages/plain');
    expect((await client.get('/pages/plain')).text).to.equal('<p>plain 2</p>');
  });

  it('never stores private responses, cookie-setting ones, errors, or a page with a CSRF token', async () => {
    for (const path of ['/pages/private', '/pages/cookie', '/pages/missing', '/pages/form']) {
      calls = 0;
      await client.get(path);
      await new TestClient(app).get(path);
      expect(calls, path).to.equal(2);
    }
  });

  it('keeps one entry per value of the headers the response varies on', async () => {
    expect((await client.get('/pages/lang', { headers: { 'accept-language': 'fr' } })).text).to.equal('fr 1');
    expect((await client.get('/pages/lang', { headers: { 'accept-language': 'de' } })).text).to.equal('de 2');
    expect((await client.get('/pages/lang', { headers: { 'accept-language': 'fr' } })).text).to.equal('fr 1');
    expect(calls).to.equal(2);
  });

  it('never serves the cache to, nor stores for, a request with a session cookie or credentials', async () => {
    await client.get('/pages/cached');
    const withSession = await client.get('/pages/cached', { headers: { cookie: 'sessionid=abc' } });
    const withToken = await client.get('/pages/cached', { headers: { authorization: 'Token t' } });
    expect(withSession.text).to.equal('<p>page 2 </p>');
    expect(withToken.text).to.equal('<p>page 3 </p>');
  });

  it("honours the response's shorter max-age", async () => {
    await client.get('/pages/short');
    await client.get('/pages/short');
    expect(calls).to.equal(1);
    await new Promise((done) => setTimeout(done, 1100));
    await client.get('/pages/short');
    expect(calls).to.equal(2);
  });

  it('caches every GET page for cacheMiddlewareSeconds (the per-site cache)', async () => {
    const site = await makeFullApp({
      controllers: [Pages],
      settings: { middleware: [...DEFAULT_MIDDLEWARE, CacheMiddleware], cacheMiddlewareSeconds: 30 },
    });
    const other = new TestClient(site);
    calls = 0;
    await other.get('/pages/plain');
    expect((await other.get('/pages/plain')).text).to.equal('<p>plain 1</p>');
    expect((await other.get('/pages/plain')).headers.get('cache-control')).to.equal('max-age=30');
    await site.close();
  });

  it('fails at start-up when @CachePage is used without CacheMiddleware', async () => {
    const error = await makeApp({ controllers: [Pages] }).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'VIEW_MIDDLEWARE_MISSING');
    expect((error as Error).message)
      .to.include('@CachePage()')
      .and.include('CacheMiddleware');
  });
});
