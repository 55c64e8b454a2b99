/**
 * The multipart/form-data body parser (@fastify/busboy, streaming). Fields go to
 * `request.POST`, files to `request.FILES`. Django's rule bounds memory: files stay in
 * memory only when the whole body (its Content-Length) is within
 * `fileUploadMaxMemorySize`; otherwise every file streams to a private temporary file
 * (deleted after the response), and all files of one request together may not pass
 * `fileUploadMaxTotalSize`. Every limit has its own clear error: too many fields or files
 * (400), a file over `fileUploadMaxSize`, the files over `fileUploadMaxTotalSize` or field
 * data over `dataUploadMaxMemorySize` (413); a truncated or malformed body is a 400,
 * never a hang.
 */
import type { BusboyFileStream } from '@fastify/busboy';
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BadRequest, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent } from './errors';
import { QueryDict } from './query-dict';
import type { HttpRequest } from './request';
import { FileDict, UploadedFile } from './uploaded-file';

export interface MultipartLimits {
  /** Bytes of a file kept in memory before it spills to a temporary file. */
  fileMemorySize: number;
  /** Largest file accepted (413 beyond). */
  fileMaxSize: number;
  /** Largest total of all files in one request (413 beyond). */
  filesMaxTotal: number;
  /** Bytes of all non-file fields together (413 beyond). */
  fieldBytes: number;
  maxFields: number;
  maxFiles: number;
  /** Folder for temporary files ('' = the OS temp folder). */
  tempDir: string;
  /** Longest file name a part may give, in bytes (400 beyond). */
  maxFileNameLength: number;
}

/** Longest field name, in bytes (busboy would cut longer ones without a word; Rondo answers 400). */
const FIELD_NAME_LIMIT = 1000;

function writeChunk(out: WriteStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
}

/** Ends (or, after a failure, destroys) a temporary file's stream; resolves once its descriptor is closed. */
function closeStream(out: WriteStream, failed: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.closed) return resolve();
    out.once('close', () => resolve());
    if (failed) out.destroy();
    else {
      out.once('error', reject);
      out.end();
    }
  });
}

function fileTooBig(part: FilePart, limits: MultipartLimits): RequestDataTooBig {
  return new RequestDataTooBig(
    `The file '${part.fileName}' in field '${part.field}' is larger than fileUploadMaxSize (${limits.fileMaxSize} bytes)`,
  );
}

interface FilePart {
  field: string;
  stream: BusboyFileStream;
  fileName: string;
  mime: string;
}

/** What the files of one request share: may they stay in memory, and the bytes so far. */
interface FileBudget {
  inMemory: boolean;
  received: number;
}

/**
 * Reads one file part into memory or a temporary file. It settles in every case: when the
 * part passes fileUploadMaxSize (at once, not at the end of the body) and when the parser
 * destroys the part because the request failed; its temporary file is closed by then.
 */
async function receiveFile(
  request: HttpRequest,
  limits: MultipartLimits,
  part: FilePart,
  budget: FileBudget,
): Promise<UploadedFile> {
  const chunks: Buffer[] = [];
  let size = 0;
  let out: WriteStream | undefined;
  let tempPath: string | undefined;
  let failed = true;
  part.stream.once('limit', () => part.stream.destroy(fileTooBig(part, limits)));
  try {
    for await (const chunk of part.stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      budget.received += chunk.length;
      if (budget.received > limits.filesMaxTotal) {
        throw new RequestDataTooBig(
          `The uploaded files are larger than fileUploadMaxTotalSize (${limits.filesMaxTotal} bytes) together`,
        );
      }
      if (out === undefined && !budget.inMemory) {
        const path = join(limits.tempDir || tmpdir(), `rondo-upload-${randomUUID()}`);
        tempPath = path;
        request.addCleanup(() => rm(path, { force: true }));
        out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
        for (const earlier of chunks.splice(0)) await writeChunk(out, earlier);
      }
      if (out !== undefined) await writeChunk(out, chunk);
      else chunks.push(chunk);
    }
    failed = false;
  } finally {
    if (out !== undefined) await closeStream(out, failed);
  }
  if (part.stream.truncated) throw fileTooBig(part, limits);
  const file = new UploadedFile({
    fieldName: part.field,
    fileName: part.fileName,
    contentType: part.mime,
    size,
    buffer: out ? undefined : Buffer.concat(chunks),
    tempPath,
  });
  if (tempPath !== undefined) request.addCleanup(() => file.cleanup());
  return file;
}

