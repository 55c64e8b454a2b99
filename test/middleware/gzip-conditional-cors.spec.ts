import { expect } from 'chai';
import { gunzipSync } from 'node:zlib';
import {
  ConditionalGetMiddleware,
  CorsMiddleware,
  Get,
  GZipMiddleware,
  HttpResponse,
  Post,
  Route,
  StreamingHttpResponse,
} from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';

const BIG = 'Rondo '.repeat(100);

@Route('')
class ContentController {
  @Get('/big') big() {
    return BIG;
  }
  @Get('/small') small() {
    return 'tiny';
  }
  @Get('/tagged') tagged() {
    return new HttpResponse(BIG, { headers: { ETag: '"v1"' } });
  }
  @Get('/dated') dated() {
    return new HttpResponse('dated', { headers: { 'Last-Modified': 'Tue, 24 Nov 2026 10:00:00 GMT' } });
  }
  @Get('/stream') stream() {
    async function* parts() {
      for (let i = 0; i < 50; i++) yield `line ${i}\n`;
    }
    return new StreamingHttpResponse(parts(), { contentType: 'text/plain' });
  }
  @Post('/api') api() {
    return { ok: true };
  }
}

describe('GZipMiddleware', () => {
  const client = async () =>
    new TestClient(await makeApp({ controllers: [ContentController], settings: { middleware: [GZipMiddleware] } }));

  it('compresses bodies over 200 bytes for clients accepting gzip', async () => {
    const response = await (await client()).get('/big', { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(response.headers.get('content-encoding')).to.equal('gzip');
    expect(response.headers.get('vary')).to.include('Accept-Encoding');
    expect(Number(response.headers.get('content-length'))).to.equal(response.body.length);
    expect(gunzipSync(response.body).toString()).to.equal(BIG);
  });

  it('leaves small bodies and clients without gzip alone', async () => {
    const c = await client();
    expect(
      (await c.get('/small', { headers: { 'accept-encoding': 'gzip' } })).headers.has('content-encoding'),
    ).to.equal(false);
    expect((await c.get('/big')).headers.has('content-encoding')).to.equal(false);
    expect(
      (await c.get('/big', { headers: { 'accept-encoding': 'gzip;q=0' } })).headers.has('content-encoding'),
    ).to.equal(false);
  });

  it('makes a strong ETag weak', async () => {
    const response = await (await client()).get('/tagged', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('etag')).to.equal('W/"v1"');
  });

  it('compresses streams as streams', async () => {
    const response = await (await client()).get('/stream', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).to.equal('gzip');
    expect(gunzipSync(response.body).toString()).to.equal(Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(''));
  });

  it('stops the producer when the consumer of a compressed stream stops early (client gone)', async () => {
    let stopped = false;
    async function* endless() {
      try {
        for (;;) yield 'x'.repeat(300);
      } finally {
        stopped = true;
      }
    }
    const gzip = new GZipMiddleware();
    const request = (await makeApp({ controllers: [ContentController] })).createRequest({
      method: 'GET',
      url: '/',
      headers: { host: 'testserver', 'accept-encoding': 'gzip' },
    });
    const response = gzip.processResponse(request, new StreamingHttpResponse(endless()));
    const iterator = (response.stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    expect((await iterator.next()).done).to.equal(false);
    await iterator.return!(undefined);
    expect(stopped).to.equal(true);
  });
});

describe('ConditionalGetMiddleware', () => {
  const client = async () =>
    new TestClient(
      await makeApp({ controllers: [ContentController], settings: { middleware: [ConditionalGetMiddleware] } }),
    );

  it('adds a weak ETag and answers 304 to a matching If-None-Match', async () => {
    const c = await client();
    const first = await c.get('/big');
    const etag = first.headers.get('etag')!;
    expect(etag).to.match(/^W\/"/);
    const second = await c.get('/big', { headers: { 'if-none-match': etag } });
    expect(second.status).to.equal(304);
    expect(second.body.length).to.equal(0);
    expect(second.headers.get('etag')).to.equal(etag);
    expect((await c.get('/big', { headers: { 'if-none-match': 'W/"other"' } })).status).to.equal(200);
  });

  it('answers 304 when Last-Modified is not newer than If-Modified-Since', async () => {
    const c = await client();
    expect(
      (await c.get('/dated', { headers: { 'if-modified-since': 'Tue, 24 Nov 2026 10:00:00 GMT' } })).status,
    ).to.equal(304);
    expect(
      (await c.get('/dated', { headers: { 'if-modified-since': 'Tue, 24 Nov 2026 09:00:00 GMT' } })).status,
    ).to.equal(200);
    expect((await c.get('/dated', { headers: { 'if-modified-since': 'garbage' } })).status).to.equal(200);
  });

  it('leaves POST alone', async () => {
    const response = await (await client()).post('/api', { headers: { 'if-none-match': '*' } });
    expect(response.status).to.equal(200);
  });
});

describe('CorsMiddleware', () => {
  const client = async (settings = {}) =>
    new TestClient(
      await makeApp({
        controllers: [ContentController],
        settings: {
          middleware: [CorsMiddleware],
          corsAllowedOrigins: ['https://app.example.com'],
          corsAllowedOriginRegexes: ['^https://.*\\.preview\\.dev$'],
          ...settings,
        },
      }),
    );

  it('answers a preflight from an allowed origin with 204 and the allowed methods and headers', async () => {
    const response = await (
      await client()
    ).options('/api', { headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(response.status).to.equal(204);
    expect(response.headers.get('access-control-allow-origin')).to.equal('https://app.example.com');
    expect(response.headers.get('access-control-allow-methods')).to.include('POST');
    expect(response.headers.get('access-control-allow-headers')).to.include('content-type');
    expect(response.headers.get('access-control-max-age')).to.equal('86400');
    expect(response.headers.get('vary')).to.include('Origin');
  });

  it('allows origins matching a pattern and echoes them with credentials', async () => {
    const response = await (
      await client({ corsAllowCredentials: true })
    ).post('/api', { headers: { origin: 'https://pr-1.preview.dev' } });
    expect(response.headers.get('access-control-allow-origin')).to.equal('https://pr-1.preview.dev');
    expect(response.headers.get('access-control-allow-credentials')).to.equal('true');
  });

  it('sends no CORS headers to other origins', async () => {
    const response = await (await client()).post('/api', { headers: { origin: 'https://evil.com' } });
    expect(response.headers.has('access-control-allow-origin')).to.equal(false);
    expect(response.headers.get('vary')).to.include('Origin');
  });

  it("answers '*' for any origin when allowed and no credentials", async () => {
    const response = await (
      await client({ corsAllowedOrigins: ['*'] })
    ).post('/api', { headers: { origin: 'https://any.org' } });
    expect(response.headers.get('access-control-allow-origin')).to.equal('*');
  });
});
