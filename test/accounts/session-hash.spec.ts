import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import {
  CsrfExempt,
  Get,
  LoginRequired,
  Post,
  Req,
  Route,
  User as CurrentUser,
  login,
  updateSessionAuthHash,
  type App,
  type HttpRequest,
} from 'rondo';
import { DATA_SOURCE } from 'rondo/db';
import { Accounts, authApp, type User } from 'rondo/auth';
import { TestClient, useTestDatabase } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';

@Route('/s')
@CsrfExempt()
class SessionPages {
  constructor(private readonly accounts: Accounts) {}
  @Post('/login') async signIn(@Req() request: HttpRequest) {
    const body = await request.json<{ password: string }>();
    const user = await this.accounts.authenticate('ann', body.password);
    if (user) await login(request, user);
    return { ok: user !== undefined };
  }
  @Post('/password') @LoginRequired() async change(@Req() request: HttpRequest, @CurrentUser() user: User) {
    await this.accounts.setPassword(user, (await request.json<{ password: string }>()).password);
    await updateSessionAuthHash(request, user); // this session stays logged in
    return { changed: true };
  }
  @Get('/me') async me(@CurrentUser() user: { username?: string }) {
    return { username: user.username ?? null };
  }
}

for (const engine of ['cookie', 'memory'] as const) {
  describe(`the session auth hash (${engine} sessions)`, () => {
    let app: App;
    before(async () => {
      app = await makeFullApp({
        apps: [authApp()],
        controllers: [SessionPages],
        settings: { database: 'sqlite::memory:', sessionEngine: engine },
      });
      await app.container.get<DataSource>(DATA_SOURCE).synchronize();
    });
    after(() => app.close());
    useTestDatabase(() => app);

    it("ends the user's other sessions when the password changes, keeping the one that changed it", async () => {
      await app.container.get(Accounts).createUser({ username: 'ann', password: 'first password' });
      const laptop = new TestClient(app);
      const phone = new TestClient(app);
      for (const client of [laptop, phone])
        expect((await client.post('/s/login', { json: { password: 'first password' } })).json()).to.deep.equal({
          ok: true,
        });
      const copied = new TestClient(app);
      for (const [name, value] of phone.cookies) copied.cookies.set(name, value); // a stolen copy of the phone's cookie
      expect((await copied.get('/s/me')).json()).to.deep.equal({ username: 'ann' });

      expect((await laptop.post('/s/password', { json: { password: 'second password' } })).json()).to.deep.equal({
        changed: true,
      });
      expect((await laptop.get('/s/me')).json()).to.deep.equal({ username: 'ann' });
      expect((await phone.get('/s/me')).json()).to.deep.equal({ username: null });
      expect((await copied.get('/s/me')).json()).to.deep.equal({ username: null });
      expect((await phone.post('/s/login', { json: { password: 'second password' } })).json()).to.deep.equal({
        ok: true,
      });
      expect((await phone.get('/s/me')).json()).to.deep.equal({ username: 'ann' });
    });
  });
}
