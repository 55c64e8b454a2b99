/**
 * `rondo generate <kind> <Name>`: writes a class where a project made by `rondo new` keeps
 * it, with a test in the project's style (like `nest g` and AdonisJS's `make:*`). Never
 * overwrites: when any file exists, nothing is written. `resource` is model + migration +
 * DTO + controller with list/detail/create/edit/delete forms + templates + tests.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ImproperlyConfigured } from '../../index';
import { namesOf, type Names } from './names';
import { TEST_HELPERS } from './test-helpers-file';

type Files = Record<string, string>;

export interface Generator {
  summary: string;
  /** What to do after generating, printed under the file list. */
  next?: (names: Names) => string;
  /** Packages its files import besides rondo (an `npm install` line is printed for missing ones). */
  needs?: string[];
  files(names: Names, project: string): Files;
}

/** Names a generated entity or controller cannot take: they would shadow what its files import. */
const TAKEN = new Set([
  'Get',
  'Post',
  'Put',
  'Patch',
  'Delete',
  'Route',
  'Body',
  'Param',
  'Query',
  'Req',
  'Entity',
  'Column',
  'Table',
  'App',
  'Form',
  'Session',
  'User',
  'Middleware',
  'Injectable',
]);

function controller(n: Names): Files {
  return {
    [`src/controllers/${n.kebab}.controller.ts`]: `import { ApiResponse, Get, Route } from 'rondo';

@Route('/${n.plural}', { name: '${n.plural}' })
export class ${n.pascal}Controller {
  @Get('/', { name: 'index' })
  // What it answers, for the OpenAPI document (app.openapi(), rondo openapi); a DTO class works too.
  @ApiResponse(200, { type: 'object', properties: { ${n.camel}: { type: 'string' } }, required: ['${n.camel}'] })
  index() {
    return { ${n.camel}: 'ready' };
  }
}
`,
    [`test/controllers/${n.kebab}.controller.spec.ts`]: `import { expect } from 'chai';
import type { App } from 'rondo';
import { TestClient } from 'rondo/testing';
import { testApp } from '../helpers';

describe('${n.pascal}Controller', () => {
  let app: App;
  before(async () => { app = await testApp(); });
  after(() => app.close());

  it('answers GET /${n.plural}/ with JSON, as its OpenAPI description says', async () => {
    const response = await new TestClient(app, { openapi: true }).get('/${n.plural}/');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.include('application/json');
    expect(response.json()).to.deep.equal({ ${n.camel}: 'ready' });
  });

  it('answers 404 under /${n.plural}/ for a path it does not route', async () => {
    expect((await new TestClient(app).get('/${n.plural}/nowhere')).status).to.equal(404);
  });
});
`,
  };
}

function service(n: Names): Files {
  return {
    [`src/services/${n.kebab}.service.ts`]: `import { Injectable } from 'rondo';

/** One instance per app (the default scope); inject it by type into controllers and services. */
@Injectable()
export class ${n.pascal}Service {
  private readonly started = new Date();

  /** How long this app has been running, in whole seconds. */
  uptimeSeconds(now: Date = new Date()): number {
    return Math.floor((now.getTime() - this.started.getTime()) / 1000);
  }
}
`,
    [`test/services/${n.kebab}.service.spec.ts`]: `import { expect } from 'chai';
import type { App } from 'rondo';
import { ${n.pascal}Service } from '../../src/services/${n.kebab}.service';
import { testApp } from '../helpers';

describe('${n.pascal}Service', () => {
  let app: App;
  before(async () => { app = await testApp(); });
  after(() => app.close());

  it('is discovered and shared: the app injects one instance', () => {
    const first = app.container.get(${n.pascal}Service);
    expect(first).to.be.instanceOf(${n.pascal}Service);
    expect(app.container.get(${n.pascal}Service)).to.equal(first);
  });

  it('counts whole seconds since it was created', () => {
    const service = app.container.get(${n.pascal}Service);
    expect(service.uptimeSeconds(new Date(Date.now() + 2500))).to.be.within(2, 3);
  });
});
`,
  };
}

