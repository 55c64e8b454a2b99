import { expect } from 'chai';
import { RequestSession, type SessionData, type SessionStore } from 'rondo';

/** A store that hands out one frozen, shared object, as the cookie store's cache does. */
function frozenStore(data: SessionData): SessionStore & { saved: SessionData[] } {
  const shared = Object.freeze({ ...data });
  const saved: SessionData[] = [];
  return {
    saved,
    load: async () => shared,
    save: async (_key, value) => {
      saved.push(value);
      return 'key';
    },
    destroy: async () => undefined,
  };
}

describe('RequestSession', () => {
  it('reads a frozen store object without copying, and copies it before the first write', async () => {
    const store = frozenStore({ n: 1, name: 'ann' });
    const session = new RequestSession(store, 'key');
    expect(await session.get('n')).to.equal(1);
    await session.set('n', 2);
    await session.delete('name');
    expect(await session.get('n')).to.equal(2);
    expect(await session.has('name')).to.equal(false);
    expect(await store.load('key')).to.deep.equal({ n: 1, name: 'ann' }); // the shared object is untouched
    expect(session.modified).to.equal(true);
  });

  it('keeps a key named __proto__ as data, never as a prototype', async () => {
    const session = new RequestSession(frozenStore({ n: 1 }), 'key');
    await session.set('__proto__', { admin: true });
    expect(await session.get('admin')).to.equal(undefined);
    expect(await session.get('__proto__')).to.deep.equal({ admin: true });
    expect(await session.keys()).to.have.members(['n', '__proto__']);
  });

  it("takes data from the store's cache without calling load(), and falls back to load() on a miss", async () => {
    const calls: string[] = [];
    const store: SessionStore = {
      loadCached: (key) => (calls.push(`cached ${key}`), key === 'hit' ? Object.freeze({ n: 1 }) : undefined),
      load: async (key) => (calls.push(`load ${key}`), { n: 2 }),
      save: async () => 'key',
      destroy: async () => undefined,
    };
    expect(await new RequestSession(store, 'hit').get('n')).to.equal(1);
    expect(await new RequestSession(store, 'miss').get('n')).to.equal(2);
    expect(calls).to.deep.equal(['cached hit', 'cached miss', 'load miss']);
  });
});
