/** Rondo's full default stack (signed-cookie sessions, CSRF, security headers, request ids...), as the docs teach it. */
import 'reflect-metadata';
import type * as RondoApi from '../../dist/src/index';
import { announce } from './common';
import { SECRET, USERS, formPage, mePage, type BenchUser } from './stack-common';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rondo = require('../../../dist/src/index.js') as typeof RondoApi;
const { Body, Get, HttpResponse, LoginRequired, Post, Req, Route, USER_LOADER, User, createApp, login, silentLogger } = rondo;
type HttpRequest = RondoApi.HttpRequest;

class FormInput {
  title?: string;
}

const html = (text: string) => new HttpResponse(text, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });

@Route('')
class StackController {
  @Get('/form')
  async form(@Req() request: HttpRequest) {
    const n = ((await request.session!.get('n')) as number | undefined) ?? 0;
    return html(formPage(request.csrfToken!(), n));
  }

  @Post('/form')
  async save(@Req() request: HttpRequest, @Body() input: FormInput) {
    const n = (((await request.session!.get('n')) as number | undefined) ?? 0) + 1;
    await request.session!.set('n', n);
    return { n, title: input.title };
  }

  @Get('/me')
  @LoginRequired()
  me(@User() user: BenchUser) {
    return html(mePage(user));
  }

  @Get('/seed')
  async seed(@Req() request: HttpRequest) {
    await login(request, { ...USERS.get('1')!, isAuthenticated: true } as never);
    await request.session!.set('n', 0);
    return { token: request.csrfToken!() };
  }
}

createApp({
  controllers: [StackController],
  providers: [
    {
      provide: USER_LOADER,
      useValue: { loadUser: (id: string) => (USERS.has(id) ? { ...USERS.get(id)!, isAuthenticated: true } : undefined) },
    },
  ],
  settings: { secretKey: SECRET, allowedHosts: ['127.0.0.1'] },
  logger: silentLogger,
  env: {},
}).then((app) =>
  app.listen({ port: 0, host: '127.0.0.1', handleSignals: false }).then((server) => {
    announce(String(server.port));
    process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
  }),
);
