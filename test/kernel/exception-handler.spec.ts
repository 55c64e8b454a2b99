import { expect } from 'chai';
import { IsString, Length } from 'class-validator';
import {
  Body,
  CsrfExempt,
  Get,
  HttpError,
  HttpRequest,
  Injectable,
  JsonErrors,
  JsonResponse,
  Middleware,
  Post,
  Route,
  TooManyRequests,
  Unauthorized,
  ValidationFailed,
  type ExceptionHandler,
  type Next,
  type ViewInfo,
} from 'rondo';
import { TestClient } from 'rondo/testing';
import { capturingLogger, makeApp } from '../fixtures/apps';

class ArticleDto {
  @IsString() @Length(1, 10) title!: string;
}

@Route('/api')
class ApiController {
  @Get('/articles') list() {
    return { articles: [] };
  }
  @Post('/articles') @CsrfExempt() create(@Body() article: ArticleDto) {
    return { title: article.title };
  }
  @Post('/raw') @CsrfExempt() async raw(request: HttpRequest) {
    return request.json();
  }
  @Get('/crash') crash() {
    throw new Error('database down');
  }
  @Get('/guarded') guarded() {
    return 'never reached';
  }
  @Get('/busy') busy() {
    throw new TooManyRequests(42);
  }
  @Get('/token') token() {
    throw new Unauthorized('Token missing', undefined, 'Token realm="api"');
  }
}

@Injectable()
class Counter {
  errors = 0;
}

/** The RealWorld API's error shape: {"errors": {"field": ["message"]}}, 422 for invalid input. */
@Injectable()
class RealWorldErrors implements ExceptionHandler {
  constructor(private readonly counter: Counter) {}

  handle(request: HttpRequest, error: unknown) {
    this.counter.errors++;
    if (error instanceof ValidationFailed) return new JsonResponse({ errors: error.errors }, { status: 422 });
    if (error instanceof HttpError)
      return new JsonResponse({ errors: { [request.rawPath]: [error.message] } }, { status: error.status });
    return undefined; // Rondo's own page for the rest
  }
}

@Middleware(150)
class GuardMiddleware {
  processView(request: HttpRequest, view: ViewInfo) {
    if (view.methodName === 'guarded') throw new HttpError(401, 'Token missing');
  }
}

async function client(exceptionHandler: unknown = RealWorldErrors, extra: { middleware?: Function[] } = {}) {
  const logger = capturingLogger();
  const app = await makeApp({
    controllers: [ApiController],
    providers: [Counter],
    exceptionHandler: exceptionHandler as never,
    middleware: [GuardMiddleware, ...(extra.middleware ?? [])] as never,
    logger,
  });
  return { client: new TestClient(app), app, logger };
}

