import { expect } from 'chai';
import {
  BadRequest,
  Get,
  Http404,
  HttpRequest,
  HttpResponse,
  Middleware,
  PermissionDenied,
  Route,
  SuspiciousOperation,
  type Next,
  type ViewInfo,
} from 'rondo';
import { TestClient } from 'rondo/testing';
import { capturingLogger, makeApp } from '../fixtures/apps';

@Route('/k')
class KernelController {
  @Get('/ok', { name: 'ok' }) ok() {
    return { ok: true };
  }
  @Get('/missing') missing() {
    throw new Http404('Nothing here');
  }
  @Get('/denied') denied() {
    throw new PermissionDenied('Not yours');
  }
  @Get('/bad') bad() {
    throw new BadRequest('Wrong input');
  }
  @Get('/suspicious') suspicious() {
    throw new SuspiciousOperation('Tampered token abc123');
  }
  @Get('/crash') crash() {
    throw new TypeError('db password is hunter2');
  }
  @Get('/no-table') noTable() {
    throw new Error('SqliteError: no such table: article');
  }
  @Get('/async') async asyncView() {
    await new Promise((r) => setImmediate(r));
    return 'async';
  }
}

async function setup(options: { middleware?: Function[]; debug?: boolean; settings?: object } = {}) {
  const logger = capturingLogger();
  const app = await makeApp({
    controllers: [KernelController],
    middleware: options.middleware as never,
    logger,
    settings: { debug: options.debug ?? false, ...options.settings },
  });
  return { client: new TestClient(app), logger };
}

