/**
 * The adversarial suite, over real sockets (port 0), payloads in
 * test/fixtures/security/payloads.json: smuggling forms, poisoned and missing hosts,
 * absolute-form targets, CRLF injection, open redirects, path traversal, prototype
 * pollution, EJS option injection, ReDoS-shaped segments, non-Error throws and an error
 * after the headers went. Every case checks the status, that the server still answers,
 * and at the end that no file descriptor leaked.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  Accepts,
  CsrfExempt,
  Get,
  HttpResponse,
  Param,
  Post,
  Req,
  Route,
  StreamingHttpResponse,
  isSafeRedirect,
  redirect,
  render,
  type App,
  type HttpRequest,
  type ServerHandle,
} from 'rondo';
import { makeFullApp } from '../fixtures/apps';
import { ROOT } from '../fixtures/projects';
import { openSocket, rawRequest } from '../fixtures/sockets';

const FIXTURES = join(ROOT, 'test/fixtures/security');
const PAYLOADS = JSON.parse(readFileSync(join(FIXTURES, 'payloads.json'), 'utf8')) as {
  smuggling: Array<{ name: string; raw: string }>;
  hosts: Array<{ name: string; raw: string; status: number; notContains?: string }>;
  openRedirects: string[];
  traversal: string[];
  prototypeKeys: string[];
  ejsOptions: string[];
};

let secretHits = 0;

@Route('/adv')
class Target {
  @Get('/ok') ok() {
    return { ok: true };
  }
  @Get('/secret') secret() {
    secretHits += 1;
    return { secret: true };
  }
  @Post('/echo') @CsrfExempt() async echo(@Req() request: HttpRequest) {
    return { bytes: (await request.body()).length };
  }
  @Get('/where') where(@Req() request: HttpRequest) {
    return { host: request.getHost(), absolute: request.buildAbsoluteUri('/x'), path: request.path };
  }
  @Get('/next') next(@Req() request: HttpRequest) {
    const target = request.GET.get('next') ?? '';
    return redirect(isSafeRedirect(target, request.getHost()) ? target : '/adv/ok');
  }
  @Get('/header') header(@Req() request: HttpRequest) {
    return new HttpResponse('x', { headers: { 'X-Echo': request.GET.get('v') ?? '' } });
  }
  @Get('/go') go(@Req() request: HttpRequest) {
    return redirect(`/adv/ok?${request.GET.get('v') ?? ''}`);
  }
  @Get('/cookie') cookie(@Req() request: HttpRequest) {
    return new HttpResponse('x').setCookie('v', request.GET.get('v') ?? '');
  }
  @Get('/download') download(@Req() request: HttpRequest) {
    return new HttpResponse('x', {
      headers: { 'Content-Disposition': `attachment; filename="${request.GET.get('v') ?? ''}"` },
    });
  }
  @Post('/json') @CsrfExempt() async json(@Req() request: HttpRequest) {
    const body = await request.json();
    return { keys: Object.keys(body as object) };
  }
  @Post('/form') @CsrfExempt() @Accepts('application/x-www-form-urlencoded', 'multipart/form-data') async form(
    @Req() request: HttpRequest,
  ) {
    await request.load();
    return { keys: [...request.POST.keys()] };
  }
  @Get('/query') query(@Req() request: HttpRequest) {
    return { keys: [...request.GET.keys()], cookies: Object.keys(request.COOKIES) };
  }
  @Get('/ejs') ejs(@Req() request: HttpRequest) {
    const given = Object.fromEntries(request.GET.entries());
    return render(request, 'echo.ejs', { ...given, given, name: request.GET.get('name') ?? 'you' });
  }
  @Get('/int/<int:v>') int(@Param('v') v: number) {
    return { v };
  }
  @Get('/slug/<slug:v>') slug(@Param('v') v: string) {
    return { v };
  }
  @Get('/uuid/<uuid:v>') uuid(@Param('v') v: string) {
    return { v };
  }
  @Get('/path/<path:v>') path(@Param('v') v: string) {
    return { v: v.length };
  }
  @Get('/str/<str:v>') str(@Param('v') v: string) {
    return { v: v.length };
  }
  // Views that throw what is not an Error (as plain JavaScript may): the point of these tests.
  @Get('/throw-string') throwString(): never {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw 'a string';
  }
  @Get('/throw-undefined') throwUndefined(): never {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw undefined;
  }
  @Get('/throw-object') throwObject(): never {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw { weird: true, toString: null };
  }
  @Get('/late-error') late() {
    let sent = false;
    const stream = new Readable({
      read() {
        if (sent) return;
        sent = true;
        this.push('first part ');
        setTimeout(() => this.destroy(new Error('broke midway')), 50);
      },
    });
    return new StreamingHttpResponse(stream);
  }
}

function fds(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('the adversarial suite (real sockets)', function () {
  this.timeout(30_000);
  let app: App;
  let server: ServerHandle;
  let base: string;
  let fdsBefore: number;
  const uploads = mkdtempSync(join(tmpdir(), 'rondo-adversarial-'));

  before(async () => {
    app = await makeFullApp({
      controllers: [Target],
      settings: {
        templates: { dirs: [join(FIXTURES, 'templates')] },
        staticDirs: [join(FIXTURES, 'static')],
        serveStatic: true,
        fileUploadTempDir: uploads,
        fileUploadMaxMemorySize: 100, // every upload spills to a temporary file
      },
    });
    server = await app.listen({ port: 0, handleSignals: false });
    base = `http://127.0.0.1:${server.port}`;
    await (await fetch(`${base}/adv/ok`)).text();
    fdsBefore = fds();
  });
  after(async () => {
    await app.close();
    rmSync(uploads, { recursive: true, force: true });
  });

  const raw = (text: string, waitMs = 600) => rawRequest(server.port, text, waitMs);

  async function stillUp() {
    expect((await fetch(`${base}/adv/ok`)).status).to.equal(200);
  }

  it("never turns on node's lenient HTTP parser", () => {
    const { server: http } = server as unknown as { server: { insecureHTTPParser?: boolean } };
    expect(http).to.have.property('insecureHTTPParser'); // node reads the option into this field
    expect(http.insecureHTTPParser ?? false).to.equal(false);
  });

  describe('request smuggling forms', () => {
    for (const { name, raw: payload } of PAYLOADS.smuggling) {
      it(`refuses ${name} (400), and no smuggled request reaches a view`, async () => {
        secretHits = 0;
        const answer = await raw(payload);
        expect(answer.status, answer.text.slice(0, 200)).to.equal(400);
        expect(secretHits).to.equal(0);
        await stillUp();
      });
    }
  });

  describe('hosts and targets', () => {
    for (const { name, raw: payload, status, notContains } of PAYLOADS.hosts) {
      it(`answers ${status} to ${name}`, async () => {
        const answer = await raw(payload);
        expect(answer.status).to.equal(status);
        if (notContains) expect(answer.text).not.to.include(notContains);
      });
    }

    it('routes an absolute-form target on its path and keeps the Host header as the host', async () => {
      const answer = await raw('GET http://other.host/adv/where HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(answer.status).to.equal(200);
      const body = JSON.parse(answer.text.split('\r\n\r\n')[1]) as { host: string; absolute: string; path: string };
      expect(body).to.deep.equal({ host: '127.0.0.1', absolute: 'http://127.0.0.1/x', path: '/adv/where' });
    });

    it('decodes the path once: %252e stays %2e, never ..', async () => {
      const answer = await fetch(`${base}/adv/path/%252e%252e%252f`);
      expect(await answer.json()).to.deep.equal({ v: '%2e%2e%2f'.length });
    });
  });

  describe('CR/LF never reaches a response header', () => {
    it('encodes a CR/LF cookie value instead of splitting the header', async () => {
      const answer = await raw('GET /adv/cookie?v=a%0d%0aSet-Cookie:%20evil=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(answer.status).to.equal(200);
      expect(answer.text).to.match(/\r\nSet-Cookie: v=a%0D%0ASet-Cookie%3A%20evil%3D1; /i);
      expect(answer.text).not.to.match(/\r\nSet-Cookie: evil=1/i);
    });

    it('percent-encodes a CR/LF in a redirect target (IRI to URI, as Django), so the Location splits nothing', async () => {
      const answer = await raw('GET /adv/go?v=a%0d%0aSet-Cookie:%20evil=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(answer.status).to.equal(302);
      expect(answer.text).to.match(/\r\nLocation: \/adv\/ok\?a%0D%0ASet-Cookie:%20evil=1\r\n/i);
      expect(answer.text).not.to.match(/\r\nSet-Cookie: evil=1/i);
      await stillUp();
    });

    for (const path of ['/adv/header', '/adv/download']) {
      it(`refuses a CR/LF value on ${path} with an error naming it, and splits nothing`, async () => {
        const answer = await raw(`GET ${path}?v=a%0d%0aSet-Cookie:%20evil=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        expect(answer.status).to.be.within(400, 500);
        expect(answer.headers).to.not.have.property('set-cookie', 'evil=1');
        expect(answer.text).not.to.match(/\r\nSet-Cookie: evil=1/i);
        const logged = (app.logger as unknown as { lines: Array<{ message: string; error?: unknown }> }).lines;
        const last = logged.filter((l) => l.error !== undefined).at(-1);
        if (answer.status === 500)
          expect(String((last?.error as Error)?.message)).to.match(/CR, LF or NUL|line break|control character/i);
        await stillUp();
      });
    }
  });

  describe('open redirects', () => {
    for (const target of PAYLOADS.openRedirects) {
      it(`keeps next=${JSON.stringify(target)} on this site`, async () => {
        const answer = await fetch(`${base}/adv/next?next=${encodeURIComponent(target)}`, { redirect: 'manual' });
        const location = answer.headers.get('location') ?? '';
        expect(answer.status).to.equal(302);
        expect(new URL(location, base).host, location).to.equal(new URL(base).host);
      });
    }

    it('never lets APPEND_SLASH redirect to another host', async () => {
      for (const path of ['//evil.com', '/\\evil.com', '//evil.com/x', '/%2F%2Fevil.com']) {
        const answer = await raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        const location = answer.headers.location;
        if (location !== undefined)
          expect(new URL(location, base).host, `${path} → ${location}`).to.equal(new URL(base).host);
      }
    });
  });

  describe('path traversal against static files', () => {
    it('serves the public file', async () => {
      expect(await (await fetch(`${base}/static/public.txt`)).text()).to.equal('public file\n');
    });
    for (const attempt of PAYLOADS.traversal) {
      it(`never leaks a file for /static/${attempt}`, async () => {
        const answer = await raw(`GET /static/${attempt} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        expect([400, 404]).to.include(answer.status);
        expect(answer.text).not.to.include('root:');
      });
    }
  });

  describe('prototype pollution', () => {
    const clean = () => {
      expect(({} as Record<string, unknown>).polluted, 'Object.prototype.polluted').to.equal(undefined);
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).to.equal(false);
    };
    it('keeps Object.prototype clean through JSON bodies', async () => {
      for (const body of [
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
        '{"a":{"__proto__":{"polluted":1}}}',
      ]) {
        const answer = await fetch(`${base}/adv/json`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect(answer.status).to.be.below(500);
        clean();
      }
    });
    it('keeps Object.prototype clean through query strings, forms and cookies', async () => {
      for (const key of PAYLOADS.prototypeKeys) {
        const pair = `${encodeURIComponent(key)}=1&${encodeURIComponent(`${key}[polluted]`)}=1`;
        expect(
          (await fetch(`${base}/adv/query?${pair}`, { headers: { cookie: `${key}=1; __proto__=x` } })).status,
        ).to.equal(200);
        expect(
          (
            await fetch(`${base}/adv/form`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: pair,
            })
          ).status,
        ).to.equal(200);
        clean();
      }
      const multipart = `--b\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\n{"polluted":1}\r\n--b\r\nContent-Disposition: form-data; name="constructor"\r\n\r\nx\r\n--b--\r\n`;
      expect(
        (
          await fetch(`${base}/adv/form`, {
            method: 'POST',
            headers: { 'content-type': 'multipart/form-data; boundary=b' },
            body: multipart,
          })
        ).status,
      ).to.equal(200);
      clean();
      const fresh = await (await fetch(`${base}/adv/query?a=1`)).json();
      expect(fresh).to.deep.equal({ keys: ['a'], cookies: [] });
    });
  });

  describe('EJS option injection', () => {
    it('lets no request value reach EJS options: each option name as a query key renders the same page', async () => {
      const plain = await (await fetch(`${base}/adv/ejs?name=Ann`)).text();
      for (const option of PAYLOADS.ejsOptions) {
        const evil = `${encodeURIComponent(option)}=${encodeURIComponent('x;process.exit(1);//')}&${encodeURIComponent(`settings[view options][${option}]`)}=1&name=Ann`;
        const answer = await fetch(`${base}/adv/ejs?${evil}`);
        expect(answer.status, option).to.equal(200);
        expect(await answer.text(), option).to.equal(plain.replace('Keys: 1', 'Keys: 3'));
      }
      await stillUp();
    });
  });

  describe('converters against 64 KB and ReDoS-shaped segments', () => {
    for (const converter of ['int', 'slug', 'uuid', 'path', 'str']) {
      it(`answers <${converter}> quickly and without a 5xx`, async () => {
        for (const segment of [
          '9'.repeat(65_536),
          'a'.repeat(65_536),
          `${'a-'.repeat(20_000)}!`,
          `${'0'.repeat(8)}-${'0'.repeat(30_000)}`,
          '%41'.repeat(20_000),
        ]) {
          const started = Date.now();
          const answer = await fetch(`${base}/adv/${converter}/${segment}`);
          expect(answer.status, `${converter}: ${segment.slice(0, 12)}…`).to.be.below(500);
          expect(Date.now() - started).to.be.below(1000);
        }
      });
    }
  });

  describe('odd failures in views', () => {
    for (const path of ['/adv/throw-string', '/adv/throw-undefined', '/adv/throw-object']) {
      it(`answers a plain 500 to ${path} (a non-Error throw), without details`, async () => {
        const answer = await fetch(`${base}${path}`);
        expect(answer.status).to.equal(500);
        const text = await answer.text();
        expect(text).to.include('Server Error').and.not.include('a string').and.not.include('weird');
        await stillUp();
      });
    }

    it('cuts the connection when a stream fails after the headers went, and stays up', async () => {
      const answer = await raw('GET /adv/late-error HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 1000);
      expect(answer.status).to.equal(200);
      expect(answer.text).to.include('first part').and.not.include('0\r\n\r\n'); // never a clean end of chunks
      await stillUp();
    });
  });

  describe('uploads that go wrong', () => {
    const part = (name: string, size: number) =>
      `--b\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${'x'.repeat(size)}\r\n`;

    it('removes the temporary file of a completed upload after the response', async () => {
      const answer = await fetch(`${base}/adv/form`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
        body: `${part('doc', 5000)}--b--\r\n`,
      });
      expect(await answer.json()).to.deep.equal({ keys: [] });
    });

    it('removes the temporary files of uploads aborted mid-file, and of malformed ones', async () => {
      for (let i = 0; i < 20; i++) {
        const socket = openSocket(server.port);
        socket.on('error', () => undefined);
        socket.write(
          `POST /adv/form HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n${part('cut', 3000)}`,
        );
        await new Promise((done) => setTimeout(done, 10));
        socket.destroy();
      }
      const malformed = await fetch(`${base}/adv/form`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
        body: `${part('bad', 3000).slice(0, 2500)}`,
      });
      expect(malformed.status).to.equal(400);
      await stillUp();
    });
  });

  it('leaks no file descriptor and no temporary file over the whole suite', async () => {
    await new Promise((done) => setTimeout(done, 300));
    expect(fds()).to.be.at.most(fdsBefore + 2);
    expect(readdirSync(uploads)).to.deep.equal([]);
  });
});