/** The next free middleware order after the project's own (built-ins use 50-700). */
function nextOrder(project: string): number {
  const dir = join(project, 'src/middleware');
  const used = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .flatMap((f) =>
          [...readFileSync(join(dir, f), 'utf8').matchAll(/@Middleware\((\d+)\)/g)].map((m) => Number(m[1])),
        )
    : [];
  return Math.max(790, ...used) + 10;
}

function middleware(n: Names, project: string): Files {
  return {
    [`src/middleware/${n.kebab}.middleware.ts`]: `import { Middleware, type HttpRequest, type HttpResponse } from 'rondo';

/**
 * Runs around every view (the order must be unique in the app; the built-in middleware
 * use 50-700). Reports how long the inner layers and the view took in Server-Timing.
 */
@Middleware(${nextOrder(project)})
export class ${n.pascal}Middleware {
  async handle(request: HttpRequest, next: (request: HttpRequest) => Promise<HttpResponse> | HttpResponse): Promise<HttpResponse> {
    const started = performance.now();
    const response = await next(request);
    response.headers.appendToken('Server-Timing', \`${n.kebab};dur=\${(performance.now() - started).toFixed(1)}\`);
    return response;
  }
}
`,
    [`test/middleware/${n.kebab}.middleware.spec.ts`]: `import { expect } from 'chai';
import type { App } from 'rondo';
import { TestClient } from 'rondo/testing';
import { testApp } from '../helpers';

describe('${n.pascal}Middleware', () => {
  let app: App;
  before(async () => { app = await testApp(); });
  after(() => app.close());

  it('adds its Server-Timing entry to every response, 404s included', async () => {
    const client = new TestClient(app);
    for (const path of ['/', '/no-such-page']) {
      const response = await client.get(path);
      // other middleware may add entries around this one: look for it anywhere in the list
      expect(response.headers.get('server-timing'), path).to.match(/(^|, )${n.kebab};dur=\\d+\\.\\d(,|$)/);
    }
  });
});
`,
  };
}

function command(n: Names): Files {
  return {
    [`src/commands/${n.kebab}.command.ts`]: `import { IsBoolean, IsOptional } from 'class-validator';
import { Command, type AppCommand, type CommandIO } from 'rondo';

/** The options of \`rondo ${n.kebab}\`: each property is one (--dry-run for dryRun), checked by its rules. */
export class ${n.pascal}Options {
  @IsOptional() @IsBoolean() dryRun?: boolean;
}

/** \`rondo ${n.kebab} [--dry-run]\`: built by the app's container, so its constructor may inject services. */
@Command('${n.kebab}', {
  description: 'Runs ${n.words} (say here what it does: rondo help shows this line)',
  options: ${n.pascal}Options,
  help: { dryRun: 'say what would be done, and do nothing' },
})
export class ${n.pascal}Command implements AppCommand<${n.pascal}Options> {
  run(options: ${n.pascal}Options, io: CommandIO): number {
    io.out(options.dryRun ? '${n.kebab}: nothing done (--dry-run)' : '${n.kebab}: done');
    return 0; // the exit code
  }
}
`,
    [`test/commands/${n.kebab}.command.spec.ts`]: `import { expect } from 'chai';
import { CommandUsageError, type App } from 'rondo';
import { testApp } from '../helpers';

describe('rondo ${n.kebab}', () => {
  let app: App;
  before(async () => { app = await testApp(); });
  after(() => app.close());

  it('runs, and does nothing with --dry-run', async () => {
    const lines: string[] = [];
    const io = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(text) };
    expect(await app.runCommand('${n.kebab}', [], io)).to.equal(0);
    expect(await app.runCommand('${n.kebab}', ['--dry-run'], io)).to.equal(0);
    expect(lines).to.deep.equal(['${n.kebab}: done', '${n.kebab}: nothing done (--dry-run)']);
  });

  it('refuses an option it does not take', async () => {
    const error = await app.runCommand('${n.kebab}', ['--everything'], { out() {}, err() {} }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CommandUsageError);
  });
});
`,
  };
}

