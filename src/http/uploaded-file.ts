/**
 * UploadedFile: one file of a multipart body (Django's UploadedFile). Small files stay in
 * memory; larger ones were streamed to a temporary file, which Rondo deletes after the
 * response (even when the view throws) unless the view moved it with `moveTo`, which never
 * replaces an existing file.
 */
import { constants, createReadStream } from 'node:fs';
import { copyFile, link, readFile, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { RondoError } from '../errors/rondo-error';

/** link() errors meaning "no hard link here" (another device, FAT, some network shares): copy instead. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

export interface UploadedFileInit {
  fieldName: string;
  fileName: string;
  contentType: string;
  size: number;
  /** The content, when kept in memory. */
  buffer?: Buffer;
  /** The temporary file, when spilled to disk. */
  tempPath?: string;
}

/** A safe file name from the client's: no directories, no control characters, at most 255 chars. */
export function cleanFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'))
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return (base === '.' || base === '..' ? '' : base).slice(-255);
}

/** The upload's temporary file is gone: moved by moveTo(), or removed after the response. */
export class UploadGone extends RondoError {
  constructor(
    readonly fileName: string,
    action: string,
  ) {
    super(
      'UPLOAD_GONE',
      `Cannot ${action} the upload '${fileName}': it was already moved with moveTo() or removed after the response. ` +
        'Read or move an upload inside the view that received it, before returning the response.',
    );
  }
}

/**
 * `moveTo(path)` found a file at `path` already: uploads never replace files. The message
 * names the upload and the path.
 *
 * @example
 * try { await file.moveTo(target); } catch (e) { if (e instanceof UploadDestinationExists) target = withSuffix(target);
 * }
 */
export class UploadDestinationExists extends RondoError {
  constructor(
    readonly fileName: string,
    readonly destination: string,
  ) {
    super(
      'UPLOAD_DESTINATION_EXISTS',
      `Cannot move the upload '${fileName}' to ${destination}: a file already exists there, and moveTo() never ` +
        'replaces files. Pick a name of your own (e.g. a random UUID) or delete the old file first.',
    );
  }
}

export class UploadedFile {
  readonly fieldName: string;
  /** The client's file name, reduced to a safe base name (may be ''). Never trust it for paths. */
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  private buffer: Buffer | undefined;
  private tempPath: string | undefined;

  constructor(init: UploadedFileInit) {
    this.fieldName = init.fieldName;
    this.fileName = cleanFileName(init.fileName);
    this.contentType = init.contentType;
    this.size = init.size;
    this.buffer = init.buffer;
    this.tempPath = init.tempPath;
  }

  /** True when the content is in memory (no temporary file). */
  get inMemory(): boolean {
    return this.buffer !== undefined;
  }

  /** The whole content. */
  async read(): Promise<Buffer> {
    if (this.buffer !== undefined) return this.buffer;
    if (this.tempPath === undefined) throw new UploadGone(this.fileName, 'read');
    return readFile(this.tempPath);
  }

  /** The content as a stream (for large files). */
  stream(): Readable {
    if (this.buffer !== undefined) return Readable.from([this.buffer]);
    if (this.tempPath === undefined) throw new UploadGone(this.fileName, 'stream');
    return createReadStream(this.tempPath);
  }

  /**
   * Moves the content to `path`, never replacing a file there (UploadDestinationExists).
   * A temporary file is hard-linked to `path` and unlinked (rename would replace), or
   * copied with COPYFILE_EXCL across devices and on file systems without hard links.
   */
  async moveTo(path: string): Promise<void> {
    if (this.buffer !== undefined) {
      await writeFile(path, this.buffer, { flag: 'wx' }).catch((error: unknown) => this.moveFailed(error, path));
      return;
    }
    const temp = this.tempPath;
    if (temp === undefined) throw new UploadGone(this.fileName, 'move');
    try {
      await link(temp, path);
    } catch (error) {
      if (!NO_LINK.has((error as NodeJS.ErrnoException).code ?? '')) this.moveFailed(error, path);
      await copyFile(temp, path, constants.COPYFILE_EXCL).catch((copyError: unknown) =>
        this.moveFailed(copyError, path),
      );
    }
    this.tempPath = undefined;
    await rm(temp, { force: true });
  }

  private moveFailed(error: unknown, path: string): never {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UploadDestinationExists(this.fileName, path);
    throw error;
  }

  /** Deletes the temporary file, if any (called after the response). */
  async cleanup(): Promise<void> {
    const path = this.tempPath;
    this.tempPath = undefined;
    if (path !== undefined) await rm(path, { force: true });
  }
}

/** Uploaded files by field name, multi-valued (Django's MultiValueDict of files). */
export class FileDict {
  private readonly files = new Map<string, UploadedFile[]>();

  add(file: UploadedFile): void {
    const list = this.files.get(file.fieldName);
    if (list) list.push(file);
    else this.files.set(file.fieldName, [file]);
  }

  /** The last file sent under `name`. */
  get(name: string): UploadedFile | undefined {
    const list = this.files.get(name);
    return list?.[list.length - 1];
  }

  getAll(name: string): UploadedFile[] {
    return [...(this.files.get(name) ?? [])];
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  keys(): IterableIterator<string> {
    return this.files.keys();
  }

  /** Every file, in arrival order per field. */
  all(): UploadedFile[] {
    return [...this.files.values()].flat();
  }

  get size(): number {
    return this.files.size;
  }
}
