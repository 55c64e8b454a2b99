import { expect } from 'chai';
import { BadRequest, HttpRequest, RequestDataTooBig, RondoError, TooManyFieldsSent, UnsupportedMediaType } from 'rondo';
import { Readable } from 'node:stream';
import { makeApp } from '../fixtures/apps';

async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
  settings = {},
): Promise<HttpRequest> {
  const app = await makeApp({ settings });
  const headers: Record<string, string> = { host: 'example.com:8000', ...init.headers };
  if (init.body !== undefined && headers['content-length'] === undefined)
    headers['content-length'] = String(Buffer.byteLength(init.body));
  return app.createRequest({ method: init.method ?? 'GET', url, headers, body: init.body, remoteAddress: '10.0.0.7' });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('HttpRequest', () => {
  describe('path', () => {
    it('is percent-decoded once', async () => {
      const r = await request('/caf%C3%A9/a%252F?x=1');
      expect(r.path).to.equal('/café/a%2F');
      expect(r.rawPath).to.equal('/caf%C3%A9/a%252F');
      expect(r.getFullPath()).to.equal('/caf%C3%A9/a%252F?x=1');
    });

    it('rejects an invalid percent-encoding with BadRequest', async () => {
      const r = await request('/a/%zz');
      expect(() => r.path).to.throw(BadRequest);
    });

    it('rejects a NUL byte with BadRequest', async () => {
      const r = await request('/a%00b');
      expect(() => r.path).to.throw(BadRequest);
    });
  });

  describe('GET', () => {
    it('is a multi-valued QueryDict', async () => {
      const r = await request('/?tag=a&tag=b&q=hello+world&empty=');
      expect(r.queryString).to.equal('tag=a&tag=b&q=hello+world&empty=');
      expect(r.GET.get('tag')).to.equal('b');
      expect(r.GET.getAll('tag')).to.deep.equal(['a', 'b']);
      expect(r.GET.get('q')).to.equal('hello world');
      expect(r.GET.has('empty')).to.equal(true);
      expect(r.GET.get('missing', 'fallback')).to.equal('fallback');
    });

    it('treats __proto__ and constructor as plain keys', async () => {
      const r = await request('/?__proto__[polluted]=1&__proto__=x&constructor=y');
      expect(r.GET.get('__proto__')).to.equal('x');
      expect(r.GET.toObject().constructor).to.equal('y');
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });

    it('rejects more fields than dataUploadMaxNumberFields', async () => {
      const query = Array.from({ length: 11 }, (_, i) => `f${i}=1`).join('&');
      const r = await request(`/?${query}`, {}, { dataUploadMaxNumberFields: 10 });
      expect(() => r.GET).to.throw(TooManyFieldsSent);
    });
  });

  describe('headers, cookies and connection', () => {
    it('reads headers case-insensitively', async () => {
      const r = await request('/', { headers: { 'x-custom': 'v' } });
      expect(r.headers.get('X-Custom')).to.equal('v');
      expect(r.headers.has('x-CUSTOM')).to.equal(true);
    });

    it('parses cookies', async () => {
      const r = await request('/', { headers: { cookie: 'a=1; theme=dark%20blue' } });
      expect(r.COOKIES.a).to.equal('1');
      expect(r.COOKIES.theme).to.equal('dark blue');
    });

    it('reads one cookie with getCookie() exactly as COOKIES has it, for odd headers too', async () => {
      const headers = [
        'a=1; theme=dark%20blue',
        ' a = 1 ;b=2',
        'a=1; a=2',
        'junk; a=3',
        'a',
        '=x; a=4',
        'a=%E0%A4%A; b=%41',
        'ab=1; a=5',
        'a=\t6\t; b',
        'b=1;;  a=7',
        '__proto__=8; constructor=9',
        'a="quoted"',
        'x=1; a=',
      ];
      for (const cookie of headers) {
        const fresh = await request('/', { headers: { cookie } });
        const parsed = await request('/', { headers: { cookie } });
        for (const name of ['a', 'b', 'theme', 'ab', '__proto__', 'constructor', 'missing', 'x']) {
          expect(fresh.getCookie(name), `${name} in ${JSON.stringify(cookie)}`).to.equal(parsed.COOKIES[name]);
        }
      }
      expect((await request('/', { headers: { cookie: 'a=1; theme=dark%20blue' } })).getCookie('theme')).to.equal(
        'dark blue',
      );
      expect((await request('/')).getCookie('a')).to.equal(undefined);
    });

    it('reports scheme, host, port and remote address', async () => {
      const r = await request('/', {}, { allowedHosts: ['example.com'] });
      expect(r.scheme).to.equal('http');
      expect(r.isSecure()).to.equal(false);
      expect(r.getHost()).to.equal('example.com:8000');
      expect(r.remoteAddress).to.equal('10.0.0.7');
    });

    it('validates the host on every getHost() call, as Django does (DisallowedHost)', async () => {
      const r = await request('/', { headers: { host: 'evil.com' } }, { allowedHosts: ['example.com'] });
      expect(() => r.getHost()).to.throw(/Invalid HTTP_HOST header: 'evil.com'/);
      expect(() => r.buildAbsoluteUri('/x')).to.throw(/allowedHosts/);
    });
  });

  describe('body', () => {
    it('parses JSON once with json()', async () => {
      const r = await request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: '{"a":[1,2]}',
      });
      expect(await r.json()).to.deep.equal({ a: [1, 2] });
      expect(await r.json()).to.deep.equal({ a: [1, 2] });
    });

    it('gives a streamed body to every reader while it is still arriving (body() and json() together)', async () => {
      const app = await makeApp({ settings: {} });
      const text = '{"a":[1,2]}';
      const r = app.createRequest({
        method: 'POST',
        url: '/',
        remoteAddress: '10.0.0.7',
        headers: {
          host: 'example.com:8000',
          'content-type': 'application/json',
          'content-length': String(text.length),
        },
        body: Readable.from([Buffer.from(text.slice(0, 4)), Buffer.from(text.slice(4))]),
      });
      const [raw, value, again] = await Promise.all([r.body(), r.json(), r.body()]);
      expect(raw.toString()).to.equal(text);
      expect(again).to.equal(raw);
      expect(value).to.deep.equal({ a: [1, 2] });
    });

    it('rejects invalid JSON with BadRequest', async () => {
      const r = await request('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
      expect(await rejection(r.json())).to.be.instanceOf(BadRequest);
    });

    it('rejects prototype-poisoning JSON keys with BadRequest', async () => {
      for (const body of ['{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}']) {
        const r = await request('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(await rejection(r.json())).to.be.instanceOf(BadRequest);
      }
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });

    it('answers json() on a non-JSON body with UnsupportedMediaType', async () => {
      const r = await request('/', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
      const error = await rejection(r.json());
      expect(error).to.be.instanceOf(UnsupportedMediaType);
      expect((error as Error).message).to.include('text/plain');
    });

    it('rejects a body over dataUploadMaxMemorySize with RequestDataTooBig (413)', async () => {
      const r = await request(
        '/',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(200)}"` },
        { dataUploadMaxMemorySize: 100 },
      );
      const error = await rejection(r.json());
      expect(error).to.be.instanceOf(RequestDataTooBig);
      expect((error as { status: number }).status).to.equal(413);
    });

    it('parses urlencoded forms into POST after load()', async () => {
      const r = await request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'title=Hi+there&tag=a&tag=b',
      });
      expect(() => r.POST).to.throw(RondoError, /await request.load\(\)/);
      await r.load();
      expect(r.POST.get('title')).to.equal('Hi there');
      expect(r.POST.getAll('tag')).to.deep.equal(['a', 'b']);
    });

    it('says when the body is loaded and gives the JSON value without awaiting (isLoaded, loadedJson)', async () => {
      const json = await request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":[1,2]}',
      });
      expect(json.isLoaded).to.equal(false);
      expect(json.loadedJson()).to.equal(undefined);
      await json.load();
      expect(json.isLoaded).to.equal(true);
      expect(json.loadedJson()).to.deep.equal({ a: [1, 2] });
      const form = await request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'x=1',
      });
      await form.load();
      expect(form.isLoaded).to.equal(true);
      expect(form.loadedJson()).to.equal(undefined); // not JSON
      const broken = await request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":',
      });
      expect(await rejection(broken.load())).to.be.instanceOf(BadRequest);
      expect(broken.isLoaded).to.equal(false);
    });

    it('gives an empty POST for requests without a form body', async () => {
      const r = await request('/');
      expect(r.POST.size).to.equal(0);
    });
  });
});
