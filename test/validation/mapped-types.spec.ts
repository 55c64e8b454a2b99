import { expect } from 'chai';
import { IsEmail, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { Column, Entity, PrimaryGeneratedColumn, type DataSource, type Repository } from 'typeorm';
import {
  Body,
  CsrfExempt,
  Get,
  ImproperlyConfigured,
  InjectRepository,
  OmitType,
  Param,
  Patch,
  PartialType,
  PickType,
  Post,
  Route,
  Accepts,
  getObjectOr404,
  validateForm,
  type HttpRequest,
  type App,
  Req,
} from 'rondo';
import { DATA_SOURCE } from 'rondo/db';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';

/** An entity that carries its own validation rules, as a Django model carries its field validators. */
@Entity({ name: 'rondo_test_author' })
class Author {
  @PrimaryGeneratedColumn() @IsInt() id!: number;
  @Column({ type: 'varchar', length: 40 }) @IsString() @Length(2, 40) name!: string;
  @Column({ type: 'varchar', length: 120 }) @IsEmail() email!: string;
  @Column({ type: 'integer', default: 0 }) @IsInt() @Min(0) books!: number;
  @Column({ type: 'boolean', default: false }) isStaff!: boolean;
}

class CreateAuthor extends OmitType(Author, ['id']) {}
class UpdateAuthor extends PartialType(CreateAuthor) {}
class RenameAuthor extends PickType(Author, ['name']) {
  @IsOptional() @IsString() reason?: string;
}

@Route('/authors')
@CsrfExempt()
class AuthorController {
  constructor(@InjectRepository(Author) private readonly authors: Repository<Author>) {}
  @Post('') async create(@Body() input: CreateAuthor) {
    return this.authors.save(this.authors.create(input));
  }
  @Post('/raw') async raw(@Body() input: Author) {
    return { ...input };
  }
  @Patch('/<int:id>') async update(@Param('id') id: number, @Body() input: UpdateAuthor) {
    const author = await getObjectOr404(this.authors, { id });
    return this.authors.save(this.authors.merge(author, input));
  }
  @Post('/<int:id>/rename') @Accepts('application/x-www-form-urlencoded') async rename(@Req() request: HttpRequest) {
    const form = await validateForm(request, RenameAuthor);
    return form.isValid ? { name: form.data.name } : { errors: form.errors };
  }
  @Get('/<int:id>') detail(@Param('id') id: number) {
    return getObjectOr404(this.authors, { id });
  }
}

describe('DTOs from entities', () => {
  let app: App;
  let client: TestClient;
  beforeEach(async () => {
    app = await makeApp({
      controllers: [AuthorController],
      entities: [Author],
      settings: { database: 'sqlite::memory:' },
    });
    await app.container.get<DataSource>(DATA_SOURCE).synchronize();
    client = new TestClient(app);
  });
  afterEach(() => app.close());

  it("validates @Body() against the entity's own rules, keeping only the properties that have one", async () => {
    const response = await client.post('/authors/raw', {
      json: { id: 1, name: 'Ann', email: 'ann@example.com', books: 2, isStaff: true },
    });
    expect(response.status).to.equal(200);
    expect(response.json()).to.deep.equal({ id: 1, name: 'Ann', email: 'ann@example.com', books: 2 }); // isStaff has no rule: a client cannot set it
    const bad = await client.post('/authors/raw', { json: { id: 1, name: 'A', email: 'nope', books: -1 } });
    expect(bad.status).to.equal(400);
    expect(Object.keys(bad.json().errors).sort()).to.deep.equal(['books', 'email', 'name']);
  });

  it('creates through OmitType(Author, [id]): the key is not accepted from the client', async () => {
    const created = await client.post('/authors', {
      json: { id: 99, name: 'Ann', email: 'ann@example.com', books: 3, isStaff: true },
    });
    expect(created.status).to.equal(200);
    expect(created.json()).to.include({ id: 1, name: 'Ann', books: 3, isStaff: false });
    const missing = await client.post('/authors', { json: { name: 'Bob' } });
    expect(missing.status).to.equal(400);
    expect(missing.json().errors).to.have.keys('email', 'books');
  });

  it('updates through PartialType: absent fields stay, present ones still obey their rules', async () => {
    await client.post('/authors', { json: { name: 'Ann', email: 'ann@example.com', books: 3 } });
    const renamed = await client.patch('/authors/1', { json: { name: 'Annie' } });
    expect(renamed.json()).to.include({ name: 'Annie', email: 'ann@example.com', books: 3 });
    const bad = await client.patch('/authors/1', { json: { email: 'not-an-email' } });
    expect(bad.status).to.equal(400);
    expect(bad.json().errors).to.have.keys('email');
    expect((await client.get('/authors/1')).json()).to.include({ email: 'ann@example.com' });
  });

  it('validates a form with validateForm and a PickType DTO that adds its own field', async () => {
    await client.post('/authors', { json: { name: 'Ann', email: 'ann@example.com', books: 0 } });
    expect((await client.post('/authors/1/rename', { data: { name: 'Anna', email: 'x' } })).json()).to.deep.equal({
      name: 'Anna',
    });
    expect((await client.post('/authors/1/rename', { data: { name: 'A' } })).json().errors).to.have.keys('name');
  });

  it('fails at start-up when PickType or OmitType names a property without rules, listing the ones it has', () => {
    const error = (() => {
      try {
        return PickType(Author, ['isStaff']);
      } catch (e) {
        return e;
      }
    })();
    expect(error).to.be.instanceOf(ImproperlyConfigured);
    expect((error as ImproperlyConfigured).code).to.equal('DTO_MAPPED_PROPERTY_UNKNOWN');
    expect((error as Error).message)
      .to.include('PickType(Author, ...) names isStaff')
      .and.include('id, name, email, books');
    expect(() => OmitType(Author, ['nope' as keyof Author])).to.throw(
      ImproperlyConfigured,
      'OmitType(Author, ...) names nope',
    );
  });
});
