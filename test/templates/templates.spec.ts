import { expect } from 'chai';
import { join } from 'node:path';
import {
  Get,
  HttpRequest,
  Middleware,
  render,
  Route,
  safe,
  TEMPLATES,
  type Templates,
  Injectable,
  type HttpResponse,
  type TemplateResponse,
  csvResponse,
} from 'rondo';
import { TestClient } from 'rondo/testing';
import { capturingLogger, makeApp, makeFullApp } from '../fixtures/apps';

const DIRS = [join(__dirname, '../../../test/fixtures/templates')];

@Route('/posts', { name: 'posts' })
class PostPages {
  @Get('/', { name: 'list' })
  list(request: HttpRequest) {
    return render(request, 'posts/list.ejs', { posts: [{ title: '<b>One</b>' }, { title: 'Two' }] });
  }

  @Get('/<int:id>', { name: 'detail' })
  detail() {
    return 'detail';
  }

  @Get('/echo')
  echo(request: HttpRequest) {
    return render(request, 'posts/echo.ejs', {
      q: request.GET.get('q'),
      all: JSON.stringify(request.GET.toObject()),
      ...request.GET.toObject(),
    });
  }

  @Get('/named')
  named(request: HttpRequest) {
    return render(request, request.GET.get('name') ?? '', {});
  }

  @Get('/broken') broken(request: HttpRequest) {
    return render(request, 'posts/broken.ejs', { post: {} });
  }
  @Get('/syntax') syntax(request: HttpRequest) {
    return render(request, 'posts/syntax.ejs');
  }
  @Get('/feed') feed(request: HttpRequest) {
    return render(request, 'feed.xml.ejs', { items: ['a<b', 'c'] });
  }
  @Get('/report') report(request: HttpRequest) {
    return render(request, 'report.csv.ejs', { rows: [{ name: 'Ann, B.', note: '=HYPERLINK("x")' }] });
  }
  @Get('/export') exportRows() {
    return csvResponse(
      [
        [1, 'a,b'],
        [2, 'say "hi"'],
      ],
      { header: ['id', 'text'], filename: 'export ü.csv' },
    );
  }
  @Get('/safe') safePage(request: HttpRequest) {
    return render(request, 'posts/safe.ejs', { trusted: safe('<em>ok</em>'), untrusted: '<em>no</em>' });
  }
  @Get('/status') status(request: HttpRequest) {
    return render(request, 'posts/echo.ejs', { q: 'x', all: '' }, { status: 418 });
  }
}

async function client(settings: Record<string, unknown> = {}, middleware: Function[] = []) {
  const logger = capturingLogger();
  const app = await makeApp({
    controllers: [PostPages],
    middleware: middleware as never,
    logger,
    settings: { templates: { dirs: DIRS }, ...settings },
  });
  return { client: new TestClient(app), app, logger };
}

