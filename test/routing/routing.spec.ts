import { expect } from 'chai';
import {
  Delete,
  Get,
  HttpRequest,
  ImproperlyConfigured,
  NoReverseMatch,
  Post,
  Put,
  registerConverter,
  reverse,
  Route,
} from 'rondo';
import { makeApp, makeClient } from '../fixtures/apps';

registerConverter('year', { regex: '[0-9]{4}', toValue: Number, toUrl: (v: unknown) => String(v) });

@Route('/articles', { name: 'articles' })
class ArticleController {
  @Route('/', { name: 'list' })
  list() {
    return 'list';
  }

  @Get('/<int:id>', { name: 'detail' })
  detail(request: HttpRequest, params: { id: number }) {
    return { id: params.id };
  }

  @Put('/<int:id>', { name: 'update' })
  update(request: HttpRequest, params: { id: number }) {
    return { updated: params.id };
  }

  @Delete('/<int:id>')
  remove() {
    return undefined;
  }

  @Get('/by-slug/<slug:slug>', { name: 'slug' })
  slug(request: HttpRequest, params: { slug: string }) {
    return params;
  }

  @Get('/u/<uuid:key>')
  byUuid(request: HttpRequest, params: { key: string }) {
    return params;
  }

  @Get('/files/<path:rest>', { name: 'file' })
  file(request: HttpRequest, params: { rest: string }) {
    return params;
  }

  @Get('/archive/<year:year>', { name: 'archive' })
  archive(request: HttpRequest, params: { year: number }) {
    return { year: params.year, type: typeof params.year };
  }

  @Get('/tag/<str:tag>')
  tag(request: HttpRequest, params: { tag: string }) {
    return params;
  }
}

