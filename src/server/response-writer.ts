/**
 * Writes an HttpResponse to a node:http ServerResponse: one `writeHead` + `end` for
 * complete bodies; streamed bodies chunk by chunk, waiting for 'drain' (backpressure) and
 * stopping the producer when the client goes away.
 */
import type { ServerResponse } from 'node:http';
import type { HttpResponse, StreamBody } from '../http/response';
import type { Logger } from '../kernel/logger';

function headerList(response: HttpResponse): string[] {
  const list: string[] = [];
  response.headers.flattenInto(list);
  for (const value of response.cookies.values()) list.push('Set-Cookie', value);
  return list;
}

/** 1xx, 204 and 304 never carry a body (RFC 9110 §6.4.1). */
function bodyless(status: number): boolean {
  return status === 204 || status === 304 || status < 200;
}

export function writeResponse(res: ServerResponse, response: HttpResponse, isHead: boolean, logger: Logger): void {
  if (response.stream !== undefined) {
    void writeStream(res, response, isHead, logger);
    return;
  }
  const headers = headerList(response);
  const noBody = bodyless(response.status);
  const content = response.content;
  if (!noBody && !response.headers.has('content-length')) {
    headers.push('Content-Length', String(typeof content === 'string' ? Buffer.byteLength(content) : content.length));
  }
  res.writeHead(response.status, headers);
  if (isHead || noBody) res.end();
  else res.end(content);
}

async function writeStream(res: ServerResponse, response: HttpResponse, isHead: boolean, logger: Logger): Promise<void> {
  res.writeHead(response.status, headerList(response));
  const stream = response.stream as StreamBody;
  const iterator = Symbol.asyncIterator in stream ? stream[Symbol.asyncIterator]() : (stream as Iterable<string | Buffer>)[Symbol.iterator]();
  let closed = false;
  const onClose = () => {
    closed = true;
  };
  res.once('close', onClose);
  try {
    if (isHead || bodyless(response.status)) return;
    while (!closed) {
      const step = await iterator.next();
      if (step.done) break;
      if (closed) break;
      if (!res.write(step.value)) await drainOrClose(res);
    }
  } catch (error) {
    // Headers are gone already; all we can do is log and cut the connection.
    logger.error(`Streaming response failed for ${res.req?.method} ${res.req?.url?.slice(0, 500)}`, error);
    res.destroy();
    return;
  } finally {
    res.off('close', onClose);
    if (closed || isHead || bodyless(response.status)) await iterator.return?.();
  }
  if (!res.destroyed) res.end();
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