/** A body parser for `RequestOptions.bodyParsers`, keyed 'multipart/form-data'. */
export function multipartParser(limits: MultipartLimits): (request: HttpRequest) => Promise<void> {
  return (request) =>
    new Promise<void>((resolve, reject) => {
      // Loaded on the first multipart request, so apps without uploads don't carry it.
      const Busboy = (require('@fastify/busboy') as typeof import('@fastify/busboy')).default;
      let busboy: ReturnType<typeof Busboy>;
      try {
        busboy = Busboy({
          headers: { 'content-type': request.headers.get('content-type') ?? '' },
          limits: {
            fields: limits.maxFields,
            files: limits.maxFiles,
            fileSize: limits.fileMaxSize,
            fieldSize: limits.fieldBytes,
            headerPairs: 100,
            fieldNameSize: FIELD_NAME_LIMIT,
          },
        });
      } catch (error) {
        reject(new BadRequest(`Malformed multipart request: ${(error as Error).message}`));
        return;
      }
      const pairs: Array<[string, string]> = [];
      const declared = Number(request.headers.get('content-length') ?? -1);
      const budget: FileBudget = { inMemory: declared >= 0 && declared <= limits.fileMemorySize, received: 0 };
      const files = new FileDict();
      const pending: Array<Promise<unknown>> = [];
      const inFlight = new Set<BusboyFileStream>();
      let fieldBytes = 0;
      let failed = false;
      const source = request.rawBody();
      // Stops reading, ends the files being received, and rejects once they have closed
      // their temporary files (which the request's cleanup then removes).
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        if (source instanceof Readable) source.unpipe(busboy);
        for (const stream of inFlight) stream.destroy(error);
        void Promise.allSettled(pending).then(() => reject(error));
      };
      busboy.on('field', (name, value, nameTruncated, valueTruncated) => {
        fieldBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
        if (nameTruncated) {
          fail(new BadRequest(`A form field's name is longer than ${FIELD_NAME_LIMIT} bytes`));
        } else if (valueTruncated || fieldBytes > limits.fieldBytes) {
          fail(
            new RequestDataTooBig(
              `The form fields are larger than dataUploadMaxMemorySize (${limits.fieldBytes} bytes)`,
            ),
          );
        } else pairs.push([name, value]);
      });
      busboy.on('file', (field, stream, fileName, _encoding, mime) => {
        if (!failed && Buffer.byteLength(fileName ?? '') > limits.maxFileNameLength) {
          fail(
            new BadRequest(
              `The file name in field '${field.slice(0, 100)}' is longer than fileUploadMaxNameLength (${limits.maxFileNameLength} bytes)`,
            ),
          );
        }
        if (failed) {
          stream.resume();
          return;
        }
        inFlight.add(stream);
        const received = receiveFile(request, limits, { field, stream, fileName, mime }, budget).then(
          (file) => {
            inFlight.delete(stream);
            files.add(file);
          },
          (error: Error) => {
            inFlight.delete(stream);
            fail(error);
          },
        );
        pending.push(received);
      });
      busboy.on('fieldsLimit', () =>
        fail(new TooManyFieldsSent(`The form has more than dataUploadMaxNumberFields (${limits.maxFields}) fields`)),
      );
      busboy.on('filesLimit', () =>
        fail(new TooManyFilesSent(`The form has more than dataUploadMaxNumberFiles (${limits.maxFiles}) files`)),
      );
      busboy.on('error', (error: unknown) =>
        fail(new BadRequest(`Malformed multipart body: ${error instanceof Error ? error.message : String(error)}`)),
      );
      busboy.on('finish', () => {
        void Promise.all(pending).then(() => {
          if (failed) return;
          request.setForm({ POST: new QueryDict(pairs), FILES: files });
          resolve();
        });
      });
      if (source === undefined) busboy.end();
      else if (typeof source === 'string' || Buffer.isBuffer(source)) busboy.end(source);
      else {
        const stream = source instanceof Readable ? source : Readable.from(source);
        const aborted = () => fail(new BadRequest('The client aborted the upload'));
        stream.once('error', aborted);
        stream.once('aborted', aborted);
        // A socket that closes before the body's end (node may say only this).
        stream.once('close', () => {
          if ((stream as Readable & { complete?: boolean }).complete === false) aborted();
        });
        stream.pipe(busboy);
      }
    });
}
