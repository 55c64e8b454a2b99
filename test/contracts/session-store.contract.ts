/**
 * The contract every SessionStore passes (Hono's habit: one suite, every implementation).
 */
import { expect } from 'chai';
import type { SessionStore } from 'rondo';

export function sessionStoreContract(
  name: string,
  make: () => SessionStore | Promise<SessionStore>,
  options: { serverSide: boolean },
): void {
  describe(`${name} (SessionStore contract)`, () => {
    let store: SessionStore;
    beforeEach(async function () {
      store = await make();
    });
    afterEach(async () => {
      await store.close?.();
    });

    it('saves data and loads it back under the returned key', async () => {
      const key = await store.save(undefined, { user: 'ann', cart: [1, 2] }, 60);
      expect(key).to.be.a('string').and.not.equal('');
      expect(await store.load(key)).to.deep.equal({ user: 'ann', cart: [1, 2] });
    });

    it('loads an unknown or garbage key as undefined', async () => {
      expect(await store.load('does-not-exist')).to.equal(undefined);
      expect(await store.load('')).to.equal(undefined);
      expect(await store.load('x'.repeat(5000))).to.equal(undefined);
    });

    it('never lets a change to loaded data reach the stored session (a copy, or a frozen object)', async () => {
      const key = await store.save(undefined, { n: 1 }, 60);
      for (let read = 0; read < 3; read++) {
        // later reads may come from a cache
        const data = (await store.load(key))!;
        expect(data).to.deep.equal({ n: 1 });
        try {
          data.n = 2;
        } catch (error) {
          expect(error).to.be.instanceOf(TypeError); // frozen: the change is refused
          expect(Object.isFrozen(data)).to.equal(true);
        }
      }
      expect(await store.load(key)).to.deep.equal({ n: 1 });
    });

    it('returns a deep copy of nested data, read after read', async () => {
      const key = await store.save(undefined, { cart: { items: ['a'] }, user: 'ann' }, 60);
      for (let read = 0; read < 3; read++) {
        const data = (await store.load(key)) as { cart: { items: string[] }; user: string };
        expect(data).to.deep.equal({ cart: { items: ['a'] }, user: 'ann' });
        data.cart.items.push('b');
        data.user = 'eve';
      }
    });

    if (options.serverSide) {
      it('keeps the key on later saves and forgets it on destroy', async () => {
        const key = await store.save(undefined, { a: 1 }, 60);
        expect(await store.save(key, { a: 2 }, 60)).to.equal(key);
        expect(await store.load(key)).to.deep.equal({ a: 2 });
        await store.destroy(key);
        expect(await store.load(key)).to.equal(undefined);
      });

      it('refuses to save a session deleted meanwhile (SessionInterrupted), rather than resurrect it', async () => {
        const key = await store.save(undefined, { a: 1 }, 60);
        await store.destroy(key);
        const error = await store.save(key, { a: 2 }, 60).catch((e: Error) => e);
        expect(error).to.have.property('name', 'SessionInterrupted');
        expect((error as unknown as { status: number }).status).to.equal(400);
        expect(await store.load(key)).to.equal(undefined);
      });

      it('expires a session after its TTL', async () => {
        const key = await store.save(undefined, { a: 1 }, 1);
        await new Promise((r) => setTimeout(r, 1100));
        expect(await store.load(key)).to.equal(undefined);
      });

      it('makes keys that cannot be guessed (distinct, long)', async () => {
        const keys = await Promise.all([1, 2, 3].map(() => store.save(undefined, {}, 60)));
        expect(new Set(keys).size).to.equal(3);
        for (const key of keys) expect(key.length).to.be.at.least(32);
      });
    } else {
      it('rejects a tampered value', async () => {
        const key = await store.save(undefined, { admin: false }, 60);
        const tampered = key.replace(/^[A-Za-z0-9_-]{4}/, 'AAAA');
        expect(await store.load(tampered)).to.equal(undefined);
      });

      it('rejects a tampered payload under a signature it has verified and remembered', async () => {
        const key = await store.save(undefined, { admin: false }, 60);
        expect(await store.load(key)).to.deep.equal({ admin: false }); // verified: now in the cache
        const forged = (await store.save(undefined, { admin: true }, 60)).split(':')[0] + key.slice(key.indexOf(':'));
        expect(forged.slice(-12)).to.equal(key.slice(-12)); // same cache key, other payload
        expect(await store.load(forged)).to.equal(undefined);
        expect(await store.load(key)).to.deep.equal({ admin: false });
      });
    }
  });
}