describe('the kernel', () => {
  describe('exceptions → responses', () => {
    it('maps Http404, PermissionDenied, BadRequest and SuspiciousOperation to 404, 403, 400, 400', async () => {
      const { client } = await setup();
      expect((await client.get('/k/missing')).status).to.equal(404);
      expect((await client.get('/k/denied')).status).to.equal(403);
      expect((await client.get('/k/bad')).status).to.equal(400);
      expect((await client.get('/k/suspicious')).status).to.equal(400);
    });

    it('logs a SuspiciousOperation as a warning and hides its detail when debug is off', async () => {
      const { client, logger } = await setup();
      const response = await client.get('/k/suspicious');
      expect(response.text).to.not.include('abc123');
      expect(
        logger.lines
          .filter((l) => l.level === 'warn')
          .map((l) => l.message)
          .join(),
      ).to.include('GET /k/suspicious');
    });

    it('answers an unknown error with a plain 500 and logs it once with the request line when debug is off', async () => {
      const { client, logger } = await setup();
      const response = await client.get('/k/crash');
      expect(response.status).to.equal(500);
      expect(response.headers.get('content-type')).to.match(/^text\/html/);
      expect(response.text).to.not.include('hunter2').and.not.include('TypeError').and.not.include('at ');
      const errors = logger.lines.filter((l) => l.level === 'error');
      expect(errors).to.have.length(1);
      expect(errors[0].message).to.include('GET /k/crash');
      expect((errors[0].error as Error).message).to.include('hunter2');
    });

    it('shows a technical 500 page with the stack and masked credentials when debug is on', async () => {
      const { client } = await setup({ debug: true });
      const response = await client.get('/k/crash', {
        headers: { cookie: 'sessionid=s3cr3t', authorization: 'Bearer t0ken', 'x-trace': 'visible' },
      });
      expect(response.status).to.equal(500);
      expect(response.text).to.include('TypeError').and.include('hunter2').and.include('kernel.spec');
      expect(response.text).to.include('/k/crash').and.include('visible');
      expect(response.text).to.not.include('s3cr3t').and.not.include('t0ken');
    });

    it('masks only secrets among the settings and headers of the debug page', async () => {
      const { client } = await setup({
        debug: true,
        settings: { secretKey: 'k'.repeat(50), sessionCookieAge: 4242, authLoginField: 'email' },
      });
      const response = await client.get('/k/crash', { headers: { 'x-api-key': 'hidden-key' } });
      const row = (name: string) => new RegExp(`<td>${name}</td><td>([^<]*)</td>`).exec(response.text)?.[1];
      expect(row('secretKey')).to.equal('********************');
      expect(row('x-api-key')).to.equal('********************');
      expect(row('sessionCookieAge')).to.equal('4242');
      expect(row('authLoginField')).to.equal('email');
      expect(response.text).to.not.include('kkkkkkkk').and.not.include('hidden-key');
    });

    it('suggests applying the migrations when a query names a missing table (debug on)', async () => {
      const { client } = await setup({ debug: true });
      const response = await client.get('/k/no-table');
      expect(response.status).to.equal(500);
      expect(response.text).to.include('no table <code>article</code>').and.include('npm run migrate');
    });

    it('lists the URL patterns tried on a 404 when debug is on, and not when it is off', async () => {
      const debug = await setup({ debug: true });
      const page = await debug.client.get('/unknown');
      expect(page.status).to.equal(404);
      expect(page.text).to.include('/k/ok').and.include('/k/missing');
      const quiet = await setup();
      expect((await quiet.client.get('/unknown')).text).to.not.include('/k/ok');
    });

    it('names the view that raised a 404 instead of listing patterns it did match (debug on)', async () => {
      const { client } = await setup({ debug: true });
      const page = await client.get('/k/missing');
      expect(page.status).to.equal(404);
      expect(page.text).to.include('Nothing here').and.include('Raised by the view <code>');
      expect(page.text).to.include('/k/missing').and.not.include('Rondo tried these URL patterns');
    });

    it('answers clients that prefer JSON with application/problem+json (RFC 9457)', async () => {
      const { client } = await setup();
      const response = await client.get('/k/missing', { headers: { accept: 'application/json' } });
      expect(response.status).to.equal(404);
      expect(response.headers.get('content-type')).to.equal('application/problem+json');
      expect(response.json()).to.include({
        status: 404,
        title: 'Not Found',
        detail: 'Nothing here',
        instance: '/k/missing',
      });
      const crash = await client.post('/k/crash', { json: {} });
      expect(crash.headers.get('content-type')).to.equal('application/problem+json');
    });

    it('runs sync and async views', async () => {
      const { client } = await setup();
      expect((await client.get('/k/async')).text).to.equal('async');
      expect((await client.get('/k/ok')).json()).to.deep.equal({ ok: true });
    });
  });

  describe('middleware', () => {
    it('turns an exception in a middleware into a response at that layer, so outer layers see a response', async () => {
      const seen: number[] = [];
      @Middleware(10)
      class Outer {
        async handle(r: HttpRequest, next: Next) {
          const res = await next(r);
          seen.push(res.status);
          res.headers.set('X-Outer', 'yes');
          return res;
        }
      }
      @Middleware(20)
      class Thrower {
        handle() {
          throw new PermissionDenied('no');
        }
      }
      const { client } = await setup({ middleware: [Outer, Thrower] });
      const response = await client.get('/k/ok');
      expect(response.status).to.equal(403);
      expect(response.headers.get('x-outer')).to.equal('yes');
      expect(seen).to.deep.equal([403]);
    });

    it('answers a middleware that calls next twice with a 500 explaining the contract', async () => {
      @Middleware(10)
      class Twice {
        async handle(r: HttpRequest, next: Next) {
          await next(r);
          return next(r);
        }
      }
      const { client, logger } = await setup({ middleware: [Twice] });
      expect((await client.get('/k/ok')).status).to.equal(500);
      expect(String((logger.lines.find((l) => l.level === 'error')?.error as Error).message)).to.match(
        /Twice\.handle called next\(\) twice/,
      );
    });

    it('answers a middleware that returns nothing with a 500 and the hint to return next(request)', async () => {
      @Middleware(10)
      class Forgetful {
        async handle(r: HttpRequest, next: Next) {
          await next(r);
        }
      }
      const { client, logger } = await setup({ middleware: [Forgetful] });
      expect((await client.get('/k/ok')).status).to.equal(500);
      expect(String((logger.lines.find((l) => l.level === 'error')?.error as Error).message)).to.include(
        'return next(request)',
      );
    });

    it('calls processView with the view info, and lets it answer instead of the view', async () => {
      const views: ViewInfo[] = [];
      @Middleware(10)
      class Hook {
        processView(request: HttpRequest, view: ViewInfo) {
          views.push(view);
          if (request.GET.has('block')) return new HttpResponse('blocked by hook', { status: 409 });
          return undefined;
        }
      }
      const { client } = await setup({ middleware: [Hook] });
      expect((await client.get('/k/ok')).status).to.equal(200);
      expect(views[0]).to.include({ source: 'KernelController.ok', methodName: 'ok', route: '/k/ok' });
      const blocked = await client.get('/k/ok', { query: { block: '1' } });
      expect(blocked.status).to.equal(409);
      expect(blocked.text).to.equal('blocked by hook');
    });

    it('lets processException turn a view error into a response, innermost first', async () => {
      const calls: string[] = [];
      @Middleware(10)
      class OuterHook {
        processException() {
          calls.push('outer');
          return new HttpResponse('outer handled', { status: 418 });
        }
      }
      @Middleware(20)
      class InnerHook {
        processException() {
          calls.push('inner');
          return undefined;
        }
      }
      const { client } = await setup({ middleware: [OuterHook, InnerHook] });
      const response = await client.get('/k/crash');
      expect(response.status).to.equal(418);
      expect(calls).to.deep.equal(['inner', 'outer']);
    });

    it('runs processTemplateResponse hooks before a deferred response renders', async () => {
      class LateResponse extends HttpResponse {
        isRendered = false;
        constructor(public context: Record<string, string>) {
          super('');
        }
        render() {
          this.content = `Hello ${this.context.name}`;
          this.isRendered = true;
        }
      }
      @Route('/late')
      class Late {
        @Get('/') show() {
          return new LateResponse({ name: 'view' });
        }
      }
      @Middleware(10)
      class Changer {
        processTemplateResponse(request: HttpRequest, response: HttpResponse) {
          (response as LateResponse).context.name = 'middleware';
          return response;
        }
      }
      const client = new TestClient(await makeApp({ controllers: [Late], middleware: [Changer] }));
      expect((await client.get('/late/')).text).to.equal('Hello middleware');
    });

    describe('Django-style processRequest / processResponse layers', () => {
      function recorder(
        calls: string[],
        order: number,
        name: string,
        hooks: { early?: boolean; fail?: 'request' | 'response'; async?: boolean } = {},
      ) {
        @Middleware(order)
        class Layer {
          processRequest(_request: HttpRequest) {
            calls.push(`${name}:request`);
            if (hooks.fail === 'request') throw new PermissionDenied(`${name} refuses`);
            const early = hooks.early ? new HttpResponse(`${name} answered`, { status: 202 }) : undefined;
            return hooks.async ? new Promise<HttpResponse | undefined>((r) => setImmediate(() => r(early))) : early;
          }
          processResponse(request: HttpRequest, response: HttpResponse) {
            calls.push(`${name}:response:${response.status}`);
            if (hooks.fail === 'response') throw new BadRequest(`${name} rejects the response`);
            response.headers.appendToken('X-Trail', name);
            return hooks.async ? Promise.resolve(response) : response;
          }
        }
        Object.defineProperty(Layer, 'name', { value: name });
        return Layer;
      }

      for (const async of [false, true]) {
        const kind = async ? 'asynchronous' : 'synchronous';
        it(`runs ${kind} request hooks outermost first and response hooks in reverse`, async () => {
          const calls: string[] = [];
          const { client } = await setup({
            middleware: [recorder(calls, 10, 'A', { async }), recorder(calls, 20, 'B', { async })],
          });
          const response = await client.get('/k/ok');
          expect(response.status).to.equal(200);
          expect(response.json()).to.deep.equal({ ok: true });
          expect(calls).to.deep.equal(['A:request', 'B:request', 'B:response:200', 'A:response:200']);
          expect(response.headers.get('x-trail')).to.equal('B, A');
        });

        it(`lets a ${kind} processRequest answer early: inner layers and the view are skipped, its own processResponse runs`, async () => {
          const calls: string[] = [];
          const { client } = await setup({
            middleware: [
              recorder(calls, 10, 'A'),
              recorder(calls, 20, 'B', { early: true, async }),
              recorder(calls, 30, 'C'),
            ],
          });
          const response = await client.get('/k/crash');
          expect(response.status).to.equal(202);
          expect(response.text).to.equal('B answered');
          expect(calls).to.deep.equal(['A:request', 'B:request', 'B:response:202', 'A:response:202']);
        });
      }

      it('turns an exception in processRequest into a response at that layer: only outer layers see it', async () => {
        const calls: string[] = [];
        const { client } = await setup({
          middleware: [
            recorder(calls, 10, 'A'),
            recorder(calls, 20, 'B', { fail: 'request' }),
            recorder(calls, 30, 'C'),
          ],
        });
        const response = await client.get('/k/ok');
        expect(response.status).to.equal(403);
        expect(calls).to.deep.equal(['A:request', 'B:request', 'A:response:403']);
      });

      it('turns an exception in processResponse into a response that outer layers still see', async () => {
        const calls: string[] = [];
        const { client } = await setup({
          middleware: [recorder(calls, 10, 'A'), recorder(calls, 20, 'B', { fail: 'response' })],
        });
        const response = await client.get('/k/ok');
        expect(response.status).to.equal(400);
        expect(calls).to.deep.equal(['A:request', 'B:request', 'B:response:200', 'A:response:400']);
      });

      it('gives view errors to the layers as responses (404 here)', async () => {
        const calls: string[] = [];
        const { client } = await setup({ middleware: [recorder(calls, 10, 'A', { async: true })] });
        expect((await client.get('/k/missing')).status).to.equal(404);
        expect(calls).to.deep.equal(['A:request', 'A:response:404']);
      });

      it('nests with handle() layers in order', async () => {
        const calls: string[] = [];
        @Middleware(15)
        class Wrapper {
          async handle(r: HttpRequest, next: Next) {
            calls.push('W:in');
            const res = await next(r);
            calls.push(`W:out:${res.status}`);
            return res;
          }
        }
        const { client } = await setup({
          middleware: [
            recorder(calls, 10, 'A'),
            Wrapper,
            recorder(calls, 20, 'B'),
            recorder(calls, 30, 'C', { async: true }),
          ],
        });
        expect((await client.get('/k/ok')).status).to.equal(200);
        expect(calls).to.deep.equal([
          'A:request',
          'W:in',
          'B:request',
          'C:request',
          'C:response:200',
          'B:response:200',
          'W:out:200',
          'A:response:200',
        ]);
      });

      it('answers a processResponse that returns no response with a 500 naming the class and hook', async () => {
        @Middleware(10)
        class Lossy {
          processResponse() {
            return undefined as unknown as HttpResponse;
          }
        }
        const { client, logger } = await setup({ middleware: [Lossy] });
        expect((await client.get('/k/ok')).status).to.equal(500);
        expect(String((logger.lines.find((l) => l.level === 'error')?.error as Error).message)).to.include(
          'Lossy.processResponse returned undefined',
        );
      });

      it('answers a processRequest that returns something other than a response with a 500 naming the class', async () => {
        @Middleware(10)
        class Odd {
          processRequest() {
            return 'yes' as unknown as undefined;
          }
        }
        const { client, logger } = await setup({ middleware: [Odd] });
        expect((await client.get('/k/ok')).status).to.equal(500);
        expect(String((logger.lines.find((l) => l.level === 'error')?.error as Error).message)).to.include(
          'Odd.processRequest returned a string',
        );
      });

      it('rejects at start-up a class that defines handle() and processRequest()', async () => {
        @Middleware(10)
        class Both {
          handle(r: HttpRequest, next: Next) {
            return next(r);
          }
          processRequest() {
            return undefined;
          }
        }
        const error = await makeApp({ middleware: [Both] }).catch((e: unknown) => e);
        expect(error).to.have.property('code', 'MIDDLEWARE_MIXED');
        expect((error as Error).message).to.include('Both');
      });
    });

    it('rejects two middleware with the same order at start-up, naming both', async () => {
      @Middleware(10)
      class First {
        handle(r: HttpRequest, next: Next) {
          return next(r);
        }
      }
      @Middleware(10)
      class Second {
        handle(r: HttpRequest, next: Next) {
          return next(r);
        }
      }
      const error = await makeApp({ middleware: [First, Second] }).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'MIDDLEWARE_ORDER_DUPLICATE');
      expect((error as Error).message)
        .to.include('First')
        .and.include('Second');
    });

    it('rejects a middleware class without @Middleware at start-up', async () => {
      class Plain {
        handle(r: HttpRequest, next: Next) {
          return next(r);
        }
      }
      const error = await makeApp({ middleware: [Plain] }).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'MIDDLEWARE_NOT_DECORATED');
    });
  });
});
