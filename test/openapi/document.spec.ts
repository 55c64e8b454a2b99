import { expect } from 'chai';
import { IsEmail, IsEnum, IsInt, IsOptional, IsString, IsUrl, Length, Min, ValidateNested } from 'class-validator';
import {
  ApiExclude,
  ApiOperation,
  ApiResponse,
  Body,
  createApp,
  CsrfExempt,
  Get,
  Header,
  LoginRequired,
  Param,
  Post,
  Query,
  RateLimit,
  registerConverter,
  Route,
  Type,
  type App,
  type OpenApiDocument,
} from 'rondo';

enum Status {
  Draft = 'draft',
  Published = 'published',
}

class Address {
  @IsString() city!: string;
}

class NewPost {
  @IsString() @Length(3, 120) title!: string;
  @IsOptional() @IsInt() @Min(0) views?: number;
  @IsEmail() author!: string;
  @IsOptional() @IsUrl() link?: string;
  @IsEnum(Status) status!: Status;
  @IsOptional() @ValidateNested() address?: Address;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Address) addresses?: Address[];
}

class Post_ {
  @IsInt() id!: number;
  @IsString() title!: string;
}

class ListQuery {
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsString() q!: string;
}

registerConverter('bookyear', {
  regex: '[0-9]{4}',
  toValue: Number,
  toUrl: String,
  schema: { type: 'integer', minimum: 1000 },
});

@Route('/api/posts', { name: 'posts' })
@CsrfExempt()
class PostsController {
  @Get('/', { name: 'list' })
  @ApiResponse(200, [Post_], { description: 'A page of posts' })
  @ApiOperation({ summary: 'List posts', tags: ['posts'] })
  list(@Query() query: ListQuery, @Header('x-trace') trace?: string) {
    return { query, trace };
  }

  @Post('/', { name: 'create' })
  @ApiResponse(201, Post_)
  @RateLimit({ points: 5, duration: 60 })
  create(@Body('post') input: NewPost) {
    return input;
  }

  @Get('/<int:id>', { name: 'detail' })
  @LoginRequired()
  detail(@Param('id') id: number) {
    return { id };
  }

  @Get('/archive/<bookyear:year>/<slug:slug>/<uuid:key>')
  archive() {
    return [];
  }

  @Get('/hidden')
  @ApiExclude()
  hidden() {
    return 'no';
  }
}

@Route('/pages', { name: 'pages' })
class PagesController {
  @Get('/', { name: 'home' }) home() {
    return 'home';
  }
}

describe('app.openapi(): the OpenAPI 3.1 document of the routes', () => {
  let app: App;
  let doc: OpenApiDocument;
  before(async () => {
    app = await createApp({ controllers: [PostsController, PagesController], settings: { debug: true } });
    doc = app.openapi({ title: 'Demo', version: '2.0.0', include: ['/api/'] });
  });
  after(() => app.close());

  it('names the version, the info and only the included, not excluded, routes', () => {
    expect(doc.openapi).to.equal('3.1.0');
    expect(doc.info).to.deep.equal({ title: 'Demo', version: '2.0.0' });
    expect(Object.keys(doc.paths).sort()).to.deep.equal([
      '/api/posts/',
      '/api/posts/archive/{year}/{slug}/{key}',
      '/api/posts/{id}',
    ]);
  });

  it('types path parameters by their converter, a custom converter by the schema it declares', () => {
    const archive = doc.paths['/api/posts/archive/{year}/{slug}/{key}'].get;
    expect(archive.parameters).to.deep.equal([
      { name: 'year', in: 'path', required: true, schema: { type: 'integer', minimum: 1000 } },
      { name: 'slug', in: 'path', required: true, schema: { type: 'string', pattern: '^[-a-zA-Z0-9_]+$' } },
      { name: 'key', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
    ]);
    expect(doc.paths['/api/posts/{id}'].get.parameters![0]).to.deep.equal({
      name: 'id',
      in: 'path',
      required: true,
      schema: { type: 'integer', minimum: 0 },
    });
  });

  it('turns a @Query() DTO into query parameters and @Header into a header parameter', () => {
    const list = doc.paths['/api/posts/'].get;
    expect(list.parameters).to.deep.include({ name: 'q', in: 'query', required: true, schema: { type: 'string' } });
    expect(list.parameters).to.deep.include({ name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } });
    expect(list.parameters).to.deep.include({ name: 'x-trace', in: 'header', schema: { type: 'string' } });
    expect(list.summary).to.equal('List posts');
    expect(list.tags).to.deep.equal(['posts']);
    expect(list.operationId).to.equal('posts.list');
  });

  it('describes a @Body DTO from its class-validator rules, nested DTOs as components', () => {
    const create = doc.paths['/api/posts/'].post;
    expect(create.requestBody).to.deep.equal({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { post: { $ref: '#/components/schemas/NewPost' } },
            required: ['post'],
          },
        },
      },
    });
    const schema = doc.components.schemas.NewPost as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required.sort()).to.deep.equal(['author', 'status', 'title']);
    expect(schema.properties.title).to.deep.equal({ type: 'string', minLength: 3, maxLength: 120 });
    // @IsOptional() lets null through, as class-validator does
    expect(schema.properties.views).to.deep.equal({ type: ['integer', 'null'], minimum: 0 });
    expect(schema.properties.author).to.deep.equal({ type: 'string', format: 'email' });
    expect(schema.properties.link).to.deep.equal({ type: ['string', 'null'], format: 'uri' });
    expect(schema.properties.status).to.deep.equal({ type: 'string', enum: ['draft', 'published'] });
    expect(schema.properties.address).to.deep.equal({
      anyOf: [{ $ref: '#/components/schemas/Address' }, { type: 'null' }],
    });
    expect(schema.properties.addresses).to.deep.equal({
      type: ['array', 'null'],
      items: { $ref: '#/components/schemas/Address' },
    });
    expect(doc.components.schemas.Address).to.deep.include({ required: ['city'] });
  });

  it('declares the responses the view declares and the ones the framework gives it', () => {
    const create = doc.paths['/api/posts/'].post;
    expect(Object.keys(create.responses)).to.deep.equal(['201', '400', '415', '429']);
    expect(create.responses['201']).to.deep.equal({
      description: 'Created',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Post_' } } },
    });
    expect(create.responses['429']).to.deep.include({
      headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'string' } } },
    });
    const list = doc.paths['/api/posts/'].get;
    expect(list.responses['200']).to.deep.equal({
      description: 'A page of posts',
      content: {
        'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Post_' } } },
      },
    });
    const detail = doc.paths['/api/posts/{id}'].get;
    expect(detail.responses).to.have.keys('200', '401', '404');
    expect(detail.security).to.deep.equal([{ Session: [] }]);
    expect(detail['x-rondo-undeclared']).to.equal(true);
  });

  it('describes every route when nothing is included explicitly, its problem components too', () => {
    const all = app.openapi();
    expect(all.paths).to.have.property('/pages/');
    expect(all.components.schemas).to.have.property('Problem');
    expect(all.components.schemas).to.have.property('ValidationProblem');
    expect(all.paths['/pages/'].get.responses['200']).to.deep.equal({
      description: 'Not declared: describe it with @ApiResponse()',
    });
  });
});
