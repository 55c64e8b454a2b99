/**
 * The limits table: every input limit is a setting, and each gets Django's three tests
 * (just under, exactly at, just over). Over a limit is always a clear 4xx, never a 5xx or
 * a hang. Small limits are set so the tests stay fast; the defaults are in the README.
 */
import { expect } from 'chai';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import {
  Accepts,
  CsrfExempt,
  Get,
  Param,
  Post,
  Req,
  Route,
  type App,
  type HttpRequest,
  type ServerHandle,
} from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';
import { rawRequest } from '../fixtures/sockets';

@Route('/lim')
class Limited {
  @Post('/raw') @CsrfExempt() @Accepts('application/octet-stream') async raw(@Req() request: HttpRequest) {
    return { bytes: (await request.body()).length };
  }
  @Post('/json') @CsrfExempt() async json(@Req() request: HttpRequest) {
    await request.json();
    return { ok: true };
  }
  @Post('/form') @CsrfExempt() @Accepts('application/x-www-form-urlencoded', 'multipart/form-data') async form(
    @Req() request: HttpRequest,
  ) {
    await request.load();
    return { fields: request.POST.size, files: request.FILES.size };
  }
  @Get('/query') query(@Req() request: HttpRequest) {
    return { fields: request.GET.size };
  }
  @Get('/p/<str:v>') param(@Param('v') v: string) {
    return { length: v.length };
  }
}

const LIMITS = {
  dataUploadMaxMemorySize: 1000,
  dataUploadMaxNumberFields: 10,
  dataUploadMaxNumberFiles: 3,
  fileUploadMaxSize: 500,
  fileUploadMaxTotalSize: 100_000,
  fileUploadMaxNameLength: 40,
  jsonMaxDepth: 8,
  maxUrlLength: 200,
  maxHeaderCount: 20,
  maxHeaderSize: 4096,
};

function multipart(parts: Array<{ name: string; filename?: string; content: string }>): {
  body: string;
  contentType: string;
} {
  const b = 'limitsboundary';
  const body =
    parts
      .map(
        (p) =>
          `--${b}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}\r\n\r\n${p.content}\r\n`,
      )
      .join('') + `--${b}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${b}` };
}

