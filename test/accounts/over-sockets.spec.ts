import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { Get, LoginRequired, Route, User as CurrentUser, type App } from 'rondo';
import { DATA_SOURCE } from 'rondo/db';
import { Accounts, ApiTokens, authApp, type User } from 'rondo/auth';
import { makeFullApp } from '../fixtures/apps';
import { DATABASE_URL, requireService } from '../fixtures/services';

@Route('/api')
class Me {
  @Get('/me') @LoginRequired() me(@CurrentUser() user: User) {
    return { username: user.username };
  }
}

/** The cookies of a fetch answer, as `name=value` pairs. */
function cookiesOf(response: Response): Map<string, string> {
  return new Map(response.headers.getSetCookie().map((line) => line.split(';')[0].split('=') as [string, string]));
}

for (const [engine, database] of [
  ['SQLite', 'sqlite::memory:'],
  ['PostgreSQL', DATABASE_URL],
] as const) {
  describe(`rondo/auth over a real socket on ${engine}`, () => {
    let app: App;
    let base: string;
    let close: () => Promise<void>;
    const run = `${process.pid}x${Date.now()}`; // the shared PostgreSQL database keeps rows between runs

    before(async function () {
      if (engine === 'PostgreSQL') await requireService(this, 'PostgreSQL', database);
      app = await makeFullApp({
        apps: [authApp({ views: true, tokens: true })],
        controllers: [Me],
        settings: { database },
      });
      await app.container.get<DataSource>(DATA_SOURCE).synchronize();
      const server = await app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${server.port}`;
      close = () => app.close();
    });
    after(async () => {
      await close?.();
    });

    it('logs in through the form (CSRF cookie and token, new session cookie) and reaches a @LoginRequired view', async () => {
      await app.container.get(Accounts).createUser({ username: `ann${run}`, password: 'violet sunset 42' });
      const page = await fetch(`${base}/accounts/login/`);
      expect(page.status).to.equal(200);
      const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await page.text())![1];
      const csrf = cookiesOf(page).get('csrftoken')!;
      const answer = await fetch(`${base}/accounts/login/`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `csrftoken=${csrf}`,
          origin: base,
          referer: `${base}/accounts/login/`,
        },
        body: new URLSearchParams({
          csrfmiddlewaretoken: token,
          username: `ann${run}`,
          password: 'violet sunset 42',
          next: '/api/me',
        }),
      });
      expect(answer.status).to.equal(302);
      expect(answer.headers.get('location')).to.equal('/api/me');
      const session = cookiesOf(answer).get('sessionid');
      expect(session).to.be.a('string');
      const me = await fetch(`${base}/api/me`, {
        headers: { cookie: `sessionid=${session}`, accept: 'application/json' },
      });
      expect(await me.json()).to.deep.equal({ username: `ann${run}` });
    });

    it('authenticates JWT and database tokens, and refuses a revoked one at once with 401', async () => {
      const bob = await app.container.get(Accounts).createUser({ username: `bob${run}`, password: 'violet sunset 42' });
      const tokens = app.container.get(ApiTokens);
      const jwt = await tokens.issueJwt(bob);
      const key = await tokens.createToken(bob);
      for (const credential of [`Token ${jwt}`, `Bearer ${key}`]) {
        const me = await fetch(`${base}/api/me`, { headers: { authorization: credential } });
        expect(me.status, credential).to.equal(200);
        expect(await me.json()).to.deep.equal({ username: `bob${run}` });
      }
      await tokens.revoke(key);
      const refused = await fetch(`${base}/api/me`, { headers: { authorization: `Token ${key}` } });
      expect(refused.status).to.equal(401);
      expect(refused.headers.get('www-authenticate')).to.equal('Token realm="api"');
    });
  });
}
