import { expect } from 'chai';
import { type App } from 'rondo';
import { Cache, CacheKeyInvalid, CacheKeyMissing } from 'rondo/cache';
import { capturingLogger, makeApp, type CapturingLogger } from '../fixtures/apps';
import { REDIS_URL, requireService } from '../fixtures/services';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** One contract, both backends: what a user of `Cache` may count on. */
for (const backend of ['memory', 'redis'] as const) {
  describe(`Cache on the ${backend} backend (the contract)`, () => {
    let app: App;
    let cache: Cache;
    before(async function () {
      if (backend === 'redis') await requireService(this, 'Redis', REDIS_URL);
      // A prefix of its own per run: the shared Redis keeps other runs' keys.
      app = await makeApp({
        settings: { cacheBackend: backend, redisUrl: REDIS_URL, cacheKeyPrefix: `spec${process.pid}${Date.now()}` },
      });
      cache = app.container.get(Cache);
    });
    beforeEach(() => cache.clear());
    after(() => app?.close());

    it('gets what was set, as a copy, and a fallback or undefined for a missing key', async () => {
      const value = { title: 'Hi', tags: ['a', 'b'], n: 3, nested: { ok: true } };
      expect(await cache.set('post:1', value)).to.equal(true);
      const read = await cache.get<typeof value>('post:1');
      expect(read).to.deep.equal(value);
      expect(read).not.to.equal(value);
      expect(await cache.get('nope')).to.equal(undefined);
      expect(await cache.get('nope', 'fallback')).to.equal('fallback');
      for (const stored of [0, '', false, null, [1, 2]]) {
        await cache.set('v', stored);
        expect(await cache.get('v', 'fallback')).to.deep.equal(stored);
      }
    });

    it('expires entries after their timeout (seconds), keeps null-timeout ones, and stores nothing for 0', async () => {
      await cache.set('short', 1, 0.15);
      await cache.set('forever', 2, null);
      expect(await cache.set('never', 3, 0)).to.equal(false);
      expect(await cache.get('short')).to.equal(1);
      await sleep(250);
      expect(await cache.get('short')).to.equal(undefined);
      expect(await cache.get('forever')).to.equal(2);
      expect(await cache.get('never')).to.equal(undefined);
    });

    it('adds only when absent, and deletes', async () => {
      expect(await cache.add('k', 'first')).to.equal(true);
      expect(await cache.add('k', 'second')).to.equal(false);
      expect(await cache.get('k')).to.equal('first');
      expect(await cache.delete('k')).to.equal(true);
      expect(await cache.delete('k')).to.equal(false);
      expect(await cache.get('k')).to.equal(undefined);
    });

    it('increments and decrements integers, keeping the timeout, and refuses a missing key', async () => {
      await cache.set('hits', 10, 0.2);
      expect(await cache.incr('hits')).to.equal(11);
      expect(await cache.incr('hits', 5)).to.equal(16);
      expect(await cache.decr('hits', 6)).to.equal(10);
      expect(await cache.get('hits')).to.equal(10);
      await sleep(300);
      expect(await cache.get('hits')).to.equal(undefined);
      const error = await cache.incr('hits').catch((e: unknown) => e);
      expect(error).to.be.instanceOf(CacheKeyMissing).and.have.property('code', 'CACHE_KEY_MISSING');
    });

    it('touches: a new timeout for an existing key, false for a missing one', async () => {
      await cache.set('t', 'x', 0.15);
      expect(await cache.touch('t', 10)).to.equal(true);
      await sleep(250);
      expect(await cache.get('t')).to.equal('x');
      expect(await cache.touch('missing', 10)).to.equal(false);
    });

    it('keeps versions apart, and clear() empties the prefix', async () => {
      await cache.set('page', 'v1');
      await cache.set('page', 'v2', undefined, { version: 2 });
      expect(await cache.get('page')).to.equal('v1');
      expect(await cache.get('page', undefined, { version: 2 })).to.equal('v2');
      await cache.clear();
      expect(await cache.get('page')).to.equal(undefined);
      expect(await cache.get('page', undefined, { version: 2 })).to.equal(undefined);
    });

    it('computes a missing value once for many concurrent getOrSet calls, then serves it cached', async () => {
      let computed = 0;
      const slow = async () => {
        computed += 1;
        await sleep(50);
        return { answer: 42 };
      };
      const answers = await Promise.all(Array.from({ length: 20 }, () => cache.getOrSet('expensive', slow, 60)));
      expect(computed).to.equal(1);
      expect(answers.every((a) => a.answer === 42)).to.equal(true);
      expect(await cache.getOrSet('expensive', slow, 60)).to.deep.equal({ answer: 42 });
      expect(computed).to.equal(1);
    });

    it('lets a failed computation fail its callers and computes again next time', async () => {
      let calls = 0;
      const failing = async () => {
        calls += 1;
        throw new Error('backend down');
      };
      const results = await Promise.allSettled([cache.getOrSet('flaky', failing), cache.getOrSet('flaky', failing)]);
      expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
      expect(calls).to.equal(1);
      expect(await cache.getOrSet('flaky', () => 'fine')).to.equal('fine');
    });

    it('refuses keys that no backend should take, naming why', async () => {
      for (const [key, why] of [
        ['', 'empty'],
        ['has space', 'space'],
        ['x'.repeat(251), '251 characters'],
        ['line\nbreak', 'control'],
      ]) {
        const error = await cache.get(key).catch((e: unknown) => e);
        expect(error, key).to.be.instanceOf(CacheKeyInvalid);
        expect((error as Error).message).to.include(why);
      }
    });
  });
}

