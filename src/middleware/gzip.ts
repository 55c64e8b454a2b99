/**
 * GZipMiddleware (order 50, off by default): compresses responses for clients that accept
 * gzip, when the body is over 200 bytes and not already encoded; streams compress as
 * streams. Sets `Vary: Accept-Encoding`, makes a strong ETag weak (the bytes changed) and
 * fixes Content-Length. Off by default because compressing secrets next to
 * attacker-controlled text over TLS enables BREACH: enable it knowingly.
 */
import { gzipSync, createGzip, constants } from 'node:zlib';
import type { HttpRequest } from '../http/request';
import type { HttpResponse, StreamBody } from '../http/response';
import { Middleware } from './middleware-decorator';

const MIN_LENGTH = 200;

function acceptsGzip(request: HttpRequest): boolean {
  const header = request.headers.get('accept-encoding');
  return header !== undefined && /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[0-9.]+)?\s*(,|$)/i.test(header);
}

async function* gzipStream(source: StreamBody): AsyncGenerator<Buffer> {
  const gzip = createGzip({ flush: constants.Z_SYNC_FLUSH });
  const output: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => output.push(chunk));
  const flushOut = function* () {
    while (output.length) yield output.shift()!;
  };
  try {
    for await (const chunk of source as AsyncIterable<string | Buffer | Uint8Array>) {
      await new Promise<void>((resolve, reject) => gzip.write(chunk, (error) => (error ? reject(error) : resolve())));
      await new Promise<void>((resolve) => gzip.flush(constants.Z_SYNC_FLUSH, () => resolve()));
      yield* flushOut();
    }
    await new Promise<void>((resolve) => {
      gzip.once('end', resolve);
      gzip.end();
    });
    yield* flushOut();
  } finally {
    // Also when the client leaves mid-stream (the writer calls return()): free zlib's memory now.
    gzip.close();
  }
}

@Middleware(50)
export class GZipMiddleware {
  processResponse(request: HttpRequest, response: HttpResponse): HttpResponse {
    response.headers.appendToken('Vary', 'Accept-Encoding');
    if (
      !acceptsGzip(request) ||
      response.headers.has('content-encoding') ||
      response.status === 204 ||
      response.status === 304
    )
      return response;
    if (response.stream !== undefined) {
      response.stream = gzipStream(response.stream);
      response.headers.delete('content-length');
    } else {
      const body = typeof response.content === 'string' ? Buffer.from(response.content) : response.content;
      if (body.length < MIN_LENGTH) return response;
      const compressed = gzipSync(body);
      if (compressed.length >= body.length) return response;
      response.content = compressed;
      response.headers.set('Content-Length', compressed.length);
    }
    const etag = response.headers.get('etag');
    if (etag !== undefined && !etag.startsWith('W/')) response.headers.set('ETag', `W/${etag}`);
    response.headers.set('Content-Encoding', 'gzip');
    return response;
  }
}