describe('routing', () => {
  describe('matching', () => {
    it('converts <int:id> to a number', async () => {
      const response = await (await makeClient({ controllers: [ArticleController] })).get('/articles/42');
      expect(response.json()).to.deep.equal({ id: 42 });
    });

    it('answers 404 when a converter does not match (letters, negative, overflow)', async () => {
      const client = await makeClient({ controllers: [ArticleController] });
      for (const path of ['/articles/abc', '/articles/-1', '/articles/99999999999999999999']) {
        expect((await client.get(path)).status, path).to.equal(404);
      }
    });

    it('matches slug, uuid, path and custom converters', async () => {
      const client = await makeClient({ controllers: [ArticleController] });
      expect((await client.get('/articles/by-slug/hello-world_2')).json()).to.deep.equal({ slug: 'hello-world_2' });
      expect((await client.get('/articles/by-slug/not a slug')).status).to.equal(404);
      expect((await client.get('/articles/u/123e4567-e89b-12d3-a456-426614174000')).status).to.equal(200);
      expect((await client.get('/articles/u/not-a-uuid')).status).to.equal(404);
      expect((await client.get('/articles/files/a/b/c.txt')).json()).to.deep.equal({ rest: 'a/b/c.txt' });
      expect((await client.get('/articles/archive/2024')).json()).to.deep.equal({ year: 2024, type: 'number' });
      expect((await client.get('/articles/archive/24')).status).to.equal(404);
    });

    it('keeps / out of <str:> params', async () => {
      const client = await makeClient({ controllers: [ArticleController] });
      expect((await client.get('/articles/tag/a%20b')).json()).to.deep.equal({ tag: 'a b' });
      expect((await client.get('/articles/tag/a/b')).status).to.equal(404);
    });

    it('answers 405 with Allow for a known path and another method', async () => {
      const response = await (await makeClient({ controllers: [ArticleController] })).post('/articles/1');
      expect(response.status).to.equal(405);
      expect(response.headers.get('allow')!.split(/,\s*/).sort()).to.deep.equal([
        'DELETE',
        'GET',
        'HEAD',
        'OPTIONS',
        'PUT',
      ]);
    });

    it('serves HEAD through the GET view without a body', async () => {
      const response = await (await makeClient({ controllers: [ArticleController] })).head('/articles/7');
      expect(response.status).to.equal(200);
      expect(response.body.length).to.equal(0);
      expect(response.headers.get('content-type')).to.match(/json/);
    });

    it('answers OPTIONS with the allowed methods', async () => {
      const response = await (await makeClient({ controllers: [ArticleController] })).options('/articles/');
      expect(response.status).to.equal(200);
      expect(response.headers.get('allow')).to.include('GET').and.include('OPTIONS');
    });

    it('answers 404 for unknown paths and 400 for invalid encodings', async () => {
      const client = await makeClient({ controllers: [ArticleController] });
      expect((await client.get('/nope')).status).to.equal(404);
      expect((await client.get('/articles/%zz')).status).to.equal(400);
    });

    it('matches exactly as declared (no implicit trailing slash)', async () => {
      const client = await makeClient({ controllers: [ArticleController] });
      expect((await client.get('/articles/')).status).to.equal(200);
      expect((await client.get('/articles')).status).to.equal(404);
    });
  });

  describe('reverse', () => {
    it('builds URLs from namespaced names', async () => {
      const app = await makeApp({ controllers: [ArticleController] });
      expect(app.reverse('articles:list')).to.equal('/articles/');
      expect(app.reverse('articles:detail', { id: 5 })).to.equal('/articles/5');
      expect(app.reverse('articles:file', { rest: 'a/b c' })).to.equal('/articles/files/a/b%20c');
      expect(reverse('articles:archive', { year: 2020 })).to.equal('/articles/archive/2020');
      await app.close();
    });

    it('throws NoReverseMatch for an unknown name, naming what exists', async () => {
      const app = await makeApp({ controllers: [ArticleController] });
      expect(() => app.reverse('articles:nope')).to.throw(NoReverseMatch, /articles:nope/);
      await app.close();
    });

    it('throws NoReverseMatch for missing or ill-typed params', async () => {
      const app = await makeApp({ controllers: [ArticleController] });
      expect(() => app.reverse('articles:detail')).to.throw(NoReverseMatch, /id/);
      expect(() => app.reverse('articles:detail', { id: 'abc' })).to.throw(NoReverseMatch);
      await app.close();
    });
  });

  describe('start-up checks', () => {
    it('rejects two routes that collide, naming both', async () => {
      @Route('/x')
      class A {
        @Get('/<int:id>') a() {
          return 1;
        }
      }
      @Route('/x')
      class B {
        @Get('/<int:key>') b() {
          return 2;
        }
      }
      const error = await makeApp({ controllers: [A, B] }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ImproperlyConfigured).with.property('code', 'ROUTE_DUPLICATE');
      expect((error as Error).message)
        .to.include('A.a')
        .and.include('B.b');
    });

    it('accepts the same path with different methods', async () => {
      @Route('/y')
      class C {
        @Get('/') a() {
          return 'get';
        }
        @Post('/') b() {
          return 'post';
        }
      }
      const client = await makeClient({ controllers: [C] });
      expect((await client.post('/y/')).text).to.equal('post');
    });

    it('rejects two routes with the same name, naming both', async () => {
      @Route('', { name: 'n' })
      class D {
        @Get('/a', { name: 'same' }) a() {
          return 1;
        }
        @Get('/b', { name: 'same' }) b() {
          return 2;
        }
      }
      const error = await makeApp({ controllers: [D] }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ImproperlyConfigured).with.property('code', 'ROUTE_NAME_DUPLICATE');
      expect((error as Error).message)
        .to.include('D.a')
        .and.include('D.b');
    });

    it('rejects an unknown converter, naming the route', async () => {
      @Route('/z')
      class E {
        @Get('/<decimal:d>') a() {
          return 1;
        }
      }
      const error = await makeApp({ controllers: [E] }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ImproperlyConfigured).with.property('code', 'ROUTE_UNKNOWN_CONVERTER');
      expect((error as Error).message)
        .to.include('decimal')
        .and.include('E.a');
    });
  });
});
