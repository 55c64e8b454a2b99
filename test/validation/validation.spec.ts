import { expect } from 'chai';
import {
  IsArray,
  IsBoolean,
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { join } from 'node:path';
import { Body, Get, HttpRequest, Injectable, Post, Query, redirect, render, Route, Type, validateForm } from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeApp, makeFullApp } from '../fixtures/apps';

class AddressDto {
  @IsString() @Length(2, 40) city!: string;
}

class TagDto {
  @IsString() name!: string;
}

@Injectable()
class PostStore {
  readonly titles = new Set(['Taken']);
}

@ValidatorConstraint({ name: 'uniqueTitle', async: true })
@Injectable()
class UniqueTitle implements ValidatorConstraintInterface {
  constructor(private readonly store: PostStore) {}
  async validate(title: string) {
    await new Promise((r) => setImmediate(r));
    return !this.store.titles.has(title);
  }
  defaultMessage() {
    return 'title is already taken';
  }
}

class CreatePostDto {
  @IsString() @Length(3, 50) @Validate(UniqueTitle) title!: string;
  @IsInt() @Min(0) views!: number;
  @IsOptional() @IsBoolean() draft?: boolean;
  @IsOptional() @IsDate() publishAt?: Date;
  @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => TagDto) tags?: TagDto[];
  @IsOptional() @IsArray() @IsInt({ each: true }) @Type(() => Number) scores?: number[];
}

class ListQueryDto {
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsBoolean() mine?: boolean;
  @IsOptional() @IsArray() @IsString({ each: true }) @Type(() => String) tag?: string[];
}

const DIRS = [join(__dirname, '../../../test/fixtures/templates')];

@Route('/v')
class PostApi {
  @Post('/posts')
  create(@Body() input: CreatePostDto) {
    return {
      ok: true,
      isDto: input instanceof CreatePostDto,
      views: input.views,
      draft: input.draft ?? null,
      publishAt: input.publishAt instanceof Date,
      address: input.address instanceof AddressDto,
      keys: Object.keys(input).sort(),
    };
  }

  @Get('/posts')
  list(@Query() query: ListQueryDto) {
    return { page: query.page ?? null, mine: query.mine ?? null, tag: query.tag ?? null };
  }
}

@Route('/pages', { name: 'pages' })
class PostPages {
  constructor(private readonly store: PostStore) {}

  @Get('/new', { name: 'new' })
  async show(request: HttpRequest) {
    return render(request, 'posts/create.ejs', { form: { values: {}, errors: {}, nonFieldErrors: [] } });
  }

  @Post('/new')
  async create(request: HttpRequest) {
    const form = await validateForm(request, CreatePostDto);
    if (form.isValid && form.data.title.toLowerCase().includes('spam')) form.addError(null, 'No spam, please');
    if (!form.isValid) return render(request, 'posts/create.ejs', { form }, { status: 400 });
    this.store.titles.add(form.data.title);
    return redirect('/pages/new?created=1');
  }
}

async function client(settings = {}) {
  return new TestClient(await makeApp({ controllers: [PostApi], providers: [PostStore, UniqueTitle], settings }));
}