function dto(n: Names): Files {
  return {
    [`src/dtos/${n.kebab}.dto.ts`]: `import { IsOptional, IsString, Length } from 'class-validator';

/**
 * What a client may send: \`@Body() input: ${n.pascal}Dto\` or \`validateForm(request, ${n.pascal}Dto)\` (400 with
 * field errors otherwise).
 */
export class ${n.pascal}Dto {
  @IsString() @Length(1, 200) name!: string;
  @IsOptional() @IsString() @Length(0, 2000) description?: string;
}
`,
    [`test/dtos/${n.kebab}.dto.spec.ts`]: `import { expect } from 'chai';
import { validate } from 'class-validator';
import { ${n.pascal}Dto } from '../../src/dtos/${n.kebab}.dto';

function errorsOf(values: Partial<${n.pascal}Dto>) {
  return validate(Object.assign(new ${n.pascal}Dto(), values)).then((errors) => errors.map((e) => e.property));
}

describe('${n.pascal}Dto', () => {
  it('accepts a name, with or without a description', async () => {
    expect(await errorsOf({ name: 'Ada' })).to.deep.equal([]);
    expect(await errorsOf({ name: 'Ada', description: 'First programmer' })).to.deep.equal([]);
  });

  it('refuses a missing, empty or too long name', async () => {
    for (const name of [undefined, '', 'x'.repeat(201)]) expect(await errorsOf({ name }), String(name)).to.deep.equal(['name']);
  });
});
`,
  };
}

function model(n: Names): Files {
  const stamp = Date.now();
  return {
    [`src/models/${n.kebab}.ts`]: `import { IsString, Length } from 'class-validator';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A table (\`${n.snake}\`, created by the migration beside it). Its validation rules make it
 * usable as a form or @Body() type, or through PickType/OmitType/PartialType.
 * After changing it: npm run build && npx rondo makemigrations Change${n.pascal} && npm run build && npx rondo migrate
 */
@Entity({ name: '${n.snake}' })
export class ${n.pascal} {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 200 }) @IsString() @Length(1, 200) title!: string;
  @Column({ type: 'text' }) @IsString() @Length(0, 20000) body!: string;
}
`,
    [`src/migrations/${stamp}-Create${n.pascal}.ts`]: `import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Creates the ${n.snake} table (written by rondo generate; works on SQLite and PostgreSQL). */
export class Create${n.pascal}${stamp} implements MigrationInterface {
  name = 'Create${n.pascal}${stamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: '${n.snake}',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'title', type: 'varchar', length: '200' },
        { name: 'body', type: 'text' },
      ],
    }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('${n.snake}');
  }
}
`,
    [`test/models/${n.kebab}.spec.ts`]: `import { expect } from 'chai';
import { validate } from 'class-validator';
import { type App } from 'rondo';
import { ENTITY_MANAGER } from 'rondo/db';
import { useTestDatabase } from 'rondo/testing';
import type { EntityManager } from 'typeorm';
import { ${n.pascal} } from '../../src/models/${n.kebab}';
import { testApp } from '../helpers';

describe('${n.pascal}', () => {
  let app: App;
  before(async () => { app = await testApp(); });
  after(() => app.close());
  useTestDatabase(() => app); // each test in a transaction, rolled back after it

  it('is saved and read back', async () => {
    const manager = app.container.get<EntityManager>(ENTITY_MANAGER);
    const saved = await manager.save(${n.pascal}, { title: 'Hello', body: 'World' });
    expect(await manager.findOneBy(${n.pascal}, { id: saved.id })).to.deep.include({ title: 'Hello', body: 'World' });
  });

  it('starts every test with an empty table', async () => {
    expect(await app.container.get<EntityManager>(ENTITY_MANAGER).count(${n.pascal})).to.equal(0);
  });

  it('refuses an empty or too long title', async () => {
    for (const title of ['', 'x'.repeat(201)]) {
      const errors = await validate(Object.assign(new ${n.pascal}(), { title, body: '' }));
      expect(errors.map((e) => e.property), title).to.deep.equal(['title']);
    }
  });
});
`,
  };
}

