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
  });
});
