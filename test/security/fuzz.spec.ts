/**
 * Property-based fuzzing (fast-check): whatever a client sends in the path, query,
 * cookies, headers, a JSON, form or multipart body, no exception escapes and no 5xx comes
 * back from the full default stack; and `reverse` then `resolve` round-trips every value
 * of every converter, a custom one included. FUZZ_RUNS sets the runs per property
 * (default 400 here, a few thousand in all); `FUZZ_RUNS=20000 npm test` or, after a build,
 * `FUZZ_RUNS=20000 npx mocha dist/test/security/fuzz.spec.js` runs a longer campaign.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  Body,
  CsrfExempt,
  Get,
  Param,
  Post,
  Query,
  Req,
  Route,
  registerConverter,
  type App,
  type HttpRequest,
} from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

registerConverter('fuzzyear', { regex: '[0-9]{4}', toValue: Number, toUrl: (value) => String(value).padStart(4, '0') });

@Route('/fz', { name: 'fz' })
class Echo {
  @Get('/int/<int:v>', { name: 'int' }) int(@Param('v') v: number) {
    return { v };
  }
  @Get('/str/<str:v>', { name: 'str' }) str(@Param('v') v: string) {
    return { v };
  }
  @Get('/slug/<slug:v>', { name: 'slug' }) slug(@Param('v') v: string) {
    return { v };
  }
  @Get('/uuid/<uuid:v>', { name: 'uuid' }) uuid(@Param('v') v: string) {
    return { v };
  }
  @Get('/path/<path:v>', { name: 'path' }) path(@Param('v') v: string) {
    return { v };
  }
  @Get('/year/<fuzzyear:v>', { name: 'year' }) year(@Param('v') v: number) {
    return { v };
  }

  @Get('/read') read(@Req() request: HttpRequest, @Query('n') n?: string) {
    return {
      query: request.GET.size,
      cookies: Object.keys(request.COOKIES).length,
      n: n ?? null,
      ua: request.headers.get('user-agent')?.length ?? 0,
    };
  }
  @Post('/json') @CsrfExempt() json(@Body() body: unknown) {
    return { type: typeof body };
  }
  @Post('/form') @CsrfExempt() async form(@Req() request: HttpRequest) {
    await request.load();
    return { fields: request.POST.size, files: request.FILES.size };
  }
}

describe(`fuzzing client input (fast-check, ${RUNS} runs per property)`, function () {
  this.timeout(300_000);
  let app: App;
  let client: TestClient;
  before(async () => {
    app = await makeFullApp({ controllers: [Echo] });
    client = new TestClient(app);
  });
  after(() => app.close());

  const noServerError = (status: number, what: string) => {
    if (status >= 500) throw new Error(`${what} answered ${status}`);
  };

  describe('reverse(resolve(url)) round-trips every converter', () => {
    const cases: Array<[string, fc.Arbitrary<string | number>]> = [
      ['int', fc.maxSafeNat()],
      [
        'str',
        fc
          .string({ minLength: 1, maxLength: 60, unit: 'grapheme' })
          .filter((s) => !s.includes('/') && s !== '.' && s !== '..'),
      ],
      ['slug', fc.stringMatching(/^[-a-zA-Z0-9_]{1,60}$/)],
      ['uuid', fc.uuid()],
      // <path> is Django's `.+`: no line terminators (reverse refuses them, so no URL holds one).
      [
        'path',
        fc
          .array(
            fc
              .string({ minLength: 1, maxLength: 12, unit: 'grapheme' })
              .filter((s) => !/[/\n\r\u2028\u2029]/.test(s) && s !== '.' && s !== '..'),
            { minLength: 1, maxLength: 5 },
          )
          .map((parts) => parts.join('/')),
      ],
      ['year', fc.integer({ min: 0, max: 9999 })],
    ];
    for (const [name, values] of cases) {
      it(`<${name}>`, async () => {
        await fc.assert(
          fc.asyncProperty(values, async (value) => {
            const url = app.reverse(`fz:${name}`, { v: value });
            const answer = await client.get(url);
            expect(answer.status, url).to.equal(200);
            expect(answer.json<{ v: unknown }>().v, url).to.deep.equal(value);
          }),
          { numRuns: RUNS },
        );
      });
    }
  });

  it('never answers 5xx to any path', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.stringMatching(/^(%[0-9a-fA-F]{0,2}|[a-z./\\]){1,20}$/),
      fc.constantFrom('..', '.', '%00', '%2e%2e', '%2F', '%c0%af', '%ff', 'x'.repeat(5000)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 6 }),
        fc.constantFrom('/fz/', '/fz/str/', '/fz/path/', '/fz/int/', '/', '/static/'),
        async (parts, prefix) => {
          const path = (prefix + parts.join('/')).replace(/[\s#?]/g, '');
          noServerError((await client.get(path)).status, `GET ${path}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never answers 5xx to any query string, cookie header or header value', async () => {
    const text = fc.string({ maxLength: 80, unit: 'binary' }).map((s) => s.replace(/[\r\n\0]/g, ''));
    await fc.assert(
      fc.asyncProperty(text, text, text, async (query, cookie, agent) => {
        const answer = await client.get(
          `/fz/read?${encodeURI(query).replace(/#/g, '%23')}&${query.replace(/[\s#]/g, '')}`,
          { headers: { cookie, 'user-agent': agent } },
        );
        noServerError(answer.status, `query ${JSON.stringify(query)} cookie ${JSON.stringify(cookie)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('never answers 5xx to any JSON body, valid or not, deep or prototype-polluting', async () => {
    const polluting = fc.constantFrom(
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '['.repeat(200) + ']'.repeat(200),
      '{"a":' + '{"a":'.repeat(100) + '1' + '}'.repeat(101),
    );
    const body = fc.oneof(fc.json({ maxDepth: 6 }), fc.string({ maxLength: 200 }), polluting);
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const answer = await client.post('/fz/json', { body: raw, contentType: 'application/json' });
        noServerError(answer.status, `JSON ${raw.slice(0, 80)}`);
        expect(({} as Record<string, unknown>).x).to.equal(undefined);
      }),
      { numRuns: RUNS },
    );
  });

  it('never answers 5xx to any urlencoded or multipart body', async () => {
    const boundary = fc.stringMatching(/^[A-Za-z0-9'()+_,-./:=?]{1,70}$/);
    const part = fc.record({
      name: fc.string({ maxLength: 20 }),
      filename: fc.option(fc.string({ maxLength: 40 })),
      content: fc.string({ maxLength: 100 }),
      header: fc.string({ maxLength: 40 }),
    });
    const multipart = fc.tuple(boundary, fc.array(part, { maxLength: 4 }), fc.boolean()).map(([b, parts, closed]) => ({
      type: `multipart/form-data; boundary=${b}`,
      body:
        parts
          .map(
            (p) =>
              `--${b}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === null ? '' : `; filename="${p.filename}"`}\r\n${p.header}\r\n\r\n${p.content}\r\n`,
          )
          .join('') + (closed ? `--${b}--\r\n` : ''),
    }));
    const urlencoded = fc
      .string({ maxLength: 200 })
      .map((body) => ({ type: 'application/x-www-form-urlencoded', body }));
    const garbage = fc
      .tuple(
        fc.constantFrom(
          'multipart/form-data',
          'multipart/form-data; boundary=',
          'multipart/form-data; boundary="unclosed',
        ),
        fc.string({ maxLength: 100 }),
      )
      .map(([type, body]) => ({ type, body }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(multipart, urlencoded, garbage), async ({ type, body }) => {
        const answer = await client.post('/fz/form', { body, contentType: type });
        noServerError(answer.status, `${type}: ${JSON.stringify(body.slice(0, 80))}`);
      }),
      { numRuns: RUNS },
    );
  });
});
