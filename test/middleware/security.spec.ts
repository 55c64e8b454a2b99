import { expect } from 'chai';
import { Get, HttpResponse, ImproperlyConfigured, Route, XFrameOptionsExempt } from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';

@Route('')
class PageController {
  @Get('/page') page() {
    return '<p>hi</p>';
  }
  @Get('/framed') @XFrameOptionsExempt() framed() {
    return 'embed me';
  }
  @Get('/own') own() {
    return new HttpResponse('x', { headers: { 'Referrer-Policy': 'no-referrer' } });
  }
  @Get('/health/') health() {
    return 'ok';
  }
}

describe('SecurityMiddleware and XFrameOptionsMiddleware', () => {
  it('adds nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and X-Frame-Options by default', async () => {
    const response = await new TestClient(await makeFullApp({ controllers: [PageController] })).get('/page');
    expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(response.headers.get('referrer-policy')).to.equal('same-origin');
    expect(response.headers.get('cross-origin-opener-policy')).to.equal('same-origin');
    expect(response.headers.get('x-frame-options')).to.equal('DENY');
    expect(response.headers.has('strict-transport-security')).to.equal(false);
  });

  it('keeps a header the view set itself', async () => {
    const response = await new TestClient(await makeFullApp({ controllers: [PageController] })).get('/own');
    expect(response.headers.get('referrer-policy')).to.equal('no-referrer');
  });

  it('lets @XFrameOptionsExempt() views be framed, and honours the xFrameOptions setting', async () => {
    const client = new TestClient(
      await makeFullApp({ controllers: [PageController], settings: { xFrameOptions: 'sameorigin' } }),
    );
    expect((await client.get('/framed')).headers.has('x-frame-options')).to.equal(false);
    expect((await client.get('/page')).headers.get('x-frame-options')).to.equal('SAMEORIGIN');
  });

  it('sends HSTS only on secure requests', async () => {
    const client = new TestClient(
      await makeFullApp({
        controllers: [PageController],
        settings: { secureHstsSeconds: 3600, secureHstsIncludeSubdomains: true, secureHstsPreload: true },
      }),
    );
    expect((await client.get('/page')).headers.has('strict-transport-security')).to.equal(false);
    expect((await client.get('/page', { secure: true })).headers.get('strict-transport-security')).to.equal(
      'max-age=3600; includeSubDomains; preload',
    );
  });

  it('redirects plain HTTP to HTTPS with 301, except exempt paths', async () => {
    const client = new TestClient(
      await makeFullApp({
        controllers: [PageController],
        settings: { secureSslRedirect: true, secureRedirectExempt: ['^health/'] },
      }),
    );
    const response = await client.get('/page', { query: { a: '1' } });
    expect(response.status).to.equal(301);
    expect(response.headers.get('location')).to.equal('https://testserver/page?a=1');
    expect((await client.get('/page', { secure: true })).status).to.equal(200);
    expect((await client.get('/health/')).status).to.equal(200);
  });

  it('sends a Content-Security-Policy when configured', async () => {
    const client = new TestClient(
      await makeFullApp({ controllers: [PageController], settings: { contentSecurityPolicy: "default-src 'self'" } }),
    );
    expect((await client.get('/page')).headers.get('content-security-policy')).to.equal("default-src 'self'");
  });

  it('refuses at start-up a header setting that would split the response (CR/LF), naming the header', async () => {
    const error = await makeFullApp({
      controllers: [PageController],
      settings: { contentSecurityPolicy: "default-src 'self'\r\nSet-Cookie: x=1" },
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImproperlyConfigured);
    expect((error as Error).message)
      .to.include("'contentSecurityPolicy'")
      .and.to.include('Content-Security-Policy')
      .and.to.include('CR, LF or NUL');
  });
});
