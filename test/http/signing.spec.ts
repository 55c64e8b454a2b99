import { expect } from 'chai';
import { BadSignature, Signer, SignatureExpired } from 'rondo';

describe('Signer', () => {
  const signer = new Signer({ key: 'k1', salt: 'tests' });

  it('round-trips a signed value', () => {
    const signed = signer.sign('hello:world');
    expect(signed.startsWith('hello:world:')).to.equal(true);
    expect(signer.unsign(signed)).to.equal('hello:world');
  });

  it('rejects a tampered value or signature with BadSignature', () => {
    const signed = signer.sign('amount=10');
    expect(() => signer.unsign(signed.replace('10', '99'))).to.throw(BadSignature);
    expect(() => signer.unsign(`${signed}x`)).to.throw(BadSignature);
    expect(() => signer.unsign('no separator')).to.throw(BadSignature, /No ':'/);
  });

  it('rejects a signature made with another salt', () => {
    const other = new Signer({ key: 'k1', salt: 'other' });
    expect(() => signer.unsign(other.sign('x'))).to.throw(BadSignature);
  });

  it('verifies signatures of fallback keys (rotation) and signs with the current key', () => {
    const old = new Signer({ key: 'old', salt: 'tests' });
    const rotated = new Signer({ key: 'new', fallbackKeys: ['old'], salt: 'tests' });
    expect(rotated.unsign(old.sign('v'))).to.equal('v');
    expect(() => old.unsign(rotated.sign('v'))).to.throw(BadSignature);
  });

  it('expires timestamped signatures older than maxAge', () => {
    const signed = signer.signTimestamped('v', Date.now() - 120_000);
    expect(signer.unsignTimestamped(signed, 300)).to.equal('v');
    expect(() => signer.unsignTimestamped(signed, 60))
      .to.throw(SignatureExpired)
      .with.property('code', 'SIGNATURE_EXPIRED');
  });

  it('dumps and loads JSON payloads', () => {
    const token = signer.dumps({ user: 42, roles: ['a'] });
    expect(token).to.match(/^[A-Za-z0-9_:-]+$/);
    expect(signer.loads(token, { maxAge: 60 })).to.deep.equal({ user: 42, roles: ['a'] });
  });

  it('fails at construction with a clear message when the key is empty', () => {
    expect(() => new Signer({ key: '' })).to.throw(/secretKey is empty.*RONDO_SECRET_KEY/);
  });
});
