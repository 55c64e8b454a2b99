import { expect } from 'chai';
import { Get, HttpRequest, Post, Route, type App, type ServerHandle } from 'rondo';
import { makeApp } from '../fixtures/apps';
import { headersOf, openSocket, readReply, sleep, statusOf } from '../fixtures/sockets';

@Route('/h')
class HostileController {
  @Get('/ping') ping() {
    return 'pong';
  }
  @Post('/echo') async echo(request: HttpRequest) {
    return { got: await request.json() };
  }
  @Post('/ignore') ignore() {
    return 'did not read the body';
  }
}

// A response sent before the request body was read must close the connection: the rest
// of the body would otherwise be read as the next request, or keep the server reading.
describe('hostile and broken clients over a socket', () => {
  let app: App;
  let server: ServerHandle;
  beforeEach(async () => {
    app = await makeApp({ controllers: [HostileController], settings: { dataUploadMaxMemorySize: 1024 } });
    server = await app.listen({ port: 0, handleSignals: false });
  });
  afterEach(() => app.close());

  /** Writes raw bytes on a new connection and expects `status`, Connection: close, and the socket closed. */
  async function expectAnsweredThenClosed(raw: string, status: number) {
    const socket = openSocket(server.port);
    const reply = readReply(socket);
    socket.write(raw);
    const { text, closed } = await reply;
    expect(statusOf(text)).to.equal(status);
    expect(headersOf(text).connection).to.equal('close');
    expect(closed).to.equal(true);
  }

  it('answers 404 to a POST with an unread body with Connection: close, then closes', async () => {
    await expectAnsweredThenClosed(
      'POST /nowhere HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n' +
        'x'.repeat(1000),
      404,
    );
  });

  it('answers 413 as soon as a chunked JSON body passes the limit, with Connection: close', async () => {
    // 2 KB of a chunked body that never ends
    await expectAnsweredThenClosed(
      'POST /h/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `800\r\n"${'x'.repeat(2046)}"\r\n`,
      413,
    );
  });

  it('answers 413 to a declared Content-Length over the limit without reading it, with Connection: close', async () => {
    await expectAnsweredThenClosed(
      'POST /h/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"xx',
      413,
    );
  });

  it('closes after a view that ignored a body still being sent', async () => {
    await expectAnsweredThenClosed(
      'POST /h/ignore HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nabc',
      200,
    );
  });

  /** Sends `requests` one after another on one connection; expects all 200 and the connection kept alive. */
  async function expectKeptAlive(requests: string[]) {
    const socket = openSocket(server.port);
    const reply = readReply(socket, 400);
    for (const [i, raw] of requests.entries()) {
      if (i > 0) await sleep(50);
      socket.write(raw);
    }
    const { text, closed } = await reply;
    socket.destroy();
    expect(closed).to.equal(false);
    expect(text.match(/HTTP\/1\.1 200/g)).to.have.length(requests.length);
    expect(text).to.not.match(/connection: close/i);
    return text;
  }

  const PING = 'GET /h/ping HTTP/1.1\r\nHost: localhost\r\n\r\n';

  it('keeps the connection alive after a view that ignored a small declared body (node drains it)', async () => {
    const text = await expectKeptAlive([
      'POST /h/ignore HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nabcde',
      PING,
    ]);
    expect(text).to.include('pong');
  });

  it('keeps the connection alive for GETs and for POSTs whose body was read', async () => {
    const body = '{"a":1}';
    const text = await expectKeptAlive([
      PING,
      `POST /h/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      PING,
    ]);
    expect(text).to.include('{"got":{"a":1}}');
  });
});
