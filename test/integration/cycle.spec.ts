import { expect } from 'chai';
import {
  createApp,
  Route,
  Get,
  Post,
  Middleware,
  Injectable,
  HttpRequest,
  HttpResponse,
  JsonResponse,
  Http404,
  Param,
  Body,
  Query,
  silentLogger,
  type Next,
} from 'rondo';
import { TestClient } from 'rondo/testing';

@Injectable()
class Greeter {
  greet(name: string): string {
    return `Hello, ${name}`;
  }
}

@Route('/posts', { name: 'posts' })
class PostController {
  constructor(private readonly greeter: Greeter) {}

  @Route('/', { name: 'list' })
  list() {
    return [{ id: 1 }];
  }

  @Route('/<int:id>', { name: 'detail' })
  detail(request: HttpRequest, params: { id: number }) {
    if (params.id > 10) throw new Http404('No such post');
    return { id: params.id, type: typeof params.id };
  }

  @Get('/hello/<str:name>')
  hello(@Param('name') name: string, @Query('loud') loud?: string) {
    const text = this.greeter.greet(name);
    return loud ? text.toUpperCase() : text;
  }

  @Post('/', { name: 'create' })
  create(@Body() body: { title: string }) {
    return new JsonResponse({ created: body.title }, { status: 201 });
  }

  @Route('/boom')
  boom() {
    throw new Error('secret internals');
  }
}

const order: string[] = [];

@Middleware(100)
class Outer {
  async handle(request: HttpRequest, next: Next) {
    order.push('outer-in');
    const response = await next(request);
    order.push('outer-out');
    response.headers.set('X-Outer', '1');
    return response;
  }
}

@Middleware(200)
class Inner {
  handle(request: HttpRequest, next: Next) {
    order.push('inner-in');
    if (request.path === '/blocked') return new HttpResponse('blocked', { status: 403 });
    return next(request);
  }
}

describe('the request/response cycle', () => {
  async function client() {
    const app = await createApp({
      controllers: [PostController],
      middleware: [Inner, Outer],
      logger: silentLogger,
      settings: { middleware: [] },
    });
    return new TestClient(app);
  }

  it('serves a JSON list and runs middleware in order, response in reverse', async () => {
    order.length = 0;
    const response = await (await client()).get('/posts/');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/application\/json/);
    expect(response.json()).to.deep.equal([{ id: 1 }]);
    expect(response.headers.get('x-outer')).to.equal('1');
    expect(order).to.deep.equal(['outer-in', 'inner-in', 'outer-out']);
  });

  it('converts int params', async () => {
    const response = await (await client()).get('/posts/7');
    expect(response.json()).to.deep.equal({ id: 7, type: 'number' });
  });

  it('answers 404 from Http404 and for unknown paths', async () => {
    const c = await client();
    expect((await c.get('/posts/11')).status).to.equal(404);
    expect((await c.get('/nothing')).status).to.equal(404);
  });

  it('injects services and resolves decorated params', async () => {
    const response = await (await client()).get('/posts/hello/ann', { query: { loud: '1' } });
    expect(response.text).to.equal('HELLO, ANN');
    expect(response.headers.get('content-type')).to.match(/text\/html/);
  });

  it('parses JSON bodies', async () => {
    const response = await (await client()).post('/posts/', { json: { title: 'Hi' } });
    expect(response.status).to.equal(201);
    expect(response.json()).to.deep.equal({ created: 'Hi' });
  });

  it('answers 405 with Allow', async () => {
    const response = await (await client()).delete('/posts/');
    expect(response.status).to.equal(405);
    expect(response.headers.get('allow')).to.include('GET');
  });

  it('hides internals of a 500 when debug is off', async () => {
    const response = await (await client()).get('/posts/boom');
    expect(response.status).to.equal(500);
    expect(response.text).not.to.include('secret internals');
  });

  it('lets middleware short-circuit', async () => {
    const response = await (await client()).get('/blocked');
    expect(response.status).to.equal(403);
    expect(response.headers.get('x-outer')).to.equal('1');
  });
});
