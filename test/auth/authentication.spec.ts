import { expect } from 'chai';
import {
  AnonymousUser,
  Body,
  DEFAULT_MIDDLEWARE,
  Get,
  ImproperlyConfigured,
  JsonErrors,
  HttpRequest,
  Injectable,
  Req,
  isSafeRedirect,
  login,
  LoginRequired,
  logout,
  PermissionRequired,
  Post,
  Route,
  User,
  USER_LOADER,
  type AuthUser,
  type UserLoader,
} from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';

const USERS: Record<string, AuthUser & { name: string }> = {
  '1': { id: 1, name: 'ann', permissions: ['posts.delete'] },
  '2': { id: 2, name: 'bob' },
};

@Injectable()
class Accounts implements UserLoader {
  loadUser(id: string) {
    return USERS[id];
  }
}

@Route('/accounts')
class AccountController {
  @Post('/login/')
  async signIn(@Req() request: HttpRequest, @Body() body: { id: string }) {
    await login(request, USERS[body.id]);
    return { ok: true };
  }

  @Post('/logout/')
  async signOut(request: HttpRequest) {
    await logout(request);
    return { ok: true };
  }

  @Get('/me') async me(@User() user: AuthUser & { name?: string }) {
    return { name: user instanceof AnonymousUser ? null : user.name };
  }

  @Get('/private') @LoginRequired() secret(@User() user: { name: string }) {
    return `hello ${user.name}`;
  }

  @Post('/delete') @PermissionRequired('posts.delete') remove() {
    return 'deleted';
  }
}

async function client() {
  return new TestClient(
    await makeFullApp({ controllers: [AccountController], providers: [{ provide: USER_LOADER, useClass: Accounts }] }),
  );
}

describe('AuthenticationMiddleware', () => {
  it('gives AnonymousUser before login and the loaded user after', async () => {
    const c = await client();
    expect((await c.get('/accounts/me')).json()).to.deep.equal({ name: null });
    await c.post('/accounts/login/', { json: { id: '1' } });
    expect((await c.get('/accounts/me')).json()).to.deep.equal({ name: 'ann' });
  });

  it('cycles the session key at login (no session fixation) and empties it at logout', async () => {
    const c = new TestClient(
      await makeFullApp({
        controllers: [AccountController],
        providers: [{ provide: USER_LOADER, useClass: Accounts }],
        settings: { sessionEngine: 'memory' },
      }),
    );
    await c.post('/accounts/login/', { json: { id: '2' } });
    const first = c.cookies.get('sessionid');
    await c.post('/accounts/logout/');
    expect(c.cookies.has('sessionid')).to.equal(false);
    await c.post('/accounts/login/', { json: { id: '2' } });
    expect(c.cookies.get('sessionid')).to.not.equal(first);
    const fixated = await c.post('/accounts/login/', { json: { id: '1' }, headers: { cookie: `sessionid=${first}` } });
    expect(fixated.cookies.get('sessionid')).to.not.include(first!);
  });

  it('redirects anonymous users of a @LoginRequired view to loginUrl with next', async () => {
    const response = await (await client()).get('/accounts/private', { query: { tab: 'a b' } });
    expect(response.status).to.equal(302);
    expect(response.headers.get('location')).to.equal('/accounts/login/?next=%2Faccounts%2Fprivate%3Ftab%3Da%2Bb');
  });

  it('answers 401 to JSON clients of a @LoginRequired view', async () => {
    const response = await (await client()).get('/accounts/private', { headers: { accept: 'application/json' } });
    expect(response.status).to.equal(401);
    expect(response.headers.get('content-type')).to.equal('application/problem+json');
  });

  it('lets logged-in users through, and answers 403 without the permission', async () => {
    const c = await client();
    await c.post('/accounts/login/', { json: { id: '2' } });
    expect((await c.get('/accounts/private')).text).to.equal('hello bob');
    expect((await c.post('/accounts/delete')).status).to.equal(403);
    await c.post('/accounts/login/', { json: { id: '1' } });
    expect((await c.post('/accounts/delete')).text).to.equal('deleted');
  });

  it('treats a user id whose user is gone as anonymous', async () => {
    const c = await client();
    await c.post('/accounts/login/', { json: { id: '2' } });
    const app = await makeFullApp({
      controllers: [AccountController],
      providers: [{ provide: USER_LOADER, useValue: { loadUser: () => null } }],
    });
    const other = new TestClient(app);
    for (const [k, v] of c.cookies) other.cookies.set(k, v);
    expect((await other.get('/accounts/me')).json()).to.deep.equal({ name: null });
  });

  it('works without a UserLoader (everyone is anonymous)', async () => {
    const c = new TestClient(await makeFullApp({ controllers: [AccountController] }));
    expect((await c.get('/accounts/me')).json()).to.deep.equal({ name: null });
  });

  it('answers 401 (not a redirect) from a @JsonErrors API view whatever the Accept header', async () => {
    @Route('/api')
    @JsonErrors()
    class Api {
      @Get('/me') @LoginRequired() me() {
        return { secret: true };
      }
    }
    const c = new TestClient(
      await makeFullApp({ controllers: [Api], providers: [{ provide: USER_LOADER, useClass: Accounts }] }),
    );
    for (const accept of [undefined, 'text/html', '*/*']) {
      const answer = await c.get('/api/me', { headers: accept === undefined ? {} : { accept } });
      expect(answer.status, String(accept)).to.equal(401);
      expect(answer.headers.get('content-type')).to.include('application/problem+json');
    }
  });

  it('fails createApp when a view is @LoginRequired or @PermissionRequired but AuthenticationMiddleware is missing', async () => {
    const stack = DEFAULT_MIDDLEWARE.filter((m) => m.name !== 'AuthenticationMiddleware');
    const failure = await makeFullApp({ controllers: [AccountController], settings: { middleware: stack } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(ImproperlyConfigured).and.include({ code: 'VIEW_MIDDLEWARE_MISSING' });
    expect(String((failure as Error).message))
      .to.include('AccountController.secret')
      .and.include('@LoginRequired()')
      .and.include('AuthenticationMiddleware');
  });
});

describe('isSafeRedirect', () => {
  it('accepts local paths and same-host URLs only', () => {
    expect(isSafeRedirect('/posts/?a=1', 'example.com')).to.equal(true);
    expect(isSafeRedirect('https://example.com/x', 'example.com')).to.equal(true);
    for (const bad of [
      '//evil.com/',
      '/\\evil.com',
      'https://evil.com/',
      'javascript:alert(1)',
      '',
      ' //evil.com',
      '/\tx',
      undefined,
    ]) {
      expect(isSafeRedirect(bad, 'example.com'), String(bad)).to.equal(false);
    }
  });
});
