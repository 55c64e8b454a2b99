import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Body,
  HttpRequest,
  Post,
  RondoError,
  Route,
  UploadDestinationExists,
  type App,
  type ServerHandle,
  type UploadedFile,
} from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';

let lastTempPaths: string[] = [];

@Route('/u')
class UploadController {
  @Post('/')
  async upload(request: HttpRequest) {
    await request.load();
    const files = request.FILES.all();
    lastTempPaths = files.filter((f) => !f.inMemory).map(() => 'disk');
    return {
      title: request.POST.get('title') ?? null,
      tags: request.POST.getAll('tag'),
      files: await Promise.all(
        files.map(async (f: UploadedFile) => ({
          field: f.fieldName,
          name: f.fileName,
          type: f.contentType,
          size: f.size,
          inMemory: f.inMemory,
          head: (await f.read()).subarray(0, 5).toString(),
        })),
      ),
    };
  }

  @Post('/move')
  async move(request: HttpRequest) {
    await request.load();
    const target = join(request.POST.get('dir')!, 'saved.bin');
    await request.FILES.get('doc')!.moveTo(target);
    return { saved: readFileSync(target).length };
  }

  @Post('/move-over')
  async moveOver(request: HttpRequest) {
    await request.load();
    try {
      await request.FILES.get('doc')!.moveTo(join(request.POST.get('dir')!, 'existing.bin'));
      return { moved: true };
    } catch (error) {
      const e = error as UploadDestinationExists;
      return { moved: false, error: e.name, code: e.code, message: e.message, isRondoError: e instanceof RondoError };
    }
  }

  @Post('/move-twice')
  async moveTwice(request: HttpRequest) {
    await request.load();
    const file = request.FILES.get('doc')!;
    await file.moveTo(join(request.POST.get('dir')!, 'first.bin'));
    const failures = [];
    for (const attempt of [() => file.moveTo(join(request.POST.get('dir')!, 'second.bin')), () => file.read()]) {
      try {
        await attempt();
      } catch (error) {
        failures.push({
          name: (error as RondoError).name,
          code: (error as RondoError).code,
          message: (error as Error).message,
        });
      }
    }
    return failures;
  }

  @Post('/boom')
  async boom(request: HttpRequest) {
    await request.load();
    throw new Error('view failed after upload');
  }

  @Post('/dto')
  dto(@Body() body: Record<string, unknown>) {
    return body;
  }
}

