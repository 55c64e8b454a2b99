/**
 * Rondo from the built dist/ of the repository: "bare" (no middleware) by default,
 * the full default middleware stack with FULL=1 (sessions, CSRF, security headers...).
 */
import 'reflect-metadata';
import type * as RondoApi from '../../dist/src/index';
import { join } from 'node:path';
import { announce, ROUTES, ROWS, VIEWS } from './common';
import { CreateUserDto } from './dto-rondo';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rondo = require('../../../dist/src/index.js') as typeof RondoApi;
/** rondo/cache, loaded only for the CACHE=1 run (as an app that uses no cache never loads it). */
const cache = () => require('../../../dist/src/cache/index.js') as typeof import('../../dist/src/cache/index');
const { Body, CsrfExempt, Get, Inject, Injectable, Param, Post, REQUEST, Route, createApp, render, silentLogger } = rondo;
type HttpRequest = RondoApi.HttpRequest;

let scopedCounter = 0;

@Injectable({ scope: 'request' })
class RequestCounter {
  readonly id = ++scopedCounter;
  constructor(@Inject(REQUEST) readonly request: HttpRequest) {}
}

@Injectable()
class SingletonCounter { readonly id = 1; }

@Route('')
class MainController {
  @Get('/json') json() { return { hello: 'world' }; }
  // The README's style: parameter decorators, typed by the converter and by emitted metadata.
  @Get('/users/<int:id>') user(@Param('id') id: number) { return { id }; }
  @Post('/echo') @CsrfExempt() echo(@Body() body: Record<string, unknown>) { return body; }
  @Post('/dto') @CsrfExempt() dto(@Body() body: CreateUserDto) { return { ok: true, name: body.name }; }
  @Get('/page') page(request: HttpRequest) { return render(request, 'page.ejs', { title: 'Users', rows: ROWS }); }

  @Get('/json-session') async jsonSession(request: HttpRequest) {
    if (request.session) {
      await request.session.get('n');
      request.csrfToken?.();
    }
    return { hello: 'world' };
  }

  @Get('/seed') async seed(request: HttpRequest) {
    await request.session?.set('n', 1);
    request.csrfToken?.(); // a browser holds the CSRF cookie too
    return { seeded: true };
  }
}

@Route('')
class SingletonController {
  constructor(private readonly counter: SingletonCounter) {}
  @Get('/singleton') singleton() { return { id: this.counter.id }; }
}

@Route('')
class ScopedController {
  constructor(private readonly counter: RequestCounter) {}
  @Get('/scoped') scoped() { return { id: this.counter.id }; }
}

const dummies: Function[] = [];
for (let i = 0; i < ROUTES; i++) {
  class Dummy { handle() { return { route: i }; } }
  Reflect.decorate([Get(`/r${i}`)], Dummy.prototype, 'handle', Object.getOwnPropertyDescriptor(Dummy.prototype, 'handle'));
  dummies.push(Reflect.decorate([Route('')], Dummy) as Function);
}

const full = process.env.FULL === '1';
createApp({
  controllers: [MainController, SingletonController, ScopedController, ...dummies as never[]],
  settings: {
    secretKey: 'bench-secret-key',
    allowedHosts: ['127.0.0.1'],
    templates: { dirs: [join(VIEWS, 'rondo')] },
    ...(full ? {} : { middleware: [] }),
    // CACHE=1: the per-site page cache (CacheMiddleware, memory backend) in front of the bare app.
    ...(process.env.CACHE === '1' ? { middleware: [cache().CacheMiddleware], cacheMiddlewareSeconds: 600 } : {}),
    // MW=SecurityMiddleware,SessionMiddleware picks a subset of the default stack (profiling).
    ...(process.env.MW !== undefined ? { middleware: rondo.DEFAULT_MIDDLEWARE.filter((m) => process.env.MW!.split(',').includes(m.name)) } : {}),
    // HEADERS=0: the full stack without the response headers it adds on its own (the three
    // security headers off, RequestIdMiddleware and XFrameOptionsMiddleware left out).
    ...(process.env.HEADERS === '0' ? {
      secureContentTypeNosniff: false, secureReferrerPolicy: '', secureCrossOriginOpenerPolicy: '',
      middleware: rondo.DEFAULT_MIDDLEWARE.filter((m) => m !== rondo.RequestIdMiddleware && m !== rondo.XFrameOptionsMiddleware),
    } : {}),
  },
  logger: silentLogger,
  env: {},
})
  .then((app) => app.listen({ port: 0, host: '127.0.0.1', handleSignals: false }).then((server) => {
    announce(String(server.port));
    process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
  }));
