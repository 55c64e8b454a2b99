import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ImproperlyConfigured } from 'rondo';
import { DATA_SOURCE } from 'rondo/db';
import { Accounts, DEFAULT_PASSWORD_RULES, authApp, validatePassword } from 'rondo/auth';
import { makeApp } from '../fixtures/apps';

describe('password validators', () => {
  it('accept a long, uncommon password unrelated to the user', () => {
    expect(validatePassword('violet staircase 42', { username: 'ann', email: 'ann@example.com' })).to.deep.equal([]);
  });

  it("word each broken rule as Django's validators do", () => {
    expect(validatePassword('abc')).to.deep.equal([
      'This password is too short. It must contain at least 8 characters.',
    ]);
    expect(validatePassword('Password')).to.deep.equal(['This password is too common.']);
    expect(validatePassword('84627193')).to.deep.equal(['This password is entirely numeric.']);
    expect(validatePassword('123456')).to.deep.equal([
      'This password is too short. It must contain at least 8 characters.',
      'This password is too common.',
      'This password is entirely numeric.',
    ]);
    expect(validatePassword('annabelle1', { username: 'annabelle' })).to.deep.equal([
      'The password is too similar to the username.',
    ]);
    expect(validatePassword('zebra-crossing', { username: 'bo', email: 'zebra.crossing@example.com' })).to.deep.equal([
      'The password is too similar to the email.',
    ]);
  });

  it('follow the rules given, and read a common-password file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rondo-pw-'));
    writeFileSync(join(dir, 'common.txt'), 'correct horse battery\nletmein\n');
    const rules = { ...DEFAULT_PASSWORD_RULES, minLength: 4, common: join(dir, 'common.txt'), numeric: false };
    expect(validatePassword('Correct Horse Battery', {}, rules)).to.deep.equal(['This password is too common.']);
    expect(validatePassword('1234', {}, rules)).to.deep.equal([]);
    expect(() => validatePassword('x', {}, { ...rules, common: join(dir, 'missing.txt') })).to.throw(
      ImproperlyConfigured,
      'cannot be read',
    );
  });

  it('are applied by Accounts.validatePassword with settings.passwordRules', async () => {
    const app = await makeApp({
      apps: [authApp()],
      settings: { database: 'sqlite::memory:', passwordRules: { minLength: 12 } },
    });
    await app.container.get<DataSource>(DATA_SOURCE).synchronize();
    const accounts = app.container.get(Accounts);
    expect(accounts.validatePassword('eleven chrs', { username: 'ann' })).to.deep.equal([
      'This password is too short. It must contain at least 12 characters.',
    ]);
    expect(accounts.validatePassword('long enough passphrase', { username: 'ann' })).to.deep.equal([]);
    await app.close();
  });
});
