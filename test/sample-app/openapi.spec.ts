/**
 * The sample's Conduit document against the RealWorld API specification
 * (https://github.com/gothinkster/realworld, api/openapi.yml): every operation there is
 * here under /api, with its success status, its auth requirement and its query
 * parameters. The table below is that specification's, by hand; the statuses Rondo adds
 * (404 for an unknown slug, 415, 429) are extra answers the sample really gives.
 */
import { expect } from 'chai';
import type { App, OpenApiDocument } from 'rondo';
import { OPENAPI_OPTIONS } from 'rondo/openapi';
import { TestClient } from 'rondo/testing';
import { sampleApp } from './fixture';

type Auth = 'token' | 'optional' | 'none';
const REALWORLD: Array<[method: string, path: string, success: number, auth: Auth, query: string[]]> = [
  ['post', '/users/login', 200, 'none', []],
  ['post', '/users', 201, 'none', []],
  ['get', '/user', 200, 'token', []],
  ['put', '/user', 200, 'token', []],
  ['get', '/profiles/{username}', 200, 'optional', []],
  ['post', '/profiles/{username}/follow', 200, 'token', []],
  ['delete', '/profiles/{username}/follow', 200, 'token', []],
  ['get', '/articles/feed', 200, 'token', ['offset', 'limit']],
  ['get', '/articles', 200, 'optional', ['tag', 'author', 'favorited', 'offset', 'limit']],
  ['post', '/articles', 201, 'token', []],
  ['get', '/articles/{slug}', 200, 'optional', []],
  ['put', '/articles/{slug}', 200, 'token', []],
  ['delete', '/articles/{slug}', 204, 'token', []],
  ['get', '/articles/{slug}/comments', 200, 'optional', []],
  ['post', '/articles/{slug}/comments', 200, 'token', []],
  ['delete', '/articles/{slug}/comments/{id}', 204, 'token', []],
  ['post', '/articles/{slug}/favorite', 200, 'token', []],
  ['delete', '/articles/{slug}/favorite', 200, 'token', []],
  ['get', '/tags', 200, 'none', []],
];

describe("the sample's Conduit OpenAPI document", () => {
  let app: App;
  let doc: OpenApiDocument;
  before(async () => {
    app = await sampleApp();
    const response = await new TestClient(app).get('/openapi.json');
    expect(response.status, 'published: openapiApp({ public: true })').to.equal(200);
    doc = response.json<OpenApiDocument>();
  });
  after(() => app.close());

  it('has exactly the operations of the RealWorld specification, under /api', () => {
    const ours = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(ours.sort()).to.deep.equal(REALWORLD.map(([m, p]) => `${m} /api${p}`).sort());
  });

  it('declares their success statuses, auth requirements and query parameters', () => {
    for (const [method, path, success, auth, query] of REALWORLD) {
      const operation = doc.paths[`/api${path}`][method];
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.responses, where).to.have.property(String(success));
      const security = JSON.stringify(operation.security ?? []);
      expect(security, where).to.equal(
        auth === 'token' ? '[{"Token":[]}]' : auth === 'optional' ? '[{},{"Token":[]}]' : '[]',
      );
      if (auth !== 'none') expect(operation.responses, where).to.have.property('401');
      const names = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(names.sort(), where).to.deep.equal([...query].sort());
    }
  });

  it('describes the errors as Conduit answers them: {errors: {field: [...]}} and 422 for invalid input', () => {
    const register = doc.paths['/api/users'].post.responses['422'] as { content: Record<string, { schema: object }> };
    expect(register.content['application/json'].schema).to.deep.include({ required: ['errors'] });
    expect(doc.components.securitySchemes).to.deep.equal({
      Token: {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        description: '`Token <token>`: an API token or a JWT from rondo/auth',
      },
    });
    expect(app.container.isBound(OPENAPI_OPTIONS)).to.equal(true);
  });
});
