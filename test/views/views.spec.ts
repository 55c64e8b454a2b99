import { expect } from 'chai';
import { Body, Cookie, Get, Header, HttpRequest, HttpResponse, Param, Post, Query, QueryDict, Req, Route } from 'rondo';
import { makeClient } from '../fixtures/apps';

@Route('/v')
class ViewController {
  @Get('/typed/<int:id>')
  typed(@Param('id') id: number, @Query('page') page: number, @Query('draft') draft: boolean) {
    return { id, page, draft, types: [typeof id, typeof page, typeof draft] };
  }

  @Get('/all')
  all(
    @Query() query: QueryDict,
    @Req() request: HttpRequest,
    @Header('X-Client') client: string,
    @Cookie('theme') theme: string,
  ) {
    return { tags: query.getAll('tag'), method: request.method, client, theme };
  }

  @Post('/body')
  body(@Body() body: Record<string, unknown>) {
    return { received: body };
  }

  @Get('/string') str() {
    return '<b>hi</b>';
  }
  @Get('/nothing') nothing() {
    return undefined;
  }
  @Get('/array') array() {
    return [1, 2];
  }
  @Get('/number') num() {
    return 42;
  }
  @Get('/buffer') buffer() {
    return Buffer.from([1, 2, 3]);
  }
  @Get('/response') response() {
    return new HttpResponse('made', { status: 203, contentType: 'text/plain' });
  }
  @Get('/async') async later() {
    return { later: true };
  }
  @Get('/invalid') invalid() {
    return Symbol('nope') as unknown as string;
  }
}

describe('views', () => {
  describe('parameter decorators', () => {
    it('delivers typed params and coerces query values to the declared types', async () => {
      const response = await (
        await makeClient({ controllers: [ViewController] })
      ).get('/v/typed/3', { query: { page: '2', draft: 'true' } });
      expect(response.json()).to.deep.equal({ id: 3, page: 2, draft: true, types: ['number', 'number', 'boolean'] });
    });

    it('answers 400 naming the parameter when a query value does not fit its type', async () => {
      const response = await (
        await makeClient({ controllers: [ViewController] })
      ).get('/v/typed/3', { query: { page: 'two' }, headers: { accept: 'application/json' } });
      expect(response.status).to.equal(400);
      expect(response.json().detail).to.include('page');
    });

    it('resolves @Query(), @Req(), @Header() and @Cookie()', async () => {
      const response = await (
        await makeClient({ controllers: [ViewController] })
      ).get('/v/all', {
        query: { tag: ['a', 'b'] },
        headers: { 'x-client': 'tests', cookie: 'theme=dark' },
      });
      expect(response.json()).to.deep.equal({ tags: ['a', 'b'], method: 'GET', client: 'tests', theme: 'dark' });
    });

    it('gives @Body() the JSON body or a urlencoded form as an object', async () => {
      const client = await makeClient({ controllers: [ViewController] });
      expect((await client.post('/v/body', { json: { a: [1] } })).json()).to.deep.equal({ received: { a: [1] } });
      expect((await client.post('/v/body', { data: { a: '1', b: ['x', 'y'] } })).json()).to.deep.equal({
        received: { a: '1', b: ['x', 'y'] },
      });
    });

    it('answers 415 for a @Body() of another media type, and 400 for invalid JSON', async () => {
      const client = await makeClient({ controllers: [ViewController] });
      expect((await client.post('/v/body', { body: 'plain', contentType: 'text/plain' })).status).to.equal(415);
      expect((await client.post('/v/body', { body: '{oops', contentType: 'application/json' })).status).to.equal(400);
      expect(
        (await client.post('/v/body', { body: '{"__proto__":{"x":1}}', contentType: 'application/json' })).status,
      ).to.equal(400);
    });
  });

  describe('return values', () => {
    it('maps a string to text/html', async () => {
      const response = await (await makeClient({ controllers: [ViewController] })).get('/v/string');
      expect(response.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(response.text).to.equal('<b>hi</b>');
    });

    it('maps undefined to 204 without a body', async () => {
      const response = await (await makeClient({ controllers: [ViewController] })).get('/v/nothing');
      expect(response.status).to.equal(204);
      expect(response.body.length).to.equal(0);
    });

    it('maps arrays and numbers to JSON, buffers to octet-stream, and keeps responses as they are', async () => {
      const client = await makeClient({ controllers: [ViewController] });
      expect((await client.get('/v/array')).json()).to.deep.equal([1, 2]);
      expect((await client.get('/v/number')).json()).to.equal(42);
      const buffer = await client.get('/v/buffer');
      expect(buffer.headers.get('content-type')).to.equal('application/octet-stream');
      expect([...buffer.body]).to.deep.equal([1, 2, 3]);
      const made = await client.get('/v/response');
      expect(made.status).to.equal(203);
      expect(made.text).to.equal('made');
      expect((await client.get('/v/async')).json()).to.deep.equal({ later: true });
    });

    it('answers 500 for a value that cannot become a response', async () => {
      const response = await (await makeClient({ controllers: [ViewController] })).get('/v/invalid');
      expect(response.status).to.equal(500);
    });
  });
});