describe('Cache bounds and outages', () => {
  it('keeps the memory backend within cacheMaxEntries, dropping the least recently used', async () => {
    const app = await makeApp({ settings: { cacheMaxEntries: 3 } });
    const cache = app.container.get(Cache);
    for (const key of ['a', 'b', 'c']) await cache.set(key, key);
    await cache.get('a'); // a is now the most recent
    await cache.set('d', 'd');
    expect(await cache.get('b')).to.equal(undefined);
    expect(await Promise.all(['a', 'c', 'd'].map((k) => cache.get(k)))).to.deep.equal(['a', 'c', 'd']);
    await app.close();
  });

  it('and within cacheMaxBytes', async () => {
    const app = await makeApp({ settings: { cacheMaxBytes: 1000 } });
    const cache = app.container.get(Cache);
    for (let i = 0; i < 20; i++) await cache.set(`big${i}`, 'x'.repeat(200));
    const kept = (await Promise.all(Array.from({ length: 20 }, (_, i) => cache.get(`big${i}`)))).filter(
      (v) => v !== undefined,
    );
    expect(kept.length).to.be.within(1, 4);
    expect(await cache.get('big19')).to.have.length(200);
    await app.close();
  });

  it('treats an unreachable Redis as misses (logged once), never as an error for the caller', async () => {
    const logger: CapturingLogger = capturingLogger();
    const app = await makeApp({ logger, settings: { cacheBackend: 'redis', redisUrl: 'redis://127.0.0.1:1' } });
    const cache = app.container.get(Cache);
    expect(await cache.set('k', 1)).to.equal(false);
    expect(await cache.get('k', 'fallback')).to.equal('fallback');
    expect(await cache.getOrSet('k', () => 'computed')).to.equal('computed');
    const errors = logger.lines.filter(
      (l) => l.level === 'error' && l.message.includes('Redis cache at redis://127.0.0.1:1 is unreachable'),
    );
    expect(errors).to.have.length(1);
    expect(((await cache.incr('k').catch((e: unknown) => e)) as { code: string }).code).to.equal('CACHE_UNAVAILABLE');
    await app.close();
  });

  it('refuses an unknown backend at start-up', async () => {
    const error = await makeApp({ settings: { cacheBackend: 'memcached' as never } }).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'CACHE_BACKEND_UNKNOWN');
  });
});