describe('an app exception handler', () => {
  it('answers an unknown path and a wrong method in its own shape', async () => {
    const { client: c } = await client();
    const missing = await c.get('/api/nothing');
    expect(missing.status).to.equal(404);
    expect(missing.json()).to.deep.equal({ errors: { '/api/nothing': ['No route matches GET /api/nothing'] } });
    const wrong = await c.delete('/api/articles');
    expect(wrong.status).to.equal(405);
    expect(wrong.headers.get('content-type')).to.equal('application/json');
  });

  it('keeps the headers the protocol requires on its answers: Allow on 405, Retry-After on 429, WWW-Authenticate on 401', async () => {
    const { client: c } = await client();
    const wrong = await c.delete('/api/articles');
    expect(wrong.headers.get('allow')).to.equal('GET, POST, HEAD, OPTIONS');
    const busy = await c.get('/api/busy');
    expect(busy.status).to.equal(429);
    expect(busy.headers.get('retry-after')).to.equal('42');
    expect(busy.json()).to.deep.equal({ errors: { '/api/busy': ['Too many requests; try again in 42 s'] } });
    const token = await c.get('/api/token');
    expect(token.status).to.equal(401);
    expect(token.headers.get('www-authenticate')).to.equal('Token realm="api"');
  });

  it('sees body parsing errors: invalid JSON, a body too large, an unsupported media type', async () => {
    const { client: c } = await client();
    const invalid = await c.post('/api/raw', { body: '{"title": ', headers: { 'content-type': 'application/json' } });
    expect(invalid.status).to.equal(400);
    expect(Object.keys(invalid.json().errors)).to.deep.equal(['/api/raw']);
    const huge = await c.post('/api/raw', {
      body: JSON.stringify({ x: 'y'.repeat(3 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).to.equal(413);
    expect(huge.json()).to.have.property('errors');
    const xml = await c.post('/api/articles', { body: '<a/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).to.equal(415);
    expect(xml.json()).to.have.property('errors');
  });

  it('turns validation failures into 422 with errors per field', async () => {
    const { client: c } = await client();
    const response = await c.post('/api/articles', { json: { title: '' } });
    expect(response.status).to.equal(422);
    expect(response.json().errors.title).to.be.an('array').with.length.above(0);
  });

  it('sees an error raised in a processView hook', async () => {
    const { client: c } = await client();
    const response = await c.get('/api/guarded');
    expect(response.status).to.equal(401);
    expect(response.json()).to.deep.equal({ errors: { '/api/guarded': ['Token missing'] } });
  });

  it("falls back to Rondo's page when it returns nothing, and the 500 is logged", async () => {
    const { client: c, logger } = await client();
    const response = await c.get('/api/crash');
    expect(response.status).to.equal(500);
    expect(response.text).to.not.include('database down');
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('GET /api/crash'))).to.equal(true);
  });

  it("is built by the container, so it can inject the app's services", async () => {
    const { client: c, app } = await client();
    await c.get('/api/nothing');
    await c.get('/api/guarded');
    expect(app.container.get(Counter).errors).to.equal(2);
  });

  it("answers with Rondo's page, and logs the failure, when the handler itself throws", async () => {
    @Injectable()
    class Broken implements ExceptionHandler {
      handle(): never {
        throw new Error('handler bug');
      }
    }
    const { client: c, logger } = await client(Broken);
    const response = await c.get('/api/nothing');
    expect(response.status).to.equal(404);
    expect(
      logger.lines.some(
        (l) => l.level === 'error' && l.message.includes('exception handler failed on GET /api/nothing'),
      ),
    ).to.equal(true);
  });

  it('may answer asynchronously', async () => {
    @Injectable()
    class Slow implements ExceptionHandler {
      async handle() {
        await new Promise((r) => setImmediate(r));
        return new JsonResponse({ slow: true }, { status: 418 });
      }
    }
    const { client: c } = await client(Slow);
    const response = await c.get('/api/nothing');
    expect(response.status).to.equal(418);
    expect(response.json()).to.deep.equal({ slow: true });
  });
});

@Route('/v1')
@JsonErrors()
class JsonApiController {
  @Get('/items') items() {
    return [];
  }
}

@Route('/pages')
class PageController {
  @Get('/home') home() {
    return '<h1>home</h1>';
  }
}

describe('API mode (errors as JSON whatever the Accept header)', () => {
  it('answers every error as problem+json with settings.jsonErrors', async () => {
    const c = new TestClient(await makeApp({ controllers: [PageController], settings: { jsonErrors: true } }));
    const missing = await c.get('/nowhere', { headers: { accept: '*/*' } });
    expect(missing.status).to.equal(404);
    expect(missing.headers.get('content-type')).to.equal('application/problem+json');
    expect(missing.json()).to.include({ status: 404, title: 'Not Found' });
    const wrong = await c.post('/pages/home');
    expect(wrong.status).to.equal(405);
    expect(wrong.headers.get('allow')).to.include('GET');
    expect(wrong.headers.get('content-type')).to.equal('application/problem+json');
  });

  it('answers errors under a @JsonErrors() controller as JSON, and keeps HTML pages elsewhere', async () => {
    const c = new TestClient(await makeApp({ controllers: [JsonApiController, PageController] }));
    expect((await c.get('/v1/nothing')).headers.get('content-type')).to.equal('application/problem+json');
    expect((await c.delete('/v1/items')).headers.get('content-type')).to.equal('application/problem+json');
    expect((await c.get('/pages/nothing')).headers.get('content-type')).to.equal('text/html; charset=utf-8');
  });
});

describe('the middleware chain', () => {
  it('guards next() called twice in every layer, however many (40 here)', async () => {
    const layers = Array.from({ length: 40 }, (_, i) => {
      @Middleware(1000 + i)
      class Layer {
        handle(r: HttpRequest, next: Next) {
          return next(r);
        }
      }
      return Layer;
    });
    @Middleware(2000)
    class Twice {
      async handle(r: HttpRequest, next: Next) {
        await next(r);
        return next(r);
      }
    }
    const logger = capturingLogger();
    const app = await makeApp({ controllers: [PageController], middleware: [...layers, Twice] as never, logger });
    const c = new TestClient(app);
    expect((await c.get('/pages/home')).status).to.equal(500);
    expect(String((logger.lines.find((l) => l.level === 'error')?.error as Error).message)).to.match(
      /Twice\.handle called next\(\) twice/,
    );
    // Without the offender, the 40 layers answer normally, request after request.
    const fine = new TestClient(await makeApp({ controllers: [PageController], middleware: layers }));
    for (let i = 0; i < 3; i++) expect((await fine.get('/pages/home')).status).to.equal(200);
  });
});
