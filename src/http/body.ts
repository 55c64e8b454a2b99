/**
 * Reading and parsing request bodies: once, within a size limit, with clear 4xx errors.
 * JSON goes through secure-json-parse, so `__proto__` and `constructor.prototype` keys are
 * rejected instead of reaching any object's prototype.
 */
import sjson from 'secure-json-parse';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { BadRequest, RequestDataTooBig, UnsupportedMediaType } from './errors';

/** Where a body comes from: Node's IncomingMessage (async iterable) or a whole Buffer (TestClient). */
export type BodySource = AsyncIterable<Buffer | string> | Buffer | string | undefined;

function tooBig(limit: number): RequestDataTooBig {
  return new RequestDataTooBig(
    `The request body is larger than dataUploadMaxMemorySize (${limit} bytes); send less or raise the setting`,
  );
}

/** Called once with the whole body, or with the error that ended the read. */
export type BodyCallback = (error: Error | undefined, body: Buffer | undefined) => void;

/**
 * Reads the whole body into one Buffer, failing with 413 as soon as it passes `limit`
 * (before reading anything when Content-Length already says so). Callback style: node's
 * stream (the hot case) costs no promise of its own, so the request resolves one promise
 * once the body is parsed. `done` is called once, and may be called synchronously
 * (in-process bodies).
 */
export function readBody(source: BodySource, limit: number, declaredLength: number, done: BodyCallback): void {
  if (declaredLength > limit) return done(tooBig(limit), undefined);
  if (source === undefined) return done(undefined, Buffer.alloc(0));
  if (typeof source === 'string' || Buffer.isBuffer(source)) {
    const buffer = typeof source === 'string' ? Buffer.from(source) : source;
    return buffer.length > limit ? done(tooBig(limit), undefined) : done(undefined, buffer);
  }
  if (isEmitter(source)) return readStream(source, limit, done);
  readIterable(source, limit).then(
    (body) => done(undefined, body),
    (error: Error) => done(error, undefined),
  );
}

async function readIterable(source: AsyncIterable<Buffer | string>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += buffer.length;
      if (total > limit) throw tooBig(limit);
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof RequestDataTooBig) throw error;
    throw new BadRequest('The request body ended early (the client aborted the upload)');
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

interface BodyStream {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  destroy(): unknown;
  readonly complete?: boolean;
}

function isEmitter(source: unknown): source is BodyStream {
  return typeof (source as BodyStream).on === 'function' && typeof (source as BodyStream).destroy === 'function';
}

/**
 * Node's IncomingMessage read through its events: cheaper per request than an async
 * iterator (no iterator, end-of-stream watcher or promise per chunk).
 */
function readStream(stream: BodyStream, limit: number, callback: BodyCallback): void {
  // One chunk (the usual small body) needs no array: an array's first push allocates room for 17.
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let total = 0;
  let done = false;
  stream.on('data', (chunk) => {
    if (done) return;
    total += chunk.length;
    if (total > limit) {
      done = true;
      callback(tooBig(limit), undefined);
      return;
    }
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  stream.on('end', () => {
    if (done) return;
    done = true;
    callback(undefined, more !== undefined ? Buffer.concat(more, total) : (first ?? Buffer.alloc(0)));
  });
  const aborted = () => {
    if (done) return;
    done = true;
    callback(new BadRequest('The request body ended early (the client aborted the upload)'), undefined);
  };
  stream.on('error', aborted);
  stream.on('close', aborted);
}

/** Parses a JSON body; bad syntax or a prototype-poisoning key is a 400 naming the problem. */
/**
 * The deepest nesting of arrays and objects in a JSON text, counted without recursion
 * (bytes inside strings skipped), stopping as soon as it passes `limit`.
 */
function nestingOver(body: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c /* backslash: skip the escaped byte */) i++;
      else if (byte === 0x22 /* " */) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b /* { */ || byte === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return false;
}

/**
 * Parses a JSON body: 400 when empty, invalid, carrying a `__proto__`/`constructor` key,
 * or nested deeper than `maxDepth` (a 100k-deep body would overflow the stack of
 * whatever walks it next: a serializer, a validator, the echo of a view).
 */
export function parseJsonBody(body: Buffer, maxDepth = 64): unknown {
  if (body.length === 0) throw new BadRequest('The JSON body is empty; send a JSON value');
  // A body of n bytes nests at most n deep: short bodies (the usual API call) skip the scan.
  if (body.length > maxDepth && nestingOver(body, maxDepth)) {
    throw new BadRequest(`The JSON body is nested deeper than jsonMaxDepth (${maxDepth} levels of arrays and objects)`);
  }
  try {
    return sjson.parse(body.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    // Both bad syntax and a forbidden __proto__ / constructor.prototype key arrive here.
    throw new BadRequest(`The JSON body is invalid: ${(error as Error).message}`);
  }
}

const DECODERS: Record<string, typeof gunzipSync> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/**
 * A body sent with `Content-Encoding` (gzip, deflate or br), decoded; the size limit counts
 * the decoded bytes, so a small bomb is a 413, not memory. Another encoding is a 415; a
 * body that does not decode is a 400. `identity` (or none) is the body itself.
 */
export function decodeBody(body: Buffer, encoding: string | undefined, limit: number): Buffer {
  if (encoding === undefined) return body;
  const codings = encoding
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity');
  let decoded = body;
  for (const coding of codings.reverse()) {
    const decode = DECODERS[coding];
    if (decode === undefined)
      throw new UnsupportedMediaType(
        `Content-Encoding '${coding.slice(0, 40)}' is not supported; send the body as it is, or with gzip, deflate or br`,
      );
    try {
      decoded = decode(decoded, { maxOutputLength: limit });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError)
        throw tooBig(limit);
      throw new BadRequest(`The request body is not valid ${coding} (Content-Encoding)`);
    }
  }
  return decoded;
}
