import { expect } from 'chai';
import { makePassword, needsRehash, verifyPassword } from 'rondo';

describe('password hashing', () => {
  const fast = { N: 1024 };

  it('makes a self-describing, salted scrypt hash', async () => {
    const a = await makePassword('correct horse', fast);
    const b = await makePassword('correct horse', fast);
    expect(a).to.match(/^scrypt\$1\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).to.not.equal(b);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await makePassword('correct horse', fast);
    expect(await verifyPassword('correct horse', hash)).to.equal(true);
    expect(await verifyPassword('correct horse ', hash)).to.equal(false);
  });

  it('rejects malformed or foreign hashes without throwing', async () => {
    for (const bad of [
      '',
      'plain',
      'md5$abc',
      'scrypt$1$x$8$1$AA$BB',
      'scrypt$1$1099511627776$8$1$AA$BB',
      'scrypt$9$1024$8$1$AA$BB',
    ]) {
      expect(await verifyPassword('x', bad), bad).to.equal(false);
    }
  });

  it('asks for a rehash when the stored parameters are weaker than the defaults', async () => {
    expect(needsRehash(await makePassword('p', fast))).to.equal(true);
    expect(needsRehash(await makePassword('p', fast), fast)).to.equal(false);
    expect(needsRehash('md5$whatever')).to.equal(true);
  });
});