describe('DTO validation', () => {
  it('builds a typed DTO from JSON, with nested DTOs, arrays and dates', async () => {
    const response = await (
      await client()
    ).post('/v/posts', {
      json: {
        title: 'Hello',
        views: 3,
        draft: false,
        publishAt: '2026-01-02T03:04:05Z',
        address: { city: 'Oslo' },
        tags: [{ name: 'a' }],
        scores: [1, 2],
      },
    });
    expect(response.status).to.equal(200);
    expect(response.json()).to.deep.include({
      ok: true,
      isDto: true,
      views: 3,
      draft: false,
      publishAt: true,
      address: true,
    });
  });

  it('coerces form strings to the declared types', async () => {
    const response = await (
      await client()
    ).post('/v/posts', {
      data: { title: 'Hello', views: '7', draft: 'on', 'address.city': 'Rome', scores: ['1', '2'] },
    });
    expect(response.status).to.equal(200);
    expect(response.json()).to.deep.include({ views: 7, draft: true, address: true });
  });

  it('answers 400 problem+json with errors per field, nested fields included', async () => {
    const response = await (
      await client()
    ).post('/v/posts', {
      json: { title: 'x', views: -1, address: { city: '' }, tags: [{ name: 5 }], scores: [1, 'b'] },
    });
    expect(response.status).to.equal(400);
    expect(response.headers.get('content-type')).to.equal('application/problem+json');
    const errors = response.json().errors as Record<string, string[]>;
    expect(errors.title).to.deep.equal(['Ensure this value has at least 3 characters (it has 1).']);
    expect(errors.views).to.deep.equal(['Ensure this value is greater than or equal to 0.']);
    expect(errors['address.city']).to.have.length(1);
    expect(errors['tags.0.name']).to.deep.equal(['Enter text.']);
    expect(errors.scores).to.deep.equal(['Every item: Enter a whole number.']);
  });

  it('reports missing and wrongly typed fields', async () => {
    const response = await (await client()).post('/v/posts', { data: { views: 'many' } });
    expect(response.status).to.equal(400);
    const detail = (await client()).post('/v/posts', { json: { views: 'many' } });
    const errors = (await detail).json().errors as Record<string, string[]>;
    expect(errors.title).to.deep.equal(['This field is required.']); // one message, not one per rule
    expect(errors.views).to.deep.equal(['Enter a whole number.']);
  });

  it('runs async custom validators built by the app container (injected service)', async () => {
    const response = await (await client()).post('/v/posts', { json: { title: 'Taken', views: 1 } });
    expect(response.status).to.equal(400);
    expect(response.json().errors.title).to.deep.equal(['title is already taken']);
  });

  it('strips unknown fields, or rejects them with validationForbidUnknown', async () => {
    const lenient = await (await client()).post('/v/posts', { json: { title: 'Hello', views: 1, isAdmin: true } });
    expect(lenient.json().keys).to.not.include('isAdmin');
    const strict = await (
      await client({ validationForbidUnknown: true })
    ).post('/v/posts', { json: { title: 'Hello', views: 1, isAdmin: true } });
    expect(strict.status).to.equal(400);
    expect(strict.json().errors.isAdmin).to.deep.equal(['isAdmin is not a field of this form.']);
  });

  it('answers 400 for a JSON array where an object is expected', async () => {
    const response = await (await client()).post('/v/posts', { json: [{ title: 'Hello', views: 1 }] });
    expect(response.status).to.equal(400);
    expect(response.json().detail).to.include('Expected a JSON object for CreatePostDto; got an array');
  });

  it('answers 400 for input nested deeper than validationMaxDepth', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) deep = { a: deep };
    const response = await (await client()).post('/v/posts', { json: { title: 'Hello', views: 1, extra: deep } });
    expect(response.status).to.equal(400);
    expect(response.json().detail).to.include('nested more than 32 levels');
  });

  it('validates @Query() DTOs with query-string coercion', async () => {
    const c = await client();
    expect((await c.get('/v/posts', { query: { page: '2', mine: 'true', tag: ['a', 'b'] } })).json()).to.deep.equal({
      page: 2,
      mine: true,
      tag: ['a', 'b'],
    });
    const bad = await c.get('/v/posts', { query: { page: '0' }, headers: { accept: 'application/json' } });
    expect(bad.status).to.equal(400);
    expect(bad.json().errors.page).to.deep.equal(['Ensure this value is greater than or equal to 1.']);
  });
});

describe('HTML forms with validateForm', () => {
  async function browser() {
    const app = await makeFullApp({
      controllers: [PostPages],
      providers: [PostStore, UniqueTitle],
      settings: { templates: { dirs: DIRS } },
    });
    return new TestClient(app);
  }

  it('shows the empty form on GET', async () => {
    const response = await (await browser()).get('/pages/new');
    expect(response.status).to.equal(200);
    expect(response.text).to.include('<input name="title" value="">');
  });

  it('re-renders with messages next to the fields and the input kept when invalid', async () => {
    const response = await (await browser()).post('/pages/new', { data: { title: '<x>', views: 'lots' } });
    expect(response.status).to.equal(400);
    expect(response.templateName).to.equal('posts/create.ejs');
    expect(response.text).to.include('<input name="title" value="&lt;x&gt;">');
    expect(response.text).to.include('<input name="views" value="lots"><span class="error">');
    expect(response.text).to.include('<span class="error">Enter a whole number.</span>'); // "lots" is not a number: one message
  });

  it('shows errors the view adds for the whole form', async () => {
    const response = await (await browser()).post('/pages/new', { data: { title: 'spam spam', views: '1' } });
    expect(response.text).to.include('<p class="form-error">No spam, please</p>');
  });

  it('redirects after a valid POST (POST/redirect/GET)', async () => {
    const response = await (
      await browser()
    ).post('/pages/new', { data: { title: 'A fine post', views: '1' }, followRedirects: true });
    expect(response.redirectChain).to.deep.equal([{ url: '/pages/new', status: 302 }]);
    expect(response.status).to.equal(200);
  });
});
