import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import {
  Accepts,
  Body,
  CommonMiddleware,
  CsrfExempt,
  Get,
  HttpRequest,
  Post,
  redirect,
  Route,
  SecurityMiddleware,
  StreamingHttpResponse,
  type App,
  type ServerHandle,
} from 'rondo';
import { makeApp, makeFullApp } from '../fixtures/apps';
import { rawRequest, sleep, waitFor } from '../fixtures/sockets';

// One test per hole the hostile-input probe of 2026-12 found, over real sockets (port 0).

@Route('')
class ProbeController {
  @Get('/ok/') ok() {
    return 'ok';
  }
  @Get('/hang') hang() {
    return new Promise(() => undefined);
  }
  @Post('/hang') @CsrfExempt() hangWithBody(@Body() body: Record<string, unknown>) {
    return new Promise(() => body);
  }
  /** One chunk, then silence: a stalled producer. */
  @Get('/stall') stall() {
    const source = new PassThrough();
    source.write('first\n');
    return new StreamingHttpResponse(source, { contentType: 'text/plain' });
  }
  @Get('/js-redirect') jsRedirect() {
    return redirect('java\tscript:alert(1)');
  }
  @Get('/absolute') absolute(request: HttpRequest) {
    return { url: request.buildAbsoluteUri('\\\\evil.com/x'), slashes: request.buildAbsoluteUri('//evil.com/y') };
  }
  @Get('/crash') crash() {
    throw new Error('boom');
  }
  @Post('/echo') async echo(request: HttpRequest) {
    return { depth: 'parsed', type: typeof (await request.json()) };
  }
}

@Route('/api')
@CsrfExempt()
class ExemptApi {
  @Post('/items') create(@Body() body: Record<string, unknown>) {
    return { got: body };
  }
  @Post('/hooks') @Accepts('application/json', 'application/x-www-form-urlencoded') hook(
    @Body() body: Record<string, unknown>,
  ) {
    return { got: body };
  }
}

function raw(server: ServerHandle, text: string, waitMs = 2000) {
  return rawRequest(server.port, text, waitMs);
}