describe('multipart uploads', () => {
  let temp: string;
  beforeEach(() => {
    temp = mkdtempSync(join(tmpdir(), 'rondo-uploads-'));
  });
  afterEach(() => rmSync(temp, { recursive: true, force: true }));

  async function client(settings = {}) {
    return new TestClient(
      await makeApp({
        controllers: [UploadController],
        settings: { fileUploadTempDir: temp, fileUploadMaxMemorySize: 1024, ...settings },
      }),
    );
  }

  it('parses fields into POST and files into FILES', async () => {
    const response = await (
      await client()
    ).post('/u/', {
      data: { title: 'Holiday', tag: ['a', 'b'] },
      files: {
        photo: { name: '../../etc/passwd', content: 'hello world', contentType: 'text/plain' },
        docs: [
          { name: 'a.txt', content: 'A' },
          { name: 'b.txt', content: 'B' },
        ],
      },
    });
    expect(response.status).to.equal(200);
    const body = response.json();
    expect(body.title).to.equal('Holiday');
    expect(body.tags).to.deep.equal(['a', 'b']);
    expect(body.files[0]).to.deep.equal({
      field: 'photo',
      name: 'passwd',
      type: 'text/plain',
      size: 11,
      inMemory: true,
      head: 'hello',
    });
    expect(body.files.map((f: { field: string }) => f.field)).to.deep.equal(['photo', 'docs', 'docs']);
  });

  it('streams large files to a temporary file and removes it after the response', async () => {
    const response = await (
      await client()
    ).post('/u/', { files: { big: { name: 'big.bin', content: Buffer.alloc(50_000, 7) } } });
    expect(response.json().files[0]).to.include({ size: 50_000, inMemory: false });
    expect(readdirSync(temp)).to.deep.equal([]);
  });

  it('removes temporary files even when the view throws', async () => {
    const response = await (
      await client()
    ).post('/u/boom', { files: { big: { name: 'big.bin', content: Buffer.alloc(50_000, 7) } } });
    expect(response.status).to.equal(500);
    expect(readdirSync(temp)).to.deep.equal([]);
  });

  it('moves an upload where the view says', async () => {
    const target = mkdtempSync(join(tmpdir(), 'rondo-target-'));
    try {
      const response = await (
        await client()
      ).post('/u/move', { data: { dir: target }, files: { doc: { name: 'd.bin', content: Buffer.alloc(5000, 1) } } });
      expect(response.json()).to.deep.equal({ saved: 5000 });
      expect(existsSync(join(target, 'saved.bin'))).to.equal(true);
      expect(readdirSync(temp)).to.deep.equal([]);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  it('refuses to move or read a temporary-file upload again after moveTo (UploadGone), naming it', async () => {
    const target = mkdtempSync(join(tmpdir(), 'rondo-target-'));
    try {
      const response = await (
        await client()
      ).post('/u/move-twice', {
        data: { dir: target },
        files: { doc: { name: 'd.bin', content: Buffer.alloc(5000, 1) } },
      });
      const failures = response.json<Array<{ name: string; code: string; message: string }>>();
      expect(failures.map((f) => [f.name, f.code])).to.deep.equal([
        ['UploadGone', 'UPLOAD_GONE'],
        ['UploadGone', 'UPLOAD_GONE'],
      ]);
      expect(failures[0].message).to.include("Cannot move the upload 'd.bin'").and.to.include('moveTo()');
      expect(failures[1].message).to.include("Cannot read the upload 'd.bin'");
      expect(readFileSync(join(target, 'first.bin')).length).to.equal(5000);
      expect(existsSync(join(target, 'second.bin'))).to.equal(false);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  for (const [kind, size] of [
    ['an in-memory', 100],
    ['a temporary-file', 5000],
  ] as const) {
    it(`never overwrites an existing file when moving ${kind} upload (UploadDestinationExists)`, async () => {
      const target = mkdtempSync(join(tmpdir(), 'rondo-target-'));
      try {
        writeFileSync(join(target, 'existing.bin'), 'keep me');
        const response = await (
          await client()
        ).post('/u/move-over', {
          data: { dir: target },
          files: { doc: { name: 'd.bin', content: Buffer.alloc(size, 1) } },
        });
        const body = response.json();
        expect(body).to.include({
          moved: false,
          error: 'UploadDestinationExists',
          code: 'UPLOAD_DESTINATION_EXISTS',
          isRondoError: true,
        });
        expect(body.message)
          .to.include(join(target, 'existing.bin'))
          .and.to.include('d.bin')
          .and.to.include('already exists');
        expect(readFileSync(join(target, 'existing.bin'), 'utf8')).to.equal('keep me');
        expect(readdirSync(temp)).to.deep.equal([]);
      } finally {
        rmSync(target, { recursive: true, force: true });
      }
    });
  }

  it('answers 413 for a file over fileUploadMaxSize and leaves no temporary file', async () => {
    const response = await (
      await client({ fileUploadMaxSize: 10_000 })
    ).post('/u/', {
      files: { big: { name: 'big.bin', content: Buffer.alloc(20_000) } },
      headers: { accept: 'application/json' },
    });
    expect(response.status).to.equal(413);
    expect(response.json().detail).to.include('fileUploadMaxSize');
    expect(readdirSync(temp)).to.deep.equal([]);
  });

  it('answers 400 for more fields than dataUploadMaxNumberFields (1001 by default)', async () => {
    const data: Record<string, string> = {};
    for (let i = 0; i < 1001; i++) data[`f${i}`] = 'x';
    const response = await (
      await client()
    ).post('/u/', { data, files: { a: { name: 'a', content: 'a' } }, headers: { accept: 'application/json' } });
    expect(response.status).to.equal(400);
    expect(response.json().detail).to.include('dataUploadMaxNumberFields (1000)');
  });

  it('answers 400 for more files than dataUploadMaxNumberFiles', async () => {
    const files = { f: Array.from({ length: 4 }, (_, i) => ({ name: `${i}.txt`, content: 'x' })) };
    const response = await (
      await client({ dataUploadMaxNumberFiles: 3 })
    ).post('/u/', { files, headers: { accept: 'application/json' } });
    expect(response.status).to.equal(400);
    expect(response.json().detail).to.include('dataUploadMaxNumberFiles (3)');
  });

  it('answers 413 when the fields together exceed dataUploadMaxMemorySize', async () => {
    const response = await (
      await client({ dataUploadMaxMemorySize: 100 })
    ).post('/u/', { data: { text: 'x'.repeat(500) }, files: { a: { name: 'a', content: 'a' } } });
    expect(response.status).to.equal(413);
  });

  it('answers 400 for a truncated or malformed body, or a missing boundary', async () => {
    const c = await client();
    const truncated =
      '--XYZ\r\nContent-Disposition: form-data; name="a"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhalf a fi';
    expect(
      (await c.post('/u/', { body: truncated, contentType: 'multipart/form-data; boundary=XYZ' })).status,
    ).to.equal(400);
    expect((await c.post('/u/', { body: 'garbage', contentType: 'multipart/form-data' })).status).to.equal(400);
    expect(
      (await c.post('/u/', { body: '--XYZ\r\nnonsense\r\n\r\n', contentType: 'multipart/form-data; boundary=XYZ' }))
        .status,
    ).to.equal(400);
    expect(readdirSync(temp)).to.deep.equal([]);
  });

  it('gives @Body() the multipart fields', async () => {
    const response = await (
      await client()
    ).post('/u/dto', { data: { a: '1' }, files: { f: { name: 'f', content: 'x' } } });
    expect(response.json()).to.deep.equal({ a: '1' });
  });

  describe('over a socket', () => {
    let app: App;
    let server: ServerHandle;
    beforeEach(async () => {
      app = await makeApp({
        controllers: [UploadController],
        settings: { fileUploadTempDir: temp, fileUploadMaxMemorySize: 1024 },
      });
      server = await app.listen({ port: 0 });
    });
    afterEach(() => app.close());

    it('answers 400 when the client stops sending mid-body, and keeps serving', async () => {
      const head = '--XYZ\r\nContent-Disposition: form-data; name="big"; filename="big.bin"\r\n\r\n';
      const status = await new Promise<number | string>((resolve) => {
        const req = httpRequest({
          port: server.port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/u/',
          headers: { 'content-type': 'multipart/form-data; boundary=XYZ', 'content-length': 100_000 },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', () => resolve('closed'));
        req.write(head + 'x'.repeat(5000));
        setTimeout(() => req.destroy(), 100);
      });
      expect([400, 'closed']).to.include(status);
      await new Promise((r) => setTimeout(r, 100));
      expect(readdirSync(temp)).to.deep.equal([]);
      const ok = await fetch(`${server.url}/u/dto`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      expect(ok.status).to.equal(200);
      void lastTempPaths;
    });
  });
});
