import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Get, HttpRequest, Post, Route, StreamingHttpResponse, type App, type ServerHandle } from 'rondo';
import { makeApp } from '../fixtures/apps';

@Route('/s')
class SocketController {
  @Get('/json') json() {
    return { hello: 'world' };
  }
  @Post('/echo') async echo(request: HttpRequest) {
    return { got: await request.json() };
  }
  @Get('/slow') async slow() {
    await new Promise((r) => setTimeout(r, 200));
    return 'slow done';
  }
  @Get('/fail') fail() {
    throw new Error('only this request fails');
  }
  @Get('/stream') stream() {
    async function* parts() {
      yield 'one,';
      yield 'two';
    }
    return new StreamingHttpResponse(parts(), { contentType: 'text/plain' });
  }
}

/** Sends raw bytes and resolves with everything the server wrote before closing or `idleMs` of silence. */
function raw(port: number, text: string | Buffer, idleMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data);
    };
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(done, idleMs);
    });
    socket.on('end', done);
    socket.on('error', reject);
    socket.write(text);
  });
}

describe('the node:http server', () => {
  let app: App;
  let server: ServerHandle;

  beforeEach(async () => {
    app = await makeApp({
      controllers: [SocketController],
      settings: { maxHeaderSize: 2048, dataUploadMaxMemorySize: 1024 },
    });
    server = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(() => app.close());

  it('listens on a free port and serves JSON with Content-Length', async () => {
    expect(server.port).to.be.greaterThan(0);
    expect(server.url).to.equal(`http://127.0.0.1:${server.port}`);
    const response = await fetch(`${server.url}/s/json`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-length')).to.equal('17');
    expect(await response.json()).to.deep.equal({ hello: 'world' });
  });

  it('reads a request body', async () => {
    const response = await fetch(`${server.url}/s/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await response.json()).to.deep.equal({ got: { a: 1 } });
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await fetch(`${server.url}/s/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify('x'.repeat(5000)),
    });
    expect(response.status).to.equal(413);
  });

  it('answers HEAD without a body but with the GET headers', async () => {
    const text = await raw(server.port, 'HEAD /s/json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(text).to.match(/^HTTP\/1\.1 200/);
    expect(text).to.match(/content-type: application\/json/i);
    expect(text.split('\r\n\r\n')[1]).to.equal('');
  });

  it('streams a StreamingHttpResponse chunked', async () => {
    const response = await fetch(`${server.url}/s/stream`);
    expect(response.headers.get('transfer-encoding')).to.equal('chunked');
    expect(await response.text()).to.equal('one,two');
  });

  it('answers 431 to a header block over maxHeaderSize and keeps serving', async () => {
    const text = await raw(
      server.port,
      `GET /s/json HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(4096)}\r\n\r\n`,
    );
    expect(text).to.match(/^HTTP\/1\.1 431/);
    expect((await fetch(`${server.url}/s/json`)).status).to.equal(200);
  });

  it('answers 400 to a malformed request line and keeps serving', async () => {
    const text = await raw(server.port, 'NONSENSE\r\n\r\n');
    expect(text).to.match(/^HTTP\/1\.1 400/);
    expect((await fetch(`${server.url}/s/json`)).status).to.equal(200);
  });

  it('answers 400 to an invalid percent-encoding in the path', async () => {
    const text = await raw(server.port, 'GET /s/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(text).to.match(/^HTTP\/1\.1 400/);
  });

  it('serves several requests on one keep-alive socket', async () => {
    const text = await raw(
      server.port,
      'GET /s/json HTTP/1.1\r\nHost: localhost\r\n\r\nGET /s/json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(text.match(/HTTP\/1\.1 200/g)).to.have.length(2);
  });

  it('waits for an in-flight request before close() resolves', async () => {
    const inFlight = fetch(`${server.url}/s/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    expect(await inFlight).to.equal('slow done');
  });

  it('keeps serving other requests while one fails', async () => {
    const results = await Promise.all([
      fetch(`${server.url}/s/fail`).then((r) => r.status),
      fetch(`${server.url}/s/json`).then((r) => r.status),
      raw(server.port, 'GET /s/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n').then((t) =>
        Number(t.slice(9, 12)),
      ),
      fetch(`${server.url}/s/json`).then((r) => r.status),
    ]);
    expect(results).to.deep.equal([500, 200, 400, 200]);
  });

  it('plugs into http.createServer through app.handler', async () => {
    const plain = createServer(app.handler);
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      const response = await fetch(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/s/json`);
      expect(await response.json()).to.deep.equal({ hello: 'world' });
    } finally {
      plain.closeAllConnections();
      await new Promise((r) => plain.close(r));
    }
  });

  it('stops accepting connections after close()', async () => {
    await server.close();
    const error = await fetch(`${server.url}/s/json`).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
  });
});
