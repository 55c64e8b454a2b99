/**
 * FileResponse: a file streamed from disk (Django's FileResponse), its Content-Type from
 * the file name (mime-types), its length from the file, and for downloads a
 * Content-Disposition with a safely encoded name. The file is opened when writing starts
 * and closed when it ends, fails or the client goes away (see FileStream).
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { contentDisposition } from './content-disposition';
import { Http404 } from './errors';
import { FileStream } from './file-stream';
import { HttpResponse, type ResponseInit } from './response';

export interface FileResponseOptions extends ResponseInit {
  /** Send as a download (`attachment`) rather than shown inline. Default false. */
  asAttachment?: boolean;
  /** The name the browser sees. Default: the file's base name. */
  fileName?: string;
}

/** Content-Type for a file name, or application/octet-stream. */
export function contentTypeFor(fileName: string): string {
  // Loaded on first use: mime-types holds the whole mime-db (about 1 MB of heap) that apps
  // serving no files never need.
  const { contentType } = require('mime-types') as typeof import('mime-types');
  return contentType(basename(fileName)) || 'application/octet-stream';
}

/**
 * @example return new FileResponse('/srv/reports/2026.pdf', { asAttachment: true, fileName: 'Report 2026.pdf' });
 */
export class FileResponse extends HttpResponse {
  constructor(path: string, options: FileResponseOptions = {}) {
    let size: number;
    try {
      const stat = statSync(path);
      size = stat.isFile() ? stat.size : -1;
    } catch {
      size = -1;
    }
    if (size < 0) throw new Http404('File not found');
    const name = options.fileName ?? basename(path);
    super('', { ...options, contentType: options.contentType ?? contentTypeFor(name) });
    this.headers.setDefault('Content-Length', size);
    if (options.asAttachment || options.fileName) {
      this.headers.setDefault(
        'Content-Disposition',
        contentDisposition(name, options.asAttachment ? 'attachment' : 'inline'),
      );
    }
    this.stream = size === 0 ? [] : new FileStream(path);
  }
}
