import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest, Middleware, Post, Route, type App, type Next, type ServerHandle } from 'rondo';
import { makeApp } from '../fixtures/apps';
import { headersOf, openFilesUnder, openSocket, readReply, sleep, statusOf, waitFor } from '../fixtures/sockets';

const BOUNDARY = 'XYZ';
const FILE_HEAD = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="big"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;

function uploadHead(contentLength: number): string {
  return `POST /up/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${contentLength}\r\n\r\n`;
}

// Uploads from clients that give up, lie or send too much: the request still finishes
// (every promise settles), no temporary file or descriptor is left behind, and limits are
// enforced while the body arrives, not after.
describe('multipart uploads from hostile or broken clients (socket)', () => {
  let temp: string;
  let app: App;
  let server: ServerHandle;
  const finished: number[] = [];

  @Route('/up')
  class UploadController {
    @Post('/') async upload(request: HttpRequest) {
      await request.load();
      return { files: request.FILES.all().map((f) => f.size) };
    }
  }

  /** Records the status of every response the app produced (so: every request finished). */
  @Middleware(10)
  class Recorder {
    handle(request: HttpRequest, next: Next) {
      return Promise.resolve(next(request)).then((response) => {
        finished.push(response.status);
        return response;
      });
    }
  }

  beforeEach(async () => {
    finished.length = 0;
    temp = mkdtempSync(join(tmpdir(), 'rondo-upload-socket-'));
    app = await makeApp({
      controllers: [UploadController],
      middleware: [Recorder],
      settings: { fileUploadTempDir: temp, fileUploadMaxMemorySize: 1024, fileUploadMaxSize: 64 * 1024 },
    });
    server = await app.listen({ port: 0, handleSignals: false });
  });
  afterEach(async () => {
    await app.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it('finishes the request and leaves no temporary file or descriptor when the client aborts mid-file', async () => {
    const socket = openSocket(server.port);
    socket.write(uploadHead(1_000_000) + FILE_HEAD + 'x'.repeat(20_000));
    expect(await waitFor(() => readdirSync(temp).length === 1)).to.equal(true); // spilled to disk
    await sleep(50);
    socket.destroy();
    expect(await waitFor(() => finished.length === 1)).to.equal(true);
    expect(finished).to.deep.equal([400]);
    expect(await waitFor(() => readdirSync(temp).length === 0 && openFilesUnder(temp) === 0)).to.equal(true);
    expect(openFilesUnder(temp)).to.equal(0);
    expect(readdirSync(temp)).to.deep.equal([]);
  });

  it('answers 413 as soon as a file passes fileUploadMaxSize, without waiting for the rest, and closes', async () => {
    const socket = openSocket(server.port);
    const reply = readReply(socket);
    socket.write(uploadHead(50_000_000) + FILE_HEAD + 'x'.repeat(100_000)); // the other 49.9 MB never come
    const { text, closed } = await reply;
    expect(statusOf(text)).to.equal(413);
    expect(text).to.include('fileUploadMaxSize');
    expect(headersOf(text).connection).to.equal('close');
    expect(closed).to.equal(true);
    expect(await waitFor(() => readdirSync(temp).length === 0 && openFilesUnder(temp) === 0)).to.equal(true);
  });

  it('still accepts a complete upload and removes its temporary file after the response', async () => {
    const body = FILE_HEAD + 'y'.repeat(10_000) + `\r\n--${BOUNDARY}--\r\n`;
    const response = await fetch(`${server.url}/up/`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body,
    });
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ files: [10_000] });
    expect(await waitFor(() => readdirSync(temp).length === 0 && openFilesUnder(temp) === 0)).to.equal(true);
  });
});