function resourceController(n: Names): string {
  const list = `${n.plural}:list`;
  return `import { Get, HttpRequest, InjectRepository, Param, Post, Req, Route, getObjectOr404, paginate, redirect, render, reverse, validateForm } from 'rondo';
import type { Repository } from 'typeorm';
import { ${n.pascal}Input } from '../dtos/${n.kebab}.dto';
import { ${n.pascal} } from '../models/${n.kebab}';

/** HTML pages for ${n.words}s: list, detail, create, edit and delete, through validated forms. */
@Route('/${n.plural}', { name: '${n.plural}' })
export class ${n.pascal}Controller {
  constructor(@InjectRepository(${n.pascal}) private readonly ${n.camel}s: Repository<${n.pascal}>) {}

  @Get('/', { name: 'list' })
  async list(@Req() request: HttpRequest) {
    const query = this.${n.camel}s.createQueryBuilder('${n.camel}').orderBy('${n.camel}.id', 'DESC');
    const page = await paginate(query, { page: request.GET.get('page') ?? 1, perPage: 20 }); // a bad page is a 404
    return render(request, '${n.plural}/list.ejs', { page });
  }

  @Get('/new', { name: 'new' })
  newForm(@Req() request: HttpRequest) {
    return render(request, '${n.plural}/form.ejs', { form: { values: {}, errors: {} }, ${n.camel}: undefined });
  }

  @Post('/new')
  async create(@Req() request: HttpRequest) {
    const form = await validateForm(request, ${n.pascal}Input);
    if (!form.isValid) return render(request, '${n.plural}/form.ejs', { form, ${n.camel}: undefined }, { status: 400 });
    const ${n.camel} = await this.${n.camel}s.save(this.${n.camel}s.create(form.data));
    request.messages.success(\`Created “\${${n.camel}.title}”\`);
    return redirect(reverse('${n.plural}:detail', { id: ${n.camel}.id }));
  }

  @Get('/<int:id>', { name: 'detail' })
  async detail(@Req() request: HttpRequest, @Param('id') id: number) {
    return render(request, '${n.plural}/detail.ejs', { ${n.camel}: await getObjectOr404(this.${n.camel}s, { id }) });
  }

  @Get('/<int:id>/edit', { name: 'edit' })
  async editForm(@Req() request: HttpRequest, @Param('id') id: number) {
    const ${n.camel} = await getObjectOr404(this.${n.camel}s, { id });
    return render(request, '${n.plural}/form.ejs', { form: { values: { title: ${n.camel}.title, body: ${n.camel}.body }, errors: {} }, ${n.camel} });
  }

  @Post('/<int:id>/edit')
  async update(@Req() request: HttpRequest, @Param('id') id: number) {
    const ${n.camel} = await getObjectOr404(this.${n.camel}s, { id });
    const form = await validateForm(request, ${n.pascal}Input);
    if (!form.isValid) return render(request, '${n.plural}/form.ejs', { form, ${n.camel} }, { status: 400 });
    await this.${n.camel}s.save(this.${n.camel}s.merge(${n.camel}, form.data));
    request.messages.success('Saved');
    return redirect(reverse('${n.plural}:detail', { id }));
  }

  @Get('/<int:id>/delete', { name: 'delete' })
  async confirmDelete(@Req() request: HttpRequest, @Param('id') id: number) {
    return render(request, '${n.plural}/confirm-delete.ejs', { ${n.camel}: await getObjectOr404(this.${n.camel}s, { id }) });
  }

  @Post('/<int:id>/delete')
  async remove(@Req() request: HttpRequest, @Param('id') id: number) {
    await this.${n.camel}s.remove(await getObjectOr404(this.${n.camel}s, { id }));
    request.messages.success('Deleted');
    return redirect(reverse('${list}'));
  }
}
`;
}