describe('the limits table: just under, at, and just over each limit', () => {
  let app: App;
  let client: TestClient;
  before(async () => {
    app = await makeApp({ controllers: [Limited], settings: LIMITS });
    client = new TestClient(app);
  });
  after(() => app.close());

  /** [under, at, over] → the statuses they get. */
  async function three(send: (size: number) => Promise<number>, limit: number, over = 413): Promise<void> {
    expect(await send(limit - 1), 'just under').to.equal(200);
    expect(await send(limit), 'exactly at').to.equal(200);
    expect(await send(limit + 1), 'just over').to.equal(over);
  }

  it('body bytes (dataUploadMaxMemorySize): 413 over', async () => {
    await three(
      async (n) =>
        (await client.post('/lim/raw', { body: Buffer.alloc(n, 'x'), contentType: 'application/octet-stream' })).status,
      LIMITS.dataUploadMaxMemorySize,
    );
  });

  it('body bytes are counted after Content-Encoding is decoded (gzip, deflate, br)', async () => {
    for (const [name, compress] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const) {
      await three(
        async (n) =>
          (
            await client.post('/lim/raw', {
              body: compress(Buffer.alloc(n, 'x')),
              contentType: 'application/octet-stream',
              headers: { 'content-encoding': name },
            })
          ).status,
        LIMITS.dataUploadMaxMemorySize,
      );
    }
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)); // 50 MB of zeros in ~50 KB
    expect(
      (
        await client.post('/lim/raw', {
          body: bomb,
          contentType: 'application/octet-stream',
          headers: { 'content-encoding': 'gzip' },
        })
      ).status,
    ).to.equal(413);
  });

  it('refuses an unsupported Content-Encoding with 415, and a body that does not decode with 400', async () => {
    const answer = await client.post('/lim/raw', {
      body: 'abc',
      contentType: 'application/octet-stream',
      headers: { 'content-encoding': 'compress', accept: 'application/json' },
    });
    expect(answer.status).to.equal(415);
    expect(answer.json<{ detail: string }>().detail).to.include("Content-Encoding 'compress' is not supported");
    expect(
      (
        await client.post('/lim/raw', {
          body: 'not gzip',
          contentType: 'application/octet-stream',
          headers: { 'content-encoding': 'gzip' },
        })
      ).status,
    ).to.equal(400);
    const { body, contentType } = multipart([{ name: 'a', content: '1' }]);
    expect(
      (await client.post('/lim/form', { body: gzipSync(body), contentType, headers: { 'content-encoding': 'gzip' } }))
        .status,
    ).to.equal(415);
  });

  it('query fields (dataUploadMaxNumberFields): 400 over', async () => {
    await three(
      async (n) => (await client.get(`/lim/query?${Array.from({ length: n }, (_, i) => `f${i}=1`).join('&')}`)).status,
      LIMITS.dataUploadMaxNumberFields,
      400,
    );
  });

  it('form fields (dataUploadMaxNumberFields), urlencoded and multipart: 400 over', async () => {
    await three(
      async (n) =>
        (
          await client.post('/lim/form', {
            body: Array.from({ length: n }, (_, i) => `f${i}=1`).join('&'),
            contentType: 'application/x-www-form-urlencoded',
          })
        ).status,
      LIMITS.dataUploadMaxNumberFields,
      400,
    );
    await three(
      async (n) =>
        (
          await client.post(
            '/lim/form',
            multipart(Array.from({ length: n }, (_, i) => ({ name: `f${i}`, content: '1' }))),
          )
        ).status,
      LIMITS.dataUploadMaxNumberFields,
      400,
    );
  });

  it('files per request (dataUploadMaxNumberFiles): 400 over', async () => {
    await three(
      async (n) =>
        (
          await client.post(
            '/lim/form',
            multipart(Array.from({ length: n }, (_, i) => ({ name: `f${i}`, filename: `a${i}.txt`, content: 'x' }))),
          )
        ).status,
      LIMITS.dataUploadMaxNumberFiles,
      400,
    );
  });

  it('file size (fileUploadMaxSize): 413 over', async () => {
    await three(
      async (n) =>
        (await client.post('/lim/form', multipart([{ name: 'doc', filename: 'a.txt', content: 'x'.repeat(n) }])))
          .status,
      LIMITS.fileUploadMaxSize,
    );
  });

  it('file name length (fileUploadMaxNameLength): 400 over', async () => {
    await three(
      async (n) =>
        (
          await client.post(
            '/lim/form',
            multipart([{ name: 'doc', filename: `${'n'.repeat(n - 4)}.txt`, content: 'x' }]),
          )
        ).status,
      LIMITS.fileUploadMaxNameLength,
      400,
    );
  });

  it('JSON nesting (jsonMaxDepth): 400 over', async () => {
    await three(
      async (n) =>
        (await client.post('/lim/json', { body: '['.repeat(n) + ']'.repeat(n), contentType: 'application/json' }))
          .status,
      LIMITS.jsonMaxDepth,
      400,
    );
  });

  it('URL length (maxUrlLength), which also bounds every route parameter: 414 over', async () => {
    const prefix = '/lim/p/';
    await three(
      async (n) => (await client.get(prefix + 'v'.repeat(n - prefix.length))).status,
      LIMITS.maxUrlLength,
      414,
    );
  });

  it('header lines (maxHeaderCount): 431 over', async () => {
    // TestClient adds Host; the rest are X-N headers.
    await three(
      async (n) =>
        (
          await client.get('/lim/query', {
            headers: Object.fromEntries(Array.from({ length: n - 1 }, (_, i) => [`x-h${i}`, '1'])),
          })
        ).status,
      LIMITS.maxHeaderCount,
      431,
    );
  });

  describe('over a real socket', () => {
    let server: ServerHandle;
    before(async () => {
      server = await app.listen({ port: 0, handleSignals: false });
    });

    const rawStatus = async (request: string) => (await rawRequest(server.port, request, 500)).status;

    it('header bytes (maxHeaderSize): 431 over, from node:http', async () => {
      const line = (n: number) => `GET /lim/query HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'p'.repeat(n)}\r\n\r\n`;
      expect(await rawStatus(line(LIMITS.maxHeaderSize - 200))).to.equal(200);
      expect(await rawStatus(line(LIMITS.maxHeaderSize + 10))).to.equal(431);
    });

    it('header lines counted as sent (repeated names too): 431 over', async () => {
      const lines = (n: number) => `GET /lim/query HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Same: 1\r\n'.repeat(n - 1)}\r\n`;
      expect(await rawStatus(lines(LIMITS.maxHeaderCount))).to.equal(200);
      expect(await rawStatus(lines(LIMITS.maxHeaderCount + 1))).to.equal(431);
    });

    it('URL length as received: 414 over', async () => {
      const target = (n: number) => `GET /lim/p/${'v'.repeat(n - 7)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
      expect(await rawStatus(target(LIMITS.maxUrlLength))).to.equal(200);
      expect(await rawStatus(target(LIMITS.maxUrlLength + 1))).to.equal(414);
    });
  });
});
