import { expect } from 'chai';
import {
  DisallowedRedirect,
  HttpResponse,
  HttpResponseNotAllowed,
  HttpResponsePermanentRedirect,
  HttpResponseRedirect,
  JsonResponse,
  StreamingHttpResponse,
} from 'rondo';

describe('HttpResponse family', () => {
  it('builds a response with status, content type and headers', () => {
    const r = new HttpResponse('<p>x</p>', {
      status: 201,
      contentType: 'text/html; charset=utf-8',
      headers: { 'X-A': '1' },
    });
    expect(r.status).to.equal(201);
    expect(r.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(r.headers.get('x-a')).to.equal('1');
    expect(r.text).to.equal('<p>x</p>');
  });

  it('treats header names case-insensitively and rejects CR/LF in values', () => {
    const r = new HttpResponse('');
    r.headers.set('Cache-Control', 'no-store');
    expect(r.headers.get('CACHE-CONTROL')).to.equal('no-store');
    r.headers.delete('cache-control');
    expect(r.headers.has('Cache-Control')).to.equal(false);
    expect(() => r.headers.set('X-Evil', 'a\r\nSet-Cookie: x=1')).to.throw(/CR|LF|newline|invalid/i);
  });

  it('serialises JsonResponse data as JSON', () => {
    const r = new JsonResponse({ a: 1 }, { status: 202 });
    expect(r.status).to.equal(202);
    expect(r.headers.get('content-type')).to.match(/^application\/json/);
    expect(JSON.parse(r.text)).to.deep.equal({ a: 1 });
  });

  it('redirects with 302 and 301 and a Location header', () => {
    expect(new HttpResponseRedirect('/next').status).to.equal(302);
    expect(new HttpResponseRedirect('/next').headers.get('location')).to.equal('/next');
    expect(new HttpResponsePermanentRedirect('https://example.com/').status).to.equal(301);
  });

  it('refuses to redirect to an unsafe scheme', () => {
    expect(() => new HttpResponseRedirect('javascript:alert(1)')).to.throw(DisallowedRedirect);
  });

  it('answers 405 with Allow from HttpResponseNotAllowed', () => {
    const r = new HttpResponseNotAllowed(['GET', 'POST']);
    expect(r.status).to.equal(405);
    expect(r.headers.get('allow')).to.equal('GET, POST');
  });

  it('sets cookies HttpOnly, SameSite=Lax and Path=/ by default', () => {
    const r = new HttpResponse('');
    r.setCookie('theme', 'dark', { maxAge: 3600, secure: true, domain: 'example.com' });
    const header = r.cookies.get('theme')!;
    expect(header).to.match(/^theme=dark;/);
    expect(header)
      .to.include('Max-Age=3600')
      .and.include('Path=/')
      .and.include('HttpOnly')
      .and.include('Secure')
      .and.include('SameSite=Lax')
      .and.include('Domain=example.com');
  });

  it('deletes a cookie with Max-Age=0 and an expiry in the past', () => {
    const r = new HttpResponse('');
    r.deleteCookie('theme');
    expect(r.cookies.get('theme')).to.include('Max-Age=0').and.include('Expires=Thu, 01 Jan 1970');
  });

  it('holds an async iterable in a StreamingHttpResponse', async () => {
    async function* rows() {
      yield 'a,';
      yield 'b';
    }
    const r = new StreamingHttpResponse(rows(), { contentType: 'text/csv' });
    expect(r.streaming).to.equal(true);
    const parts: string[] = [];
    for await (const chunk of r.stream as AsyncIterable<string>) parts.push(chunk);
    expect(parts.join('')).to.equal('a,b');
  });

  it('lists its headers and cookies in the flat form writeHead takes, appended or from an index', () => {
    const r = new JsonResponse({ ok: true }, { headers: { 'X-A': '1' } });
    r.setCookie('theme', 'dark');
    expect(r.headers.size).to.equal(2);
    expect(r.cookieCount).to.equal(1);
    const appended = ['Date', 'x'];
    expect(r.headers.flattenInto(appended)).to.equal(6);
    expect(r.flattenCookiesInto(appended)).to.equal(8);
    expect(appended).to.deep.equal([
      'Date',
      'x',
      'X-A',
      '1',
      'Content-Type',
      'application/json',
      'Set-Cookie',
      'theme=dark; Path=/; HttpOnly; SameSite=Lax',
    ]);
    const sized = new Array<string>(6);
    expect(r.flattenCookiesInto(sized, r.headers.flattenInto(sized, 0))).to.equal(6);
    expect(sized).to.deep.equal(appended.slice(2));
  });
});