function resourceTemplates(n: Names): Files {
  const dir = `templates/${n.plural}`;
  const errors = (field: string) =>
    `<% (form.errors.${field} || []).forEach(function (e) { %><span class="error"><%= e %></span><% }) %>`;
  return {
    [`${dir}/list.ejs`]: `<% layout('layouts/base.ejs') %>
<% block('title', '${n.pascal}s') %>
<div class="actions"><h1>${n.pascal}s</h1><a class="button" href="<%= url('${n.plural}:new') %>">New ${n.words}</a></div>
<% if (page.items.length === 0) { %><p class="muted">No ${n.words}s yet.</p><% } else { %>
<table>
  <thead><tr><th>Title</th><th>Text</th></tr></thead>
  <tbody>
<% page.items.forEach(function (item) { %>    <tr><td><a href="<%= url('${n.plural}:detail', { id: item.id }) %>"><%= item.title %></a></td><td class="muted"><%= item.body.length > 80 ? item.body.slice(0, 80) + '…' : item.body %></td></tr>
<% }) %>  </tbody>
</table>
<% } %>
<nav class="pagination">
<% if (page.hasPrevious) { %><a href="?page=<%= page.previousPage %>">← Previous</a><% } %>
<% if (page.hasNext) { %><a href="?page=<%= page.nextPage %>">Next →</a><% } %>
</nav>
`,
    [`${dir}/detail.ejs`]: `<% layout('layouts/base.ejs') %>
<% block('title', ${n.camel}.title) %>
<h1><%= ${n.camel}.title %></h1>
<div class="body"><%= ${n.camel}.body %></div>
<div class="actions">
  <a class="button" href="<%= url('${n.plural}:edit', { id: ${n.camel}.id }) %>">Edit</a>
  <a class="button danger" href="<%= url('${n.plural}:delete', { id: ${n.camel}.id }) %>">Delete</a>
  <a href="<%= url('${n.plural}:list') %>">All ${n.words}s</a>
</div>
`,
    [`${dir}/form.ejs`]: `<% layout('layouts/base.ejs') %>
<% block('title', ${n.camel} ? 'Edit ' + ${n.camel}.title : 'New ${n.words}') %>
<h1><%= ${n.camel} ? 'Edit ' + ${n.camel}.title : 'New ${n.words}' %></h1>
<form method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="<%= csrfToken() %>">
  <label>Title <input name="title" value="<%= form.values.title || '' %>" required maxlength="200"></label>
  ${errors('title')}
  <label>Body <textarea name="body"><%= form.values.body || '' %></textarea></label>
  ${errors('body')}
  <div class="actions"><button>Save</button><a href="<%= url('${n.plural}:list') %>">Cancel</a></div>
</form>
`,
    [`${dir}/confirm-delete.ejs`]: `<% layout('layouts/base.ejs') %>
<% block('title', 'Delete ' + ${n.camel}.title) %>
<h1>Delete “<%= ${n.camel}.title %>”?</h1>
<form method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="<%= csrfToken() %>">
  <div class="actions"><button class="danger">Yes, delete it</button> <a href="<%= url('${n.plural}:detail', { id: ${n.camel}.id }) %>">No, keep it</a></div>
</form>
`,
  };
}

