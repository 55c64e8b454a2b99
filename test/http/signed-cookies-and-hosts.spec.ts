import { expect } from 'chai';
import { Get, HttpRequest, HttpResponse, Route } from 'rondo';
import { TestClient } from 'rondo/testing';
import { capturingLogger, makeApp } from '../fixtures/apps';

@Route('')
class CookieController {
  @Get('/set') set() {
    return new HttpResponse('set').setSignedCookie('cart', '3 items', { maxAge: 60 });
  }
  @Get('/set-salted') salted() {
    return new HttpResponse('set').setSignedCookie('cart', 'salted', { salt: 'shop' });
  }
  @Get('/get') get(request: HttpRequest) {
    return {
      cart: request.getSignedCookie('cart') ?? null,
      salted: request.getSignedCookie('cart', { salt: 'shop' }) ?? null,
    };
  }
  @Get('/fresh') fresh(request: HttpRequest) {
    return { cart: request.getSignedCookie('cart', { maxAge: 0 }) ?? null };
  }
  @Get('/where') where(request: HttpRequest) {
    return {
      secure: request.isSecure(),
      scheme: request.scheme,
      host: request.getHost(),
      client: request.clientAddress,
      absolute: request.buildAbsoluteUri('/x?y=1'),
      here: request.buildAbsoluteUri(),
    };
  }
}

describe('signed cookies', () => {
  it('round-trips a value set with setSignedCookie', async () => {
    const client = new TestClient(await makeApp({ controllers: [CookieController] }));
    const set = await client.get('/set');
    expect(set.cookies.get('cart'))
      .to.match(/^cart=3%20items%3A[A-Za-z0-9]+%3A[A-Za-z0-9_-]+;/)
      .and.include('Max-Age=60')
      .and.include('HttpOnly');
    expect((await client.get('/get')).json()).to.deep.equal({ cart: '3 items', salted: null });
  });

  it('reads a tampered or expired value as absent', async () => {
    const client = new TestClient(await makeApp({ controllers: [CookieController] }));
    await client.get('/set');
    const value = client.cookies.get('cart')!;
    expect((await client.get('/get', { headers: { cookie: `cart=${value.replace('3', '9')}` } })).json().cart).to.equal(
      null,
    );
    expect((await client.get('/get', { headers: { cookie: 'cart=plain' } })).json().cart).to.equal(null);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await client.get('/fresh')).json().cart).to.equal(null);
  });

  it('keeps salts apart', async () => {
    const client = new TestClient(await makeApp({ controllers: [CookieController] }));
    await client.get('/set-salted');
    expect((await client.get('/get')).json()).to.deep.equal({ cart: null, salted: 'salted' });
  });

  it('verifies values signed with a fallback key after rotation', async () => {
    const old = new TestClient(await makeApp({ controllers: [CookieController], settings: { secretKey: 'old-key' } }));
    await old.get('/set');
    const rotated = new TestClient(
      await makeApp({
        controllers: [CookieController],
        settings: { secretKey: 'new-key', secretKeyFallbacks: ['old-key'] },
      }),
    );
    const response = await rotated.get('/get', { headers: { cookie: `cart=${old.cookies.get('cart')}` } });
    expect(response.json().cart).to.equal('3 items');
  });
});

describe('allowed hosts and proxies', () => {
  it('answers 400 to a Host not in allowedHosts and logs a warning', async () => {
    const logger = capturingLogger();
    const client = new TestClient(
      await makeApp({
        controllers: [CookieController],
        logger,
        settings: { allowedHosts: ['example.com', '.example.org'] },
      }),
    );
    expect((await client.get('/where', { headers: { host: 'example.com' } })).status).to.equal(200);
    expect((await client.get('/where', { headers: { host: 'EXAMPLE.com:8443' } })).status).to.equal(200);
    expect((await client.get('/where', { headers: { host: 'shop.example.org' } })).status).to.equal(200);
    expect((await client.get('/where', { headers: { host: 'example.org' } })).status).to.equal(200);
    const evil = await client.get('/where', { headers: { host: 'evil.com' } });
    expect(evil.status).to.equal(400);
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('evil.com'))).to.equal(true);
    expect((await client.get('/where', { headers: { host: 'bad host!' } })).status).to.equal(400);
    // Allowed hosts are remembered (the last one, then a set): a refused one stays refused between them.
    expect((await client.get('/where', { headers: { host: 'example.com' } })).status).to.equal(200);
    expect((await client.get('/where', { headers: { host: 'evil.com' } })).status).to.equal(400);
    expect((await client.get('/where', { headers: { host: 'shop.example.org' } })).status).to.equal(200);
    expect((await client.get('/where', { headers: { host: 'example.com' } })).status).to.equal(200);
    expect((await client.get('/where', { headers: { host: 'evil.com' } })).status).to.equal(400);
  });

  it("allows any host with '*' and only local names with an empty list in debug", async () => {
    const any = new TestClient(await makeApp({ controllers: [CookieController], settings: { allowedHosts: ['*'] } }));
    expect((await any.get('/where', { headers: { host: 'whatever.test' } })).status).to.equal(200);
    const debug = new TestClient(
      await makeApp({ controllers: [CookieController], settings: { allowedHosts: [], debug: true } }),
    );
    expect((await debug.get('/where', { headers: { host: 'localhost:8000' } })).status).to.equal(200);
    expect((await debug.get('/where', { headers: { host: 'example.com' } })).status).to.equal(400);
    const production = new TestClient(
      await makeApp({ controllers: [CookieController], settings: { allowedHosts: [] } }),
    );
    expect((await production.get('/where', { headers: { host: 'localhost' } })).status).to.equal(400);
  });

  it('ignores X-Forwarded-* unless configured', async () => {
    const client = new TestClient(
      await makeApp({ controllers: [CookieController], settings: { allowedHosts: ['*'] } }),
    );
    const response = await client.get('/where', {
      headers: {
        host: 'site.test',
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-host': 'evil.test',
      },
      remoteAddress: '10.0.0.1',
    });
    expect(response.json()).to.deep.equal({
      secure: false,
      scheme: 'http',
      host: 'site.test',
      client: '10.0.0.1',
      absolute: 'http://site.test/x?y=1',
      here: 'http://site.test/where',
    });
  });

  it('trusts the configured proxy headers', async () => {
    const client = new TestClient(
      await makeApp({
        controllers: [CookieController],
        settings: {
          allowedHosts: ['*'],
          secureProxySslHeader: ['X-Forwarded-Proto', 'https'],
          useXForwardedHost: true,
          trustedProxies: ['10.0.0.1'],
        },
      }),
    );
    const response = await client.get('/where', {
      headers: {
        host: 'internal',
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '6.6.6.6, 1.2.3.4',
        'x-forwarded-host': 'site.test',
      },
      remoteAddress: '10.0.0.1',
    });
    expect(response.json()).to.deep.equal({
      secure: true,
      scheme: 'https',
      host: 'site.test',
      client: '1.2.3.4',
      absolute: 'https://site.test/x?y=1',
      here: 'https://site.test/where',
    });
    const untrusted = await client.get('/where', {
      headers: { host: 'internal', 'x-forwarded-for': '6.6.6.6' },
      remoteAddress: '10.9.9.9',
    });
    expect(untrusted.json().client).to.equal('10.9.9.9');
  });
});
