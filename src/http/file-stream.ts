/**
 * FileStream: a file (or a byte range of it) as an async iterable body. The file is opened
 * when the first chunk is asked for, not when the response is built, so a response that
 * is replaced, answered to HEAD, or never written holds no descriptor; and it is closed on
 * the last chunk, on a read error, and on `return()` (the client went away), at once even
 * while a read is pending.
 */
import { createReadStream, type ReadStream } from 'node:fs';

/** Bytes `start` to `end` inclusive, as in range-parser and Content-Range. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * @example response.stream = new FileStream('/srv/files/report.pdf');
 */
export class FileStream implements AsyncIterable<Buffer> {
  constructor(
    readonly path: string,
    readonly range?: ByteRange,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return new FileStreamIterator(this.path, this.range);
  }
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

class FileStreamIterator implements AsyncIterator<Buffer> {
  private file: ReadStream | undefined;
  private chunks: AsyncIterator<Buffer> | undefined;
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly range: ByteRange | undefined,
  ) {}

  next(): Promise<IteratorResult<Buffer>> {
    if (this.stopped) return Promise.resolve(DONE);
    if (this.chunks === undefined) {
      this.file = createReadStream(this.path, this.range);
      this.chunks = this.file[Symbol.asyncIterator]();
    }
    // After return() the pending read fails with a premature close: that is the end, not an error.
    return this.chunks.next().catch((error: unknown) => {
      if (this.stopped) return DONE;
      throw error;
    });
  }

  /** Stops reading and closes the file; resolves once the descriptor is closed. */
  return(): Promise<IteratorResult<Buffer>> {
    this.stopped = true;
    const file = this.file;
    if (file === undefined || file.closed) return Promise.resolve(DONE);
    return new Promise((resolve) => {
      file.once('close', () => resolve(DONE));
      file.destroy();
    });
  }
}
