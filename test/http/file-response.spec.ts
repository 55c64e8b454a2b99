import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileResponse,
  Get,
  HttpRequest,
  HttpResponse,
  Middleware,
  Route,
  type App,
  type Next,
  type ServerHandle,
} from 'rondo';
import { makeApp } from '../fixtures/apps';
import { openFilesUnder, openSocket, readReply, sleep, statusOf, waitFor } from '../fixtures/sockets';

// Files are opened when writing starts and closed on finish, error and client abort:
// checked by counting this process's descriptors on the test's own folder.
describe('FileResponse and static files: file descriptors', () => {
  let dir: string;
  let app: App;
  let server: ServerHandle;

  @Route('')
  class FilesController {
    @Get('/big') big() {
      return new FileResponse(join(dir, 'big.bin'));
    }
    @Get('/replaced') replaced() {
      return new FileResponse(join(dir, 'big.bin'));
    }
    @Get('/late') async late() {
      await sleep(150);
      return new FileResponse(join(dir, 'big.bin'));
    }
  }

  /** Replaces the view's response on the way out, as an error page or a cache would. */
  @Middleware(10)
  class Replacer {
    handle(request: HttpRequest, next: Next) {
      return Promise.resolve(next(request)).then((response) =>
        request.path === '/replaced' ? new HttpResponse('replaced', { status: 503 }) : response,
      );
    }
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rondo-files-'));
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 120));
    app = await makeApp({
      controllers: [FilesController],
      middleware: [Replacer],
      settings: { staticDirs: [dir], serveStatic: true },
    });
    server = await app.listen({ port: 0, handleSignals: false });
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function abortMidDownload(path: string): Promise<void> {
    const socket = openSocket(server.port);
    const started = new Promise((resolve) => socket.once('data', resolve));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    await started;
    socket.pause();
    await sleep(50);
    expect(openFilesUnder(dir)).to.equal(1);
    socket.destroy();
  }

  it('closes the file when the client aborts a FileResponse download', async () => {
    await abortMidDownload('/big');
    expect(await waitFor(() => openFilesUnder(dir) === 0)).to.equal(true);
  });

  it('closes the file when the client aborts a static file download', async () => {
    await abortMidDownload('/static/big.bin');
    expect(await waitFor(() => openFilesUnder(dir) === 0)).to.equal(true);
  });

  it('never opens the file of a FileResponse that a middleware replaced', async () => {
    const response = await fetch(`${server.url}/replaced`);
    expect(response.status).to.equal(503);
    expect(await response.text()).to.equal('replaced');
    await sleep(50);
    expect(openFilesUnder(dir)).to.equal(0);
  });

  it('never opens the file for HEAD', async () => {
    const socket = openSocket(server.port);
    const reply = readReply(socket, 300);
    socket.write('HEAD /big HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await sleep(30);
    expect(openFilesUnder(dir)).to.equal(0);
    expect(statusOf((await reply).text)).to.equal(200);
    socket.destroy();
  });

  it('does not open (or leak) the file when the client left before the view returned', async () => {
    const socket = openSocket(server.port);
    socket.write('GET /late HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await sleep(30);
    socket.destroy();
    await sleep(250);
    expect(openFilesUnder(dir)).to.equal(0);
  });

  it('closes the file after a complete download', async () => {
    const response = await fetch(`${server.url}/static/big.bin`);
    expect((await response.arrayBuffer()).byteLength).to.equal(8 * 1024 * 1024);
    expect(await waitFor(() => openFilesUnder(dir) === 0)).to.equal(true);
  });
});
