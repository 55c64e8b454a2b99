import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { startFixture, type Child } from '../fixtures/processes';

const SERVER = join(__dirname, '../fixtures/upload-server.js');
const BOUNDARY = 'rondo-boundary';
const MB = 1024 * 1024;

/** A multipart body of `files` files of `size` bytes each, in field 'f'. */
function multipart(files: number, size: number): Buffer {
  const parts: Buffer[] = [];
  const data = Buffer.alloc(size, 0x61);
  for (let i = 0; i < files; i++) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="f${i}.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

/** Sends the body; resolves with the status, or 0 when the server closed the socket first. */
function send(port: number, method: string, path: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': body.length },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', () => resolve({ status: 0, text: '' }));
    req.end(body);
  });
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1]) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

describe('uploads under load (hostile input: memory)', function () {
  this.timeout(60_000);
  let child: Child;
  afterEach(() => child?.stop());

  it('keeps the server within a few tens of MB of its baseline for ten concurrent 24 MB uploads of 2.4 MB files', async () => {
    child = await startFixture(SERVER);
    const warm = await send(child.port, 'POST', '/upload', multipart(2, 1000));
    expect(warm.status).to.equal(200);
    const baseline = memoryOf(child.process.pid!).rss;
    const FILE = Math.floor(2.4 * MB);
    const body = multipart(10, FILE); // each file under fileUploadMaxMemorySize, the body far over it
    const replies = await Promise.all(Array.from({ length: 10 }, () => send(child.port, 'POST', '/upload', body)));
    for (const reply of replies) {
      expect(reply.status).to.equal(200);
      expect(JSON.parse(reply.text)).to.deep.equal({ files: 10, bytes: 10 * FILE });
    }
    const { peak } = memoryOf(child.process.pid!);
    expect(peak - baseline, `peak ${peak.toFixed(0)} MB vs baseline ${baseline.toFixed(0)} MB`).to.be.below(60);
  });

  it('never reads the body sent to a page that takes none (GET /): answers at once, memory flat', async () => {
    child = await startFixture(SERVER);
    await send(child.port, 'GET', '/', Buffer.alloc(0));
    const baseline = memoryOf(child.process.pid!).rss;
    const body = multipart(10, 2.4 * MB);
    const replies = await Promise.all(Array.from({ length: 10 }, () => send(child.port, 'GET', '/', body)));
    for (const reply of replies) expect([200, 0]).to.include(reply.status); // 200, or the socket closed before the client read it
    expect(replies.some((r) => r.status === 200 && r.text.includes('home'))).to.equal(true);
    expect(memoryOf(child.process.pid!).peak - baseline).to.be.below(30);
  });

  it('refuses files over fileUploadMaxTotalSize together with 413', async () => {
    child = await startFixture(SERVER, { RONDO_FILE_UPLOAD_MAX_TOTAL_SIZE: String(10 * MB) });
    const reply = await send(child.port, 'POST', '/upload', multipart(6, 2 * MB));
    expect([413, 0]).to.include(reply.status);
    if (reply.status === 413) expect(reply.text).to.include('fileUploadMaxTotalSize');
  });
});