function openSockets(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('fixes from the hostile-input probe', () => {
  let app: App;
  let server: ServerHandle;
  async function serve(make: Promise<App>) {
    app = await make;
    server = await app.listen({ port: 0, handleSignals: false });
  }
  afterEach(() => app?.close());

  it('validates Host before any middleware uses it: no redirect to a poisoned host (secureSslRedirect)', async () => {
    await serve(
      makeApp({
        controllers: [ProbeController],
        middleware: [SecurityMiddleware],
        settings: { secureSslRedirect: true },
      }),
    );
    const reply = await raw(server, 'GET /ok/ HTTP/1.1\r\nHost: evil.com\r\nConnection: close\r\n\r\n');
    expect(reply.status).to.equal(400);
    expect(reply.headers.location).to.equal(undefined);
    const good = await raw(server, 'GET /ok/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(good.status).to.equal(301);
    expect(good.headers.location).to.equal('https://localhost/ok/');
  });

  it('answers 400 to a request with two Host header lines (RFC 9112 3.2)', async () => {
    await serve(makeApp({ controllers: [ProbeController] }));
    const reply = await raw(
      server,
      'GET /ok/ HTTP/1.1\r\nHost: localhost\r\nHost: evil.com\r\nConnection: close\r\n\r\n',
    );
    expect(reply.status).to.equal(400);
    expect((await raw(server, 'GET /ok/ HTTP/1.1\r\nhost: localhost\r\nConnection: close\r\n\r\n')).status).to.equal(
      200,
    );
  });

  it('answers 503 to views that never answer, at responseTimeout, and frees every socket', async function () {
    this.timeout(20_000);
    await serve(makeApp({ controllers: [ProbeController], settings: { responseTimeout: 300 } }));
    const before = openSockets();
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => raw(server, 'GET /hang HTTP/1.1\r\nHost: localhost\r\n\r\n', 5000)),
    );
    for (const reply of replies) {
      expect(reply.status).to.equal(503);
      expect(reply.headers['retry-after']).to.equal('1');
      expect(reply.headers.connection).to.equal('close');
    }
    expect(
      await waitFor(() => openSockets() <= before + 2, 3000),
      `descriptors ${openSockets()} vs ${before} before`,
    ).to.equal(true);
  });

  it('logs a view that missed responseTimeout with its path only: a query string (a token, an address) stays out of the log', async function () {
    this.timeout(10_000);
    await serve(makeApp({ controllers: [ProbeController], settings: { responseTimeout: 300 } }));
    expect(
      (await raw(server, 'GET /hang?token=s3cr3t&email=ann@example.com HTTP/1.1\r\nHost: localhost\r\n\r\n', 5000))
        .status,
    ).to.equal(503);
    const lines = (app.logger as unknown as { lines: Array<{ message: string }> }).lines.map((line) => line.message);
    expect(lines.find((line) => line.includes('responseTimeout'))).to.include('GET /hang;');
    expect(lines.join('\n')).not.to.include('s3cr3t').and.not.include('ann@example.com');
  });

  it('answers 503 at responseTimeout to a view with a body and to pipelined requests too, and forgets a client that left', async function () {
    this.timeout(10_000);
    await serve(makeApp({ controllers: [ProbeController], settings: { responseTimeout: 300 } }));
    const body = '{"a":1}';
    const started = Date.now();
    const reply = await raw(
      server,
      `POST /hang HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      5000,
    );
    expect(reply.status).to.equal(503);
    expect(Date.now() - started).to.be.at.least(250);
    // Two pipelined requests on one socket: the first is answered 503 at its own deadline.
    const pipelined = await raw(
      server,
      'GET /hang HTTP/1.1\r\nHost: localhost\r\n\r\nGET /hang HTTP/1.1\r\nHost: localhost\r\n\r\n',
      3000,
    );
    expect(pipelined.status).to.equal(503);
    expect(pipelined.headers.connection).to.equal('close');
    const gone = connect(server.port, '127.0.0.1', () => gone.end('GET /hang HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    await sleep(50);
    gone.destroy(); // the view still hangs: the deadline drops the socket without an error
    await sleep(600);
    expect((await raw(server, 'GET /ok/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')).status).to.equal(
      200,
    );
  });

  it('keeps a request alive past responseTimeout while its body is still arriving, and answers it', async function () {
    this.timeout(10_000);
    await serve(makeApp({ controllers: [ProbeController], settings: { responseTimeout: 300 } }));
    const body = '{"a":[1,2,3,4,5,6,7,8,9]}';
    const reply = await new Promise<string>((done) => {
      let text = '';
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(
          `POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
        );
        // 1.2 s of upload, four times the deadline, never 300 ms silent.
        void (async () => {
          for (let i = 0; i < body.length; i += 2) {
            socket.write(body.slice(i, i + 2));
            await sleep(100);
          }
        })();
      });
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      socket.on('close', () => done(text));
    });
    expect(reply).to.include('200 OK').and.include('"type":"object"');
  });

  it("cuts a streamed response that stays silent for responseTimeout, and keeps a quick answer's socket alive until keepAliveTimeout", async function () {
    this.timeout(10_000);
    await serve(
      makeApp({ controllers: [ProbeController], settings: { responseTimeout: 300, keepAliveTimeout: 1500 } }),
    );
    const closedAfter = (request: string) =>
      new Promise<{ ms: number; text: string }>((done) => {
        const started = Date.now();
        let text = '';
        const socket = connect(server.port, '127.0.0.1', () => socket.write(request));
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        socket.on('close', () => done({ ms: Date.now() - started, text }));
      });
    const stalled = await closedAfter('GET /stall HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(stalled.text).to.include('200 OK').and.include('first');
    expect(stalled.ms).to.be.at.least(250).and.below(1400); // at the response deadline, not at keepAliveTimeout
    const quick = await closedAfter('GET /ok/ HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(quick.text).to.include('200 OK');
    expect(quick.ms).to.be.at.least(1400); // answered: the idle socket waits for keepAliveTimeout, not the response deadline
  });

  it('refuses a cross-site HTML form posted to a @CsrfExempt API (415); JSON and an explicit @Accepts pass', async () => {
    await serve(makeFullApp({ controllers: [ExemptApi] }));
    const form = 'title=pwned';
    const post = (path: string, type: string, body: string) =>
      raw(
        server,
        `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\nOrigin: https://evil.com\r\nConnection: close\r\n\r\n${body}`,
      );
    const refused = await post('/api/items', 'application/x-www-form-urlencoded', form);
    expect(refused.status).to.equal(415);
    expect(refused.text).to.include('takes JSON only');
    expect((await post('/api/items', 'text/plain', form)).status).to.equal(415);
    expect((await post('/api/items', 'multipart/form-data; boundary=x', '--x--')).status).to.equal(415);
    expect((await post('/api/items', 'application/json', '{"a":1}')).status).to.equal(200);
    expect((await post('/api/hooks', 'application/x-www-form-urlencoded', form)).status).to.equal(200);
  });

  it('never redirects APPEND_SLASH to a path a browser reads as another host (/\\evil.com)', async () => {
    @Route('')
    class Catch {
      @Get('/<str:p>/') any() {
        return 'x';
      }
    }
    await serve(makeApp({ controllers: [Catch], middleware: [CommonMiddleware] }));
    let redirected = 0;
    for (const path of ['/\\evil.com', '/\\\\evil.com', '/\\evil.com%2Fx']) {
      const reply = await raw(server, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      if (reply.status !== 301) continue; // node may refuse the target outright (400)
      redirected++;
      const location = reply.headers.location.replace(/[\t\n\r]/g, '');
      expect(location, path).to.match(/^\/[^/\\]/);
    }
    expect(redirected).to.be.greaterThan(0);
  });

  it('refuses redirect() to java<TAB>script: (tabs and newlines go before the scheme check)', async () => {
    await serve(makeApp({ controllers: [ProbeController] }));
    const reply = await raw(server, 'GET /js-redirect HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(reply.status).to.equal(400);
    expect(reply.headers.location).to.equal(undefined);
  });

  it('keeps buildAbsoluteUri on this host for backslash and // targets', async () => {
    await serve(makeApp({ controllers: [ProbeController] }));
    const reply = await raw(server, 'GET /absolute HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    const body = JSON.parse(reply.text.split('\r\n\r\n')[1]);
    expect(body).to.deep.equal({ url: 'http://localhost/evil.com/x', slashes: 'http://localhost/evil.com/y' });
  });

  it('refuses dotfiles under staticUrl and gives static files the security headers', async () => {
    const dir = join(__dirname, '../../../test/fixtures/static-dot');
    await serve(makeFullApp({ settings: { staticDirs: [dir], debug: false, serveStatic: true } }));
    expect(
      (await raw(server, 'GET /static/.env HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')).status,
    ).to.equal(404);
    expect(
      (await raw(server, 'GET /static/css/.env HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')).status,
    ).to.equal(404);
    const css = await raw(server, 'GET /static/css/site.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(css.status).to.equal(200);
    expect(css.headers['x-content-type-options']).to.equal('nosniff');
    expect(css.headers['x-frame-options']).to.equal('DENY');
    await app.close();
    await serve(makeFullApp({ settings: { staticDirs: [dir], serveStatic: true, staticServeDotfiles: true } }));
    expect(
      (await raw(server, 'GET /static/.env HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')).status,
    ).to.equal(200);
  });

  it('masks credentials on the debug page by pattern: headers, query, settings', async () => {
    await serve(
      makeApp({
        controllers: [ProbeController],
        settings: { debug: true, secretKey: 'the-secret-key-value', database: 'postgres://app:hunter2@db/app' },
      }),
    );
    const reply = await raw(
      server,
      'GET /crash?api_key=k123&page=2 HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n' +
        'X-Amz-Security-Token: amz-tok\r\nX-Session-Token: sess-tok\r\nX-Db-Password: pw-123\r\nConnection: close\r\n\r\n',
    );
    expect(reply.status).to.equal(500);
    for (const secret of ['amz-tok', 'sess-tok', 'pw-123', 'k123', 'the-secret-key-value', 'hunter2'])
      expect(reply.text).to.not.include(secret);
    expect(reply.text).to.include('x-amz-security-token').and.include('page').and.include('postgres://app:');
  });

  it('answers 400 to a 100k-deep JSON body on a plain request.json() view (no stack overflow, no 500)', async () => {
    await serve(makeApp({ controllers: [ProbeController] }));
    const body = '['.repeat(100_000) + ']'.repeat(100_000);
    const reply = await raw(
      server,
      `POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(reply.status).to.equal(400);
    expect(reply.text).to.include('jsonMaxDepth');
    const shallow = '[[[1]]]';
    expect(
      (
        await raw(
          server,
          `POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${shallow.length}\r\nConnection: close\r\n\r\n${shallow}`,
        )
      ).status,
    ).to.equal(200);
    await sleep(0);
  });
});
