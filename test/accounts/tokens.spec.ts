import { expect } from 'chai';
import { SignJWT } from 'jose';
import type { DataSource } from 'typeorm';
import { Body, Get, LoginRequired, Post, Route, User as CurrentUser, type App } from 'rondo';
import { DATA_SOURCE } from 'rondo/db';
import { Accounts, ApiTokens, authApp, type User } from 'rondo/auth';
import { TestClient, useTestDatabase } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';

@Route('/api')
class Api {
  @Get('/me') @LoginRequired() me(@CurrentUser() user: User) {
    return { username: user.username };
  }
  @Get('/maybe') async maybe(@CurrentUser() user: { username?: string }) {
    return { username: user.username ?? null };
  }
  @Post('/notes') @LoginRequired() note(@Body() body: { text: string }) {
    return { saved: body.text };
  }
}

describe('rondo/auth API tokens (TokenAuthMiddleware)', () => {
  let app: App;
  let tokens: ApiTokens;
  let ann: User;
  before(async () => {
    const auth = authApp({ tokens: true });
    app = await makeFullApp({
      controllers: [Api],
      entities: auth.entities,
      providers: auth.providers,
      middleware: auth.middleware,
      settings: { database: 'sqlite::memory:' },
    });
    await app.container.get<DataSource>(DATA_SOURCE).synchronize();
    tokens = app.container.get(ApiTokens);
  });
  after(() => app.close());
  useTestDatabase(() => app);
  beforeEach(async () => {
    ann = await app.container.get(Accounts).createUser({ username: 'ann', password: 'pw-pw-pw-pw' });
  });

  const json = { accept: 'application/json' };

  it('authenticates `Authorization: Token <jwt>` and `Bearer <jwt>`: request.user is the token user', async () => {
    const jwt = await tokens.issueJwt(ann);
    const client = new TestClient(app);
    for (const scheme of ['Token', 'Bearer', 'bearer']) {
      const response = await client.get('/api/me', { headers: { ...json, authorization: `${scheme} ${jwt}` } });
      expect(response.status, scheme).to.equal(200);
      expect(response.json()).to.deep.equal({ username: 'ann' });
    }
  });

  it('authenticates revocable database tokens, and refuses one after it is revoked', async () => {
    const key = await tokens.createToken(ann);
    expect(key).to.match(/^[0-9a-f]{40}$/);
    const client = new TestClient(app);
    expect((await client.get('/api/me', { headers: { ...json, authorization: `Token ${key}` } })).status).to.equal(200);
    expect(await tokens.revoke(key)).to.equal(true);
    const revoked = await client.get('/api/me', { headers: { ...json, authorization: `Token ${key}` } });
    expect(revoked.status).to.equal(401);
    expect(revoked.headers.get('www-authenticate')).to.equal('Token realm="api"');
    expect(revoked.json().detail).to.equal('The token is not valid or was revoked');
  });

  it('answers 401 with WWW-Authenticate, never a 500, for a bad, tampered or expired token', async () => {
    const client = new TestClient(app);
    const jwt = await tokens.issueJwt(ann);
    const tampered = `${jwt.slice(0, -3)}${jwt.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(ann.id))
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new Uint8Array(32));
    for (const [header, detail] of [
      [`Token ${tampered}`, 'The token is not valid'],
      ['Token nope', 'The token is not valid'],
      ['Token', 'must be "<scheme> <token>"'],
      [`Token ${expired}`, 'The token is not valid'],
    ]) {
      const response = await client.get('/api/maybe', { headers: { ...json, authorization: header } });
      expect(response.status, header).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Token realm="api"');
      expect(response.json().detail, header).to.include(detail);
    }
  });

  it('says a token has expired when it has (signed with the app key)', async () => {
    const short = await makeFullApp({
      apps: [authApp({ tokens: true })],
      controllers: [Api],
      settings: { database: 'sqlite::memory:', authJwtLifetime: 1 },
    });
    await short.container.get<DataSource>(DATA_SOURCE).synchronize();
    const user = await short.container.get(Accounts).createUser({ username: 'bo', password: 'pw-pw-pw-pw' });
    const jwt = await short.container.get(ApiTokens).issueJwt(user);
    await new Promise((r) => setTimeout(r, 2100));
    const response = await new TestClient(short).get('/api/me', {
      headers: { ...json, authorization: `Bearer ${jwt}` },
    });
    expect(response.status).to.equal(401);
    expect(response.json().detail).to.equal('The token has expired');
    await short.close();
  }).timeout(10_000);

  it('answers a @LoginRequired API view without credentials 401 with the token challenge (RFC 9110)', async () => {
    const response = await new TestClient(app).get('/api/me', { headers: json });
    expect(response.status).to.equal(401);
    expect(response.headers.get('www-authenticate')).to.equal('Token realm="api"');
    expect(response.json().detail).to.equal('Authentication credentials were not provided');
  });

  it('lets anonymous requests through optional views, and leaves other schemes alone', async () => {
    const client = new TestClient(app);
    expect((await client.get('/api/maybe')).json()).to.deep.equal({ username: null });
    expect((await client.get('/api/maybe', { headers: { authorization: 'Basic YTpi' } })).json()).to.deep.equal({
      username: null,
    });
    expect(
      (await client.get('/api/maybe', { headers: { authorization: `Token ${await tokens.issueJwt(ann)}` } })).json(),
    ).to.deep.equal({ username: 'ann' });
  });

  it('exempts token-authenticated requests from CSRF, and keeps CSRF for cookie sessions', async () => {
    const browser = new TestClient(app, { enforceCsrfChecks: true });
    const withToken = await browser.post('/api/notes', {
      json: { text: 'hi' },
      headers: { authorization: `Token ${await tokens.createToken(ann)}` },
    });
    expect(withToken.status).to.equal(200);
    expect(withToken.json()).to.deep.equal({ saved: 'hi' });
    expect((await browser.post('/api/notes', { json: { text: 'hi' }, headers: json })).status).to.equal(403);
  });
});
