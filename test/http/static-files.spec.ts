import { expect } from 'chai';
import { connect } from 'node:net';
import { join } from 'node:path';
import { FileResponse, Get, Route, type App, type ServerHandle } from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';

const STATIC = join(__dirname, '../../../test/fixtures/static');

@Route('')
class DownloadController {
  @Get('/download') download() {
    return new FileResponse(join(STATIC, 'data.txt'), { asAttachment: true, fileName: 'Résumé "final".txt' });
  }
  @Get('/inline') inline() {
    return new FileResponse(join(STATIC, 'css/site.css'));
  }
  @Get('/missing') missing() {
    return new FileResponse(join(STATIC, 'nope.txt'));
  }
}

async function client(settings = {}) {
  return new TestClient(
    await makeApp({ controllers: [DownloadController], settings: { staticDirs: [STATIC], debug: true, ...settings } }),
  );
}

describe('FileResponse', () => {
  it('streams a file with its type, length and a safely encoded download name', async () => {
    const response = await (await client()).get('/download');
    expect(response.text).to.equal('0123456789abcdefghij');
    expect(response.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
    expect(response.headers.get('content-length')).to.equal('20');
    expect(response.headers.get('content-disposition')).to.equal(
      `attachment; filename="R_sum_ _final_.txt"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.txt`,
    );
  });

  it('serves inline by default and answers 404 for a missing file', async () => {
    const c = await client();
    const css = await c.get('/inline');
    expect(css.headers.get('content-type')).to.equal('text/css; charset=utf-8');
    expect(css.headers.has('content-disposition')).to.equal(false);
    expect((await c.get('/missing')).status).to.equal(404);
  });
});

describe('static files', () => {
  it('serves files under staticUrl with type, ETag and Last-Modified', async () => {
    const response = await (await client()).get('/static/css/site.css');
    expect(response.status).to.equal(200);
    expect(response.text).to.equal('body { color: red; }\n');
    expect(response.headers.get('content-type')).to.equal('text/css; charset=utf-8');
    expect(response.headers.get('etag')).to.match(/^W\/"/);
    expect(response.headers.has('last-modified')).to.equal(true);
  });

  it('answers 304 to a matching If-None-Match or If-Modified-Since', async () => {
    const c = await client();
    const first = await c.get('/static/data.txt');
    expect(
      (await c.get('/static/data.txt', { headers: { 'if-none-match': first.headers.get('etag')! } })).status,
    ).to.equal(304);
    expect(
      (await c.get('/static/data.txt', { headers: { 'if-modified-since': first.headers.get('last-modified')! } }))
        .status,
    ).to.equal(304);
  });

  it('answers byte ranges with 206, and 416 for unsatisfiable ones', async () => {
    const c = await client();
    const part = await c.get('/static/data.txt', { headers: { range: 'bytes=2-5' } });
    expect(part.status).to.equal(206);
    expect(part.text).to.equal('2345');
    expect(part.headers.get('content-range')).to.equal('bytes 2-5/20');
    const tail = await c.get('/static/data.txt', { headers: { range: 'bytes=-3' } });
    expect(tail.text).to.equal('hij');
    const bad = await c.get('/static/data.txt', { headers: { range: 'bytes=50-60' } });
    expect(bad.status).to.equal(416);
    expect(bad.headers.get('content-range')).to.equal('bytes */20');
  });

  it('answers 404 to traversal attempts, NUL bytes and symlinks out of the folder', async () => {
    const c = await client();
    for (const path of [
      '/static/../package.json',
      '/static/..%2f..%2fpackage.json',
      '/static/%2e%2e/%2e%2e/package.json',
      '/static/css/..%5c..%5cpackage.json',
      '/static/data.txt%00.css',
      '/static/leak.txt',
      '/static/',
      '/static/css',
    ]) {
      const response = await c.get(path);
      expect(response.status, path).to.be.oneOf([400, 404]);
      expect(response.text, path).to.not.include('secret').and.not.include('"name"');
    }
  });

  it('is off when debug is off, unless serveStatic is set', async () => {
    expect((await (await client({ debug: false })).get('/static/data.txt')).status).to.equal(404);
    expect((await (await client({ debug: false, serveStatic: true })).get('/static/data.txt')).status).to.equal(200);
  });

  it('answers 405 to other methods', async () => {
    expect((await (await client()).post('/static/data.txt')).status).to.equal(405);
  });

  it('rejects a staticUrl without slashes at start-up', async () => {
    const error = await makeApp({ settings: { staticUrl: 'static' } }).catch((e: Error) => e);
    expect((error as Error).message).to.include("staticUrl must start and end with '/'");
  });

  describe('over a socket', () => {
    let app: App;
    let server: ServerHandle;
    before(async () => {
      app = await makeApp({ settings: { staticDirs: [STATIC], debug: true } });
      server = await app.listen({ port: 0 });
    });
    after(() => app.close());

    function raw(path: string): Promise<string> {
      return new Promise((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1');
        let data = '';
        socket.on('data', (c: Buffer) => {
          data += c.toString();
        });
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
        socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      });
    }

    it('answers 404 to raw traversal paths the client did not normalise', async () => {
      for (const path of [
        '/static/../../package.json',
        '/static/..%2f..%2fpackage.json',
        '/static/%2e%2e%2f%2e%2e%2fpackage.json',
        '/static/..\\..\\package.json',
      ]) {
        const text = await raw(path);
        expect(text, path).to.match(/^HTTP\/1\.1 (400|404)/);
        expect(text).to.not.include('"name"');
      }
    });
  });
});
