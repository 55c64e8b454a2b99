import { expect } from 'chai';
import { CookieSessionStore, MemorySessionStore, RedisSessionStore, silentLogger } from 'rondo';
import { sessionStoreContract } from '../contracts/session-store.contract';
import { REDIS_URL, requireService } from '../fixtures/services';

describe('session stores', () => {
  sessionStoreContract('CookieSessionStore', () => new CookieSessionStore({ secretKey: 'k', maxAge: 60 }), {
    serverSide: false,
  });
  sessionStoreContract('MemorySessionStore', () => new MemorySessionStore(), { serverSide: true });
  describe('with Redis', function () {
    before(async function () {
      await requireService(this, 'Redis', REDIS_URL);
    });
    sessionStoreContract('RedisSessionStore', () => new RedisSessionStore(REDIS_URL, silentLogger), {
      serverSide: true,
    });
    it('keeps the sessions of apps with different key prefixes apart', async () => {
      const blog = new RedisSessionStore(REDIS_URL, silentLogger, 'blog');
      const shop = new RedisSessionStore(REDIS_URL, silentLogger, 'shop');
      const key = await blog.save(undefined, { user: 'ann' }, 60);
      expect(await blog.load(key)).to.deep.equal({ user: 'ann' });
      expect(await shop.load(key)).to.equal(undefined);
      await blog.destroy(key);
      await Promise.all([blog.close(), shop.close()]);
    });
  });
});
