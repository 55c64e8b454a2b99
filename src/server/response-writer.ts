/**
 * Writes an HttpResponse to a node:http ServerResponse: one `writeHead` + `end` for
 * complete bodies; streamed bodies chunk by chunk, waiting for 'drain' (backpressure) and
 * stopping the producer (return(), or destroy() for a Readable) the moment the client goes
 * away, or when the body is not sent at all (HEAD, 204/304, client already gone).
 */
import type { ServerResponse } from 'node:http';
import type { HttpResponse, StreamBody } from '../http/response';
import type { Logger } from '../observability/logger';

/**
 * A request target as log lines show it: the path only (a query string may carry a token or an address), cut at 500
 * characters.
 */
export function loggedPath(url: string | undefined): string {
  const path = url ?? '';
  const question = path.indexOf('?');
  return (question === -1 ? path : path.slice(0, question)).slice(0, 500);
}

/**
 * The flat `name, value, ...` list `writeHead` takes, made at its final size (an empty
 * array grown by push reserves far more room than a response's few headers need), with
 * Content-Length last when it is given. The measurements are in bench/README.md.
 */
function headerList(response: HttpResponse, contentLength?: string): string[] {
  const list = new Array<string>(
    2 * (response.headers.size + response.cookieCount) + (contentLength === undefined ? 0 : 2),
  );
  const at = response.flattenCookiesInto(list, response.headers.flattenInto(list, 0));
  if (contentLength !== undefined) {
    list[at] = 'Content-Length';
    list[at + 1] = contentLength;
  }
  return list;
}

/** 1xx, 204 and 304 never carry a body (RFC 9110 §6.4.1). */
function bodyless(status: number): boolean {
  return status === 204 || status === 304 || status < 200;
}

export function writeResponse(res: ServerResponse, response: HttpResponse, isHead: boolean, logger: Logger): void {
  if (res.writableEnded) {
    // Answered already (the response deadline passed): stop a streamed body's producer.
    if (response.stream !== undefined) void discardStream(response.stream, logger);
    return;
  }
  if (response.stream !== undefined) {
    void writeStream(res, response, isHead, logger);
    return;
  }
  const noBody = bodyless(response.status);
  const content = response.content;
  const length =
    noBody || response.headers.has('content-length')
      ? undefined
      : String(typeof content === 'string' ? Buffer.byteLength(content) : content.length);
  res.writeHead(response.status, headerList(response, length));
  if (isHead || noBody) res.end();
  else res.end(content);
}

async function writeStream(
  res: ServerResponse,
  response: HttpResponse,
  isHead: boolean,
  logger: Logger,
): Promise<void> {
  const stream = response.stream as StreamBody;
  const iterator =
    Symbol.asyncIterator in stream
      ? stream[Symbol.asyncIterator]()
      : (stream as Iterable<string | Buffer>)[Symbol.iterator]();
  if (res.destroyed) {
    // The client left while the view was working: nobody will read this body.
    await stopProducer(stream, iterator, logger);
    return;
  }
  res.writeHead(response.status, headerList(response));
  if (isHead || bodyless(response.status)) {
    res.end();
    await stopProducer(stream, iterator, logger);
    return;
  }
  let closed = false;
  let stopping: Promise<void> | undefined;
  // Stop the producer the moment the client goes, even while it is waiting for data.
  const onClose = () => {
    closed = true;
    stopping ??= stopProducer(stream, iterator, logger);
  };
  res.once('close', onClose);
  let finished = false;
  try {
    while (!closed) {
      const step = await iterator.next();
      if (step.done) {
        finished = true;
        break;
      }
      if (closed) break;
      if (!res.write(step.value)) await drainOrClose(res);
    }
  } catch (error) {
    // A producer stopped because the client left may fail on its way out: not an error.
    if (!closed) {
      // Headers are gone already; all we can do is log and cut the connection.
      logger.error(`Streaming response failed for ${res.req?.method} ${loggedPath(res.req?.url)}`, error);
      res.destroy();
    }
    return;
  } finally {
    res.off('close', onClose);
    if (!finished) await (stopping ?? stopProducer(stream, iterator, logger));
  }
  if (!res.destroyed) res.end();
}

/**
 * Ends a producer early. A Readable is destroyed (its iterator's return() would wait for
 * the pending read, which may never come); any other iterator gets return().
 */
function discardStream(stream: StreamBody, logger: Logger): Promise<void> {
  const iterator =
    Symbol.asyncIterator in stream
      ? stream[Symbol.asyncIterator]()
      : (stream as Iterable<string | Buffer>)[Symbol.iterator]();
  return stopProducer(stream, iterator, logger);
}

function stopProducer(
  stream: StreamBody,
  iterator: Iterator<unknown> | AsyncIterator<unknown>,
  logger: Logger,
): Promise<void> {
  const readable = stream as { destroy?: unknown; readable?: unknown };
  if (typeof readable.destroy === 'function' && typeof readable.readable === 'boolean')
    (readable.destroy as () => void).call(stream);
  try {
    return Promise.resolve(iterator.return?.()).then(
      () => undefined,
      (error: unknown) => logger.warn("A streamed response's producer failed while stopping", error),
    );
  } catch (error) {
    logger.warn("A streamed response's producer failed while stopping", error);
    return Promise.resolve();
  }
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
