import { expect } from 'chai';
import {
  maskSecret,
  newSecret,
  SECRET_LENGTH,
  TOKEN_LENGTH,
  tokenMatches,
  tokenProblem,
  unmaskToken,
} from '../../src/middleware/csrf-token';

describe('CSRF tokens', () => {
  // 1,000 draws span several refills of the random pool (about 120 tokens each).
  const secrets = Array.from({ length: 1000 }, () => newSecret());

  it('makes distinct 32-character alphanumeric secrets, across refills of the random pool', () => {
    expect(new Set(secrets).size).to.equal(secrets.length);
    for (const secret of secrets) {
      expect(secret).to.have.length(SECRET_LENGTH);
      expect(tokenProblem(secret)).to.equal(undefined);
    }
  });

  it('uses every one of the 62 characters, none much more often than the others', () => {
    const counts = new Map<string, number>();
    for (const c of secrets.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).to.equal(62);
    const expected = (secrets.length * SECRET_LENGTH) / 62; // ~516 each
    for (const count of counts.values()) expect(count).to.be.within(expected * 0.7, expected * 1.3);
  });

  it('masks a secret differently every time, and every mask unmasks to the secret', () => {
    const secret = secrets[0];
    const tokens = Array.from({ length: 300 }, () => maskSecret(secret));
    expect(new Set(tokens).size).to.equal(tokens.length);
    for (const token of tokens) {
      expect(token).to.have.length(TOKEN_LENGTH);
      expect(unmaskToken(token)).to.equal(secret);
      expect(tokenMatches(token, secret)).to.equal(true);
      expect(tokenMatches(token, secrets[1])).to.equal(false);
    }
  });

  it('names what is wrong with a malformed token', () => {
    expect(tokenProblem('short')).to.equal('has incorrect length');
    expect(tokenProblem('!'.repeat(SECRET_LENGTH))).to.equal('has invalid characters');
  });
});
