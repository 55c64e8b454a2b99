import { expect } from 'chai';
import { IsInt, IsString } from 'class-validator';
import { ApiResponse, createApp, CsrfExempt, Get, HttpError, Param, Route, type App } from 'rondo';
import { ContractViolation, openapiApp } from 'rondo/openapi';
import { TestClient } from 'rondo/testing';

class Book {
  @IsInt() id!: number;
  @IsString() title!: string;
}

@Route('/api/books', { name: 'books' })
@CsrfExempt()
class BooksController {
  @Get('/<int:id>', { name: 'detail' })
  @ApiResponse(200, Book)
  detail(@Param('id') id: number) {
    if (id === 2) return { id, title: 42 }; // drifted from the contract
    if (id === 3) return { id }; // lacks a required field
    return { id, title: 'Dune' };
  }

  @Get('/<int:id>/loan', { name: 'loan' })
  @ApiResponse(200, Book)
  loan() {
    throw new HttpError(410, 'No longer lent'); // a status the operation does not declare
  }
}

async function appWith(debug: boolean, options: Parameters<typeof openapiApp>[0] = {}): Promise<App> {
  return createApp({
    controllers: [BooksController],
    apps: [openapiApp({ title: 'Books', version: '1.2.3', include: ['/api/'], ...options })],
    settings: { debug, secretKey: 'k'.repeat(50), allowedHosts: ['testserver'] },
  });
}

describe('openapiApp(): the document and its docs page', () => {
  it('serves GET /openapi.json with the options given, and never describes its own views', async () => {
    const app = await appWith(true);
    const response = await new TestClient(app).get('/openapi.json');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.include('application/vnd.oai.openapi+json');
    const doc = response.json();
    expect(doc.info).to.deep.equal({ title: 'Books', version: '1.2.3' });
    expect(Object.keys(doc.paths)).to.deep.equal(['/api/books/{id}', '/api/books/{id}/loan']);
    await app.close();
  });

  it('serves a Swagger UI page from the package files, with no inline script (a strict CSP holds)', async () => {
    const app = await appWith(true);
    const client = new TestClient(app);
    const page = await client.get('/docs/');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<script src="/docs/swagger-ui-bundle.js"></script>');
    expect(page.text).to.not.match(/<script>(?!<\/script>)/);
    const init = await client.get('/docs/init.js');
    expect(init.headers.get('content-type')).to.include('text/javascript');
    expect(init.text).to.include('url: "/openapi.json"');
    const bundle = await client.get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).to.equal(200);
    expect(bundle.headers.get('content-type')).to.include('javascript');
    expect((await client.get('/docs/swagger-ui.css')).headers.get('content-type')).to.include('text/css');
    expect((await client.get('/docs/package.json')).status, 'only the page assets').to.equal(404);
    expect((await client.get('/docs/..%2Fpackage.json')).status).to.equal(404);
    await app.close();
  });

  it('answers 404 with debug off unless public, and serves both when public', async () => {
    const quiet = await appWith(false);
    expect((await new TestClient(quiet).get('/openapi.json')).status).to.equal(404);
    expect((await new TestClient(quiet).get('/docs/')).status).to.equal(404);
    await quiet.close();
    const open = await appWith(false, { public: true, path: '/api/schema.json', docs: false });
    expect((await new TestClient(open).get('/api/schema.json')).status).to.equal(200);
    expect((await new TestClient(open).get('/docs/')).status).to.equal(404);
    await open.close();
  });
});

describe('TestClient({ openapi: true }): responses held to the contract', () => {
  let app: App;
  before(async () => {
    app = await appWith(false);
  });
  after(() => app.close());

  it('passes a response that matches its schema', async () => {
    const response = await new TestClient(app, { openapi: true }).get('/api/books/1');
    expect(response.json()).to.deep.equal({ id: 1, title: 'Dune' });
  });

  it('fails a request whose response breaks the schema, naming the path, status and mismatch', async () => {
    const client = new TestClient(app, { openapi: true });
    const wrongType = await client.get('/api/books/2').catch((e: unknown) => e);
    expect(wrongType).to.be.instanceOf(ContractViolation);
    expect((wrongType as ContractViolation).code).to.equal('OPENAPI_CONTRACT');
    expect((wrongType as Error).message)
      .to.include('GET /api/books/2 answered 200')
      .and.include('books.detail')
      .and.include('/title must be string');
    const missing = await client.get('/api/books/3').catch((e: unknown) => e);
    expect((missing as Error).message).to.include("must have required property 'title'");
  });

  it('fails a status the operation does not declare', async () => {
    const error = await new TestClient(app, { openapi: true }).get('/api/books/1/loan').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ContractViolation);
    expect((error as Error).message)
      .to.include('GET /api/books/1/loan answered 410')
      .and.include('books.loan does not declare')
      .and.include('200, 404');
  });

  it('leaves clients without the option alone', async () => {
    expect((await new TestClient(app).get('/api/books/2')).json()).to.deep.equal({ id: 2, title: 42 });
  });
});
