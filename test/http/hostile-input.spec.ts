import { expect } from 'chai';
import { Get, HttpRequest, Post, Route, type App, type RunningServer } from 'rondo';
import { makeApp } from '../fixtures/apps';
import { headersOf, openSocket, readReply, sleep, statusOf } from '../fixtures/sockets';

@Route('/h')
class HostileController {
  @Get('/ping') ping() { return 'pong'; }
  @Post('/echo') async echo(request: HttpRequest) { return { got: await request.json() }; }
  @Post('/ignore') ignore() { return 'did not read the body'; }
}

// A response sent before the request body was read must close the connection: the rest
// of the body would otherwise be read as the next request, or keep the server reading.
describe('hostile and broken clients over a socket', () => {
  let app: App;
  let server: RunningServer;
  beforeEach(async () => {
    app = await makeApp({ controllers: [HostileController], settings: { dataUploadMaxMemorySize: 1024 } });
    server = await app.listen({ port: 0, handleSignals: false });
  });
  afterEach(() => app.close());

  it('answers 404 to a POST with an unread body with Connection: close, then closes', async () => {
    const socket = openSocket(server.port);
    const reply = readReply(socket);
    socket.write('POST /nowhere HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n' + 'x'.repeat(1000));
    const { text, closed } = await reply;
    expect(statusOf(text)).to.equal(404);
    expect(headersOf(text).connection).to.equal('close');
    expect(closed).to.equal(true);
  });

  it('answers 413 as soon as a chunked JSON body passes the limit, with Connection: close', async () => {
    const socket = openSocket(server.port);
    const reply = readReply(socket);
    socket.write('POST /h/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    socket.write(`800\r\n"${'x'.repeat(2046)}"\r\n`); // 2 KB of a body that never ends
    const { text, closed } = await reply;
    expect(statusOf(text)).to.equal(413);
    expect(headersOf(text).connection).to.equal('close');
    expect(closed).to.equal(true);
  });

  it('answers 413 to a declared Content-Length over the limit without reading it, with Connection: close', async () => {
    const socket = openSocket(server.port);
    const reply = readReply(socket);
    socket.write('POST /h/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"xx');
    const { text, closed } = await reply;
    expect(statusOf(text)).to.equal(413);
    expect(headersOf(text).connection).to.equal('close');
    expect(closed).to.equal(true);
  });

  it('closes after a view that ignored a body still being sent', async () => {
    const socket = openSocket(server.port);
    const reply = readReply(socket);
    socket.write('POST /h/ignore HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nabc');
    const { text, closed } = await reply;
    expect(statusOf(text)).to.equal(200);
    expect(headersOf(text).connection).to.equal('close');
    expect(closed).to.equal(true);
  });

  it('keeps the connection alive after a view that ignored a small declared body (node drains it)', async () => {
    const socket = openSocket(server.port);
    const reply = readReply(socket, 400);
    socket.write('POST /h/ignore HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nabcde');
    await sleep(50);
    socket.write('GET /h/ping HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const { text, closed } = await reply;
    socket.destroy();
    expect(closed).to.equal(false);
    expect(text.match(/HTTP\/1\.1 200/g)).to.have.length(2);
    expect(text).to.include('pong');
    expect(text).to.not.match(/connection: close/i);
  });

  it('keeps the connection alive for GETs and for POSTs whose body was read', async () => {
    const socket = openSocket(server.port);
    const reply = readReply(socket, 400);
    const body = '{"a":1}';
    socket.write('GET /h/ping HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await sleep(50);
    socket.write(`POST /h/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await sleep(50);
    socket.write('GET /h/ping HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const { text, closed } = await reply;
    socket.destroy();
    expect(closed).to.equal(false);
    expect(text.match(/HTTP\/1\.1 200/g)).to.have.length(3);
    expect(text).to.not.match(/connection: close/i);
  });
});