function resourceTest(n: Names): string {
  return `import { expect } from 'chai';
import type { App } from 'rondo';
import { TestClient, useTestDatabase } from 'rondo/testing';
import { testApp } from '../helpers';

describe('${n.pascal}Controller (pages)', () => {
  let app: App;
  let client: TestClient;
  before(async () => { app = await testApp(); });
  after(() => app.close());
  useTestDatabase(() => app);
  beforeEach(() => { client = new TestClient(app); });

  async function create(title: string, body = 'Some text'): Promise<string> {
    const response = await client.post('/${n.plural}/new', { data: { title, body } });
    expect(response.status).to.equal(302);
    return response.headers.get('location')!;
  }

  it('lists no ${n.words}s at first', async () => {
    const response = await client.get('/${n.plural}/');
    expect(response.status).to.equal(200);
    expect(response.templateName).to.equal('${n.plural}/list.ejs');
    expect(response.text).to.include('No ${n.words}s yet.');
  });

  it('creates one from a valid form, redirects to it and lists it', async () => {
    const location = await create('First', 'Hello <world>');
    expect(location).to.match(/^\\/${n.plural}\\/\\d+$/);
    const detail = await client.get(location);
    expect(detail.text).to.include('First').and.include('Hello &lt;world&gt;').and.include('Created “First”');
    expect((await client.get('/${n.plural}/')).text).to.include(\`href="\${location}"\`);
  });

  it('re-renders the form with the errors and the input for an invalid one, saving nothing', async () => {
    const response = await client.post('/${n.plural}/new', { data: { title: '', body: 'Kept' } });
    expect(response.status).to.equal(400);
    expect(response.text).to.include('class="error"').and.include('Kept');
    expect((await client.get('/${n.plural}/')).text).to.include('No ${n.words}s yet.');
  });

  it('edits one', async () => {
    const location = await create('Draft');
    expect((await client.get(\`\${location}/edit\`)).text).to.include('value="Draft"');
    const saved = await client.post(\`\${location}/edit\`, { data: { title: 'Final', body: 'Done' } });
    expect(saved.status).to.equal(302);
    expect((await client.get(location)).text).to.include('Final').and.not.include('Draft');
  });

  it('deletes one after asking', async () => {
    const location = await create('Doomed');
    expect((await client.get(\`\${location}/delete\`)).text).to.include('Delete “Doomed”?');
    expect((await client.post(\`\${location}/delete\`)).headers.get('location')).to.equal('/${n.plural}/');
    expect((await client.get(location)).status).to.equal(404);
  });

  it('answers 404 for ${n.one} that does not exist, and for a page past the last', async () => {
    expect((await client.get('/${n.plural}/999')).status).to.equal(404);
    expect((await client.get('/${n.plural}/', { query: { page: '9' } })).status).to.equal(404);
  });
});
`;
}

function resource(n: Names): Files {
  return {
    ...model(n),
    [`src/dtos/${n.kebab}.dto.ts`]: `import { PickType } from 'rondo';
import { ${n.pascal} } from '../models/${n.kebab}';

/** The fields a form may set on ${n.one} (with the entity's rules); the key is never taken from a client. */
export class ${n.pascal}Input extends PickType(${n.pascal}, ['title', 'body']) {}
`,
    [`src/controllers/${n.kebab}.controller.ts`]: resourceController(n),
    ...resourceTemplates(n),
    [`test/controllers/${n.kebab}.controller.spec.ts`]: resourceTest(n),
  };
}

const MODEL_PACKAGES = ['typeorm', 'better-sqlite3', 'class-validator'];

/**
 * Where `generate resource` adds its link in the layout's menu: an EJS comment (never
 * output), so that a layout without it is left alone.
 */
export const NAV_MARKER = '<%# rondo generate resource adds its menu link above this line %>';

/** The layout the resource's templates extend, for a project that has none (made with --minimal). */
const BASE_LAYOUT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title><%= block('title') || 'Rondo' %></title></head>
<body>
  <nav>
    ${NAV_MARKER}
  </nav>
  <% messages.forEach(function (m) { %><p class="message <%= m.tag %>"><%= m.text %></p><% }) %>
  <main><%= block('content') %></main>
</body>
</html>
`;

export const GENERATORS: Record<string, Generator> = {
  controller: { summary: 'a controller (src/controllers) answering JSON, and its test', files: controller },
  service: { summary: 'an @Injectable service (src/services), and its test', files: service },
  middleware: {
    summary: 'a @Middleware class (src/middleware) with the next free order, and its test',
    files: middleware,
  },
  dto: { summary: 'a validated DTO (src/dtos), and its test', files: dto, needs: ['class-validator'] },
  command: {
    summary: 'an app command (src/commands) run as rondo <name>, and its test',
    files: command,
    needs: ['class-validator'],
    next: (n) => `Then: npm run build && npx rondo ${n.kebab} --help`,
  },
  model: {
    summary: 'an entity (src/models) with its migration (src/migrations), and its test',
    files: model,
    next: () => 'Then: npm run build && npx rondo migrate',
    needs: MODEL_PACKAGES,
  },
  resource: {
    summary: 'model + migration + DTO + controller with list/detail/create/edit/delete pages + templates + tests',
    files: resource,
    needs: MODEL_PACKAGES,
    next: (n) =>
      `Then: npm run build && npx rondo migrate, and open http://127.0.0.1:8000/${n.plural}/ (npm test runs its tests)`,
  },
};

