import { expect } from 'chai';
import { Get, HttpRequest, MemorySessionStore, Post, Route, Signer } from 'rondo';
import { TestClient } from 'rondo/testing';
import { capturingLogger, makeFullApp } from '../fixtures/apps';

@Route('/s')
class CartController {
  @Post('/add/<str:item>')
  async add(request: HttpRequest, params: { item: string }) {
    const session = request.session;
    const cart = (await session.get<string[]>('cart')) ?? [];
    await session.set('cart', [...cart, params.item]);
    return { cart: [...cart, params.item] };
  }

  @Get('/cart')
  async cart(request: HttpRequest) {
    return { cart: (await request.session.get('cart')) ?? [] };
  }

  @Post('/clear')
  async clear(request: HttpRequest) {
    await request.session.flush();
    return { cleared: true };
  }

  @Get('/plain') plain() {
    return 'no session used';
  }
}

for (const engine of ['cookie', 'memory'] as const) {
  describe(`SessionMiddleware with the ${engine} store`, () => {
    async function client(settings = {}) {
      return new TestClient(
        await makeFullApp({ controllers: [CartController], settings: { sessionEngine: engine, ...settings } }),
      );
    }

    it('keeps data across requests of one client, and not for another', async () => {
      const c = await client();
      await c.post('/s/add/apple');
      await c.post('/s/add/pear');
      expect((await c.get('/s/cart')).json()).to.deep.equal({ cart: ['apple', 'pear'] });
      expect((await (await client()).get('/s/cart')).json()).to.deep.equal({ cart: [] });
    });

    it('sets an HttpOnly, SameSite=Lax cookie with Max-Age only when the session changed', async () => {
      const c = await client();
      const plain = await c.get('/s/plain');
      expect(plain.cookies.has('sessionid')).to.equal(false);
      const added = await c.post('/s/add/apple');
      const cookie = added.cookies.get('sessionid')!;
      expect(cookie)
        .to.include('HttpOnly')
        .and.include('SameSite=Lax')
        .and.include('Max-Age=1209600')
        .and.include('Path=/');
      expect(added.headers.get('vary')).to.include('Cookie');
      expect((await c.get('/s/cart')).cookies.has('sessionid')).to.equal(false);
    });

    it('honours the cookie settings (name, Secure, browser-close expiry)', async () => {
      const c = await client({
        sessionCookieName: 'sid',
        sessionCookieSecure: true,
        sessionExpireAtBrowserClose: true,
      });
      const cookie = (await c.post('/s/add/x')).cookies.get('sid')!;
      expect(cookie).to.include('Secure').and.not.include('Max-Age');
    });

    it('saves on every request with sessionSaveEveryRequest', async () => {
      const c = await client({ sessionSaveEveryRequest: true });
      await c.post('/s/add/x');
      expect((await c.get('/s/cart')).cookies.has('sessionid')).to.equal(true);
    });

    it('deletes the cookie when the session is flushed', async () => {
      const c = await client();
      await c.post('/s/add/x');
      const cleared = await c.post('/s/clear');
      expect(cleared.cookies.get('sessionid')).to.include('Max-Age=0');
      expect((await c.get('/s/cart')).json()).to.deep.equal({ cart: [] });
    });

    it('treats a tampered or unknown cookie as an empty session, never a 500', async () => {
      const c = await client();
      for (const value of ['garbage', 'a:b:c', 'eyJjYXJ0IjpbInN0b2xlbiJdfQ:1abc:forged', '%00%ff']) {
        const response = await c.get('/s/cart', { headers: { cookie: `sessionid=${value}` } });
        expect(response.status, value).to.equal(200);
        expect(response.json()).to.deep.equal({ cart: [] });
      }
    });
  });
}

describe('SessionMiddleware specifics', () => {
  it('rejects a signed-cookie session older than sessionCookieAge', async () => {
    const app = await makeFullApp({ controllers: [CartController], settings: { sessionCookieAge: 60 } });
    const old = new Signer({ key: 'test-secret', salt: 'rondo.sessions' });
    const payload = Buffer.from(JSON.stringify({ cart: ['old'] })).toString('base64url');
    const stale = old.signTimestamped(payload, Date.now() - 120_000);
    const response = await new TestClient(app).get('/s/cart', { headers: { cookie: `sessionid=${stale}` } });
    expect(response.json()).to.deep.equal({ cart: [] });
  });

  it('uses a custom store passed as settings.sessionStore', async () => {
    const store = new MemorySessionStore();
    const saved: string[] = [];
    const spy = {
      load: (k: string) => store.load(k),
      save: async (k: string | undefined, d: Record<string, unknown>, t: number) => {
        const key = await store.save(k, d, t);
        saved.push(key);
        return key;
      },
      destroy: (k: string) => store.destroy(k),
    };
    const c = new TestClient(await makeFullApp({ controllers: [CartController], settings: { sessionStore: spy } }));
    await c.post('/s/add/x');
    expect(saved).to.have.length(1);
    expect((await c.get('/s/cart')).json()).to.deep.equal({ cart: ['x'] });
  });

  it('fails at start-up for an unknown engine or a store missing methods', async () => {
    expect(await makeFullApp({ settings: { sessionEngine: 'disk' } }).catch((e: Error) => e.message)).to.include(
      "sessionEngine is 'disk'",
    );
    expect(await makeFullApp({ settings: { sessionStore: { load() {} } } }).catch((e: Error) => e.message)).to.include(
      'must implement',
    );
  });

  it('fails at start-up when the signed-cookie store has no secretKey', async () => {
    const error = await makeFullApp({ settings: { secretKey: '' } }).catch((e: Error) => e);
    expect(String((error as Error).message)).to.include('secretKey is empty');
  });

  it('keeps the session key after a flush from being reused (no fixation with a server store)', async () => {
    const logger = capturingLogger();
    const c = new TestClient(
      await makeFullApp({ controllers: [CartController], logger, settings: { sessionEngine: 'memory' } }),
    );
    const response = await c.post('/s/add/x', { headers: { cookie: 'sessionid=attacker-chosen-id-0123456789abcdef' } });
    expect(response.cookies.get('sessionid')).to.not.include('attacker-chosen');
  });
});