describe('templates', () => {
  it('renders a page into its layout with blocks, partials, url() and static()', async () => {
    const response = await (await client()).client.get('/posts/');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(response.text).to.include('<title>Posts &amp; news</title>');
    expect(response.text).to.include('<li>&lt;b&gt;One&lt;/b&gt;</li>').and.include('<li>Two</li>');
    expect(response.text).to.include('<a href="/posts/1">first</a>').and.include('href="/static/css/site.css"');
    expect(response.templateName).to.equal('posts/list.ejs');
    expect(response.context).to.have.property('posts');
  });

  it('escapes <%= %> always and prints safe() markup as is', async () => {
    const response = await (await client()).client.get('/posts/safe');
    expect(response.text.trim()).to.equal('<em>ok</em>|&lt;em&gt;no&lt;/em&gt;');
  });

  it('renders request data as text and never lets it reach EJS options', async () => {
    const { client: c } = await client();
    const payloads = [
      'settings[view options][outputFunctionName]=x;process.exit(1);//',
      'client=1&escapeFunction=function(){return process.exit(1)}',
      'escapeFn=1&__append=1&__output=1&include=1&q=<script>alert(1)</script>',
      '__proto__[polluted]=1&constructor[prototype][polluted]=1',
    ];
    for (const query of payloads) {
      const response = await c.get(`/posts/echo?${query}`);
      expect(response.status, query).to.equal(200);
      expect(response.text).to.not.include('<script>');
    }
    const last = await c.get('/posts/echo?q=<script>alert(1)</script>&escapeFn=x');
    expect(last.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('lets processTemplateResponse change the context before rendering', async () => {
    @Middleware(10)
    class Retitle {
      processTemplateResponse(request: HttpRequest, response: HttpResponse) {
        (response as TemplateResponse).context.posts = [{ title: 'Changed by middleware' }];
        return response;
      }
    }
    const response = await (await client({}, [Retitle])).client.get('/posts/');
    expect(response.text).to.include('Changed by middleware').and.not.include('Two');
  });

  it('uses the status and content type given to render()', async () => {
    expect((await (await client()).client.get('/posts/status')).status).to.equal(418);
  });

  it('renders XML and CSV templates with their content types and escaping', async () => {
    const { client: c } = await client();
    const feed = await c.get('/posts/feed');
    expect(feed.headers.get('content-type')).to.equal('application/xml; charset=utf-8');
    expect(feed.text).to.include('<item>a&lt;b</item>');
    const report = await c.get('/posts/report');
    expect(report.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(report.text).to.include('"Ann, B.","\'=HYPERLINK(""x"")"');
  });

  it('streams CSV exports with a download name', async () => {
    const response = await (await client()).client.get('/posts/export');
    expect(response.headers.get('content-disposition')).to.equal(
      'attachment; filename="export _.csv"; filename*=UTF-8\'\'export%20%C3%BC.csv',
    );
    expect(response.text).to.equal('id,text\r\n1,"a,b"\r\n2,"say ""hi"""\r\n');
  });

  describe('bad template names and broken templates', () => {
    it('refuses names that climb out of the template folders', async () => {
      const { client: c, logger } = await client();
      for (const name of ['../apps.js', 'posts/../../x.ejs', '/etc/passwd', 'posts\\list.ejs', 'a%00b']) {
        const response = await c.get('/posts/named', { query: { name } });
        expect(response.status, name).to.equal(500);
      }
      expect(logger.lines.map((l) => String((l.error as Error)?.message)).join()).to.include(
        'TEMPLATE_NAME_INVALID'.length ? 'is not allowed' : '',
      );
    });

    it('lists every path tried for a missing template (debug page)', async () => {
      const response = await (
        await client({ debug: true })
      ).client.get('/posts/named', { query: { name: 'nope.ejs' } });
      expect(response.status).to.equal(500);
      expect(response.text).to.include('TemplateDoesNotExist').and.include(join(DIRS[0], 'nope.ejs'));
    });

    it('shows the template name, line and source excerpt of a template error when debug is on', async () => {
      const response = await (await client({ debug: true })).client.get('/posts/broken');
      expect(response.status).to.equal(500);
      expect(response.text).to.include('posts/broken.ejs').and.include('line 2').and.include('post.missing.deeper');
      // the excerpt appears once, in its own block, the failing line marked; the heading is one line
      const heading = /<h2>([\s\S]*?)<\/h2>/.exec(response.text)![1];
      expect(heading).to.include('Error in template &#39;posts/broken.ejs&#39; at line 2');
      expect(heading).to.not.include('\n');
      expect(response.text.split('post.missing.deeper')).to.have.length(2);
      expect(response.text).to.match(
        /<pre class="excerpt">[^<]*<mark> &#62;&#62; 2\| &#60;p&#62;&#60;%= post.missing.deeper/,
      );
    });

    it('shows nothing of it when debug is off', async () => {
      const response = await (await client()).client.get('/posts/broken');
      expect(response.status).to.equal(500);
      expect(response.text).to.not.include('broken.ejs').and.not.include('deeper');
    });

    it('reports a template syntax error with its name', async () => {
      const response = await (await client({ debug: true })).client.get('/posts/syntax');
      expect(response.status).to.equal(500);
      expect(response.text).to.include('posts/syntax.ejs');
    });
  });

  describe('context processors', () => {
    it('gives csrfToken(), messages and the user with the default middleware stack', async () => {
      @Route('/f')
      class FormPage {
        @Get('/') form(request: HttpRequest) {
          request.messages.info('Welcome <b>');
          return render(request, 'layouts/base.ejs', {});
        }
        @Get('/form') page(request: HttpRequest) {
          return render(request, 'posts/form.ejs', { values: {}, errors: {} });
        }
      }
      const app = await makeFullApp({ controllers: [FormPage], settings: { templates: { dirs: DIRS } } });
      const c = new TestClient(app);
      const withMessage = await c.get('/f/');
      expect(withMessage.text).to.include('<p class="info">Welcome &lt;b&gt;</p>');
      expect((await c.get('/f/')).text).to.include('<p class="info">Welcome &lt;b&gt;</p>');
      const form = await c.get('/f/form');
      expect(form.text).to.match(/name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"/);
      expect(form.cookies.has('csrftoken')).to.equal(true);
    });

    it('explains that csrfToken() needs CsrfViewMiddleware', async () => {
      @Route('/g')
      class FormOnly {
        @Get('/') page(request: HttpRequest) {
          return render(request, 'posts/form.ejs', { values: {}, errors: {} });
        }
      }
      const app = await makeApp({ controllers: [FormOnly], settings: { templates: { dirs: DIRS }, debug: true } });
      const response = await new TestClient(app).get('/g/');
      expect(response.status).to.equal(500);
      expect(response.text).to.include('CsrfViewMiddleware is not installed');
    });

    it('rejects an unknown processor name at start-up', async () => {
      const error = await makeApp({ settings: { templates: { dirs: DIRS, contextProcessors: ['nope'] } } }).catch(
        (e: Error) => e,
      );
      expect((error as Error).message).to.include("lists 'nope'");
    });

    it('adds variables from a custom processor', async () => {
      @Route('/h')
      class Custom {
        @Get('/') page(request: HttpRequest) {
          return render(request, 'posts/echo.ejs', { all: '' });
        }
      }
      const app = await makeApp({
        controllers: [Custom],
        settings: { templates: { dirs: DIRS, contextProcessors: [() => ({ q: 'from processor' })] } },
      });
      expect((await new TestClient(app).get('/h/')).text).to.include('from processor');
    });
  });

  it('renders without a request through TEMPLATES or app.renderToString', async () => {
    @Injectable()
    class Mailer {
      constructor(readonly templates: Templates) {}
    }
    const { app } = await client();
    expect(app.renderToString('partials/row.ejs', { post: { title: 'Mail & co' } }).trim()).to.equal(
      '<li>Mail &amp; co</li>',
    );
    const templates = app.container.get<Templates>(TEMPLATES);
    expect(templates.renderToString('other/override.ejs').trim()).to.equal('second folder');
    void Mailer;
  });
});