/** What generate wrote or changed, and the packages the project still has to install. */
export interface Generated {
  written: string[];
  updated: string[];
  install: string[];
  next: string | undefined;
}

/** Writes the files of `kind` for `name` into the project at `project`. */
export function generate(kind: string, name: string, project: string): Generated {
  if (!existsSync(join(project, 'package.json'))) {
    throw new ImproperlyConfigured(
      'CLI_NOT_A_PROJECT',
      `${project} has no package.json; run rondo generate in a project made by rondo new`,
    );
  }
  const names = namesOf(name);
  if (TAKEN.has(names.pascal) && kind !== 'service' && kind !== 'middleware') {
    throw new ImproperlyConfigured(
      'CLI_GENERATE_NAME',
      `'${names.pascal}' would shadow a decorator or class the generated files import; choose another name (e.g. Article, BlogPost)`,
    );
  }
  const files: Files = { ...GENERATORS[kind].files(names, project) };
  if (!existsSync(join(project, 'test/helpers.ts'))) files['test/helpers.ts'] = TEST_HELPERS;
  if (kind === 'resource' && !existsSync(join(project, LAYOUT))) files[LAYOUT] = BASE_LAYOUT;
  const existing = Object.keys(files).filter((file) => existsSync(join(project, file)));
  if (existing.length > 0) {
    throw new ImproperlyConfigured(
      'CLI_GENERATE_EXISTS',
      `rondo generate never overwrites; these exist already: ${existing.join(', ')}. Choose another name or remove them`,
    );
  }
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(project, file)), { recursive: true });
    writeFileSync(join(project, file), content);
  }
  const updated = kind === 'resource' && addNavLink(project, names) ? [LAYOUT] : [];
  if ((kind === 'resource' || kind === 'model') && registerWithAdmin(project, names)) updated.push(ADMIN_FILE);
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const install = (GENERATORS[kind].needs ?? []).filter((name) => pkg.dependencies?.[name] === undefined);
  return { written: Object.keys(files), updated, install, next: GENERATORS[kind].next?.(names) };
}

const LAYOUT = 'templates/layouts/base.ejs';
const ADMIN_FILE = 'src/admin.ts';
/** Where `rondo generate` registers a new model with the admin (src/admin.ts of a full project). */
export const ADMIN_IMPORTS_MARKER = '// rondo generate adds model imports above this line';
export const ADMIN_MODELS_MARKER = '// rondo generate adds models above this line';

/** Lists the new model in src/admin.ts, above its markers; false when the project has none (--minimal). */
function registerWithAdmin(project: string, n: Names): boolean {
  const file = join(project, ADMIN_FILE);
  if (!existsSync(file)) return false;
  const text = readFileSync(file, 'utf8');
  const imports = text.indexOf(ADMIN_IMPORTS_MARKER);
  const models = text.indexOf(ADMIN_MODELS_MARKER);
  if (imports === -1 || models === -1) return false;
  const indent = /[ \t]*$/.exec(text.slice(0, models))![0];
  const withModel = text.slice(0, models) + `${n.pascal},\n${indent}` + text.slice(models);
  writeFileSync(
    file,
    withModel.slice(0, imports) + `import { ${n.pascal} } from './models/${n.kebab}';\n` + withModel.slice(imports),
  );
  return true;
}

/** Adds the resource's list page to the layout's menu, above NAV_MARKER; false when the layout has none. */
function addNavLink(project: string, n: Names): boolean {
  const file = join(project, LAYOUT);
  const layout = readFileSync(file, 'utf8');
  const at = layout.indexOf(NAV_MARKER);
  if (at === -1) return false;
  const indent = /[ \t]*$/.exec(layout.slice(0, at))![0];
  const link = `<a href="<%= url('${n.plural}:list') %>">${n.pascal}s</a>\n${indent}`;
  writeFileSync(file, layout.slice(0, at) + link + layout.slice(at));
  return true;
}
