/**
 * Static files for development: URLs under `staticUrl` are answered from `staticDirs`
 * (first match wins) by a GET route the app adds after its own (Django's `static()` URL
 * pattern), so the middleware applies. Content-Type, ETag/Last-Modified and 304s (fresh),
 * single byte ranges (range-parser) and streaming (each file opened only when writing
 * starts, see FileStream). A path that could leave its folder (`..`, encoded or not,
 * backslashes, NUL bytes, symlinks pointing out) is a 404, and so are dotfiles (`.env`,
 * `.git/`) unless `staticServeDotfiles` is on. In production, let a CDN or
 * reverse proxy serve these files, or turn `serveStatic` on knowingly.
 */
import { realpathSync, statSync, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import etag from 'etag';
import fresh from 'fresh';
import rangeParser from 'range-parser';
import { Http404 } from './errors';
import { HttpResponse } from './response';
import { contentTypeFor } from './file-response';
import { FileStream } from './file-stream';
import type { HttpRequest } from './request';

export class StaticFiles {
  private readonly roots: Array<{ dir: string; real: string }>;

  constructor(
    readonly prefix: string,
    dirs: readonly string[],
    private readonly dotfiles = false,
  ) {
    this.roots = dirs.map((dir) => {
      const abs = resolve(dir);
      let real = abs;
      try {
        real = realpathSync(abs);
      } catch {
        // A folder that does not exist (yet) simply serves nothing.
      }
      return { dir: abs, real };
    });
  }

  /** The response for a GET or HEAD under the prefix; Http404 when no file fits. */
  serve(request: HttpRequest): HttpResponse {
    const relative = request.path.slice(this.prefix.length);
    if (!relative || relative.includes('\\') || relative.includes('\0')) throw notFound(relative);
    // '.' and '..' never; '.env', '.git/...' only when staticServeDotfiles says so.
    if (relative.split('/').some((s) => s === '..' || s === '.' || (!this.dotfiles && s.startsWith('.'))))
      throw notFound(relative);
    for (const root of this.roots) {
      const file = resolve(root.dir, relative);
      if (!file.startsWith(root.dir + sep)) continue;
      let stat: Stats;
      let real: string;
      try {
        stat = statSync(file);
        real = realpathSync(file);
      } catch {
        continue;
      }
      if (!stat.isFile() || !real.startsWith(root.real + sep)) continue;
      return this.fileResponse(request, real, stat);
    }
    throw notFound(relative);
  }

  private fileResponse(request: HttpRequest, file: string, stat: Stats): HttpResponse {
    const tag = etag(stat);
    const lastModified = stat.mtime.toUTCString();
    const headers = { ETag: tag, 'Last-Modified': lastModified, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-cache' };
    const requestHeaders = {
      'if-none-match': request.headers.get('if-none-match'),
      'if-modified-since': request.headers.get('if-modified-since'),
    };
    if (fresh(requestHeaders, { etag: tag, 'last-modified': lastModified })) {
      const notModified = new HttpResponse('', { status: 304, headers });
      notModified.headers.delete('content-type');
      return notModified;
    }
    const response = new HttpResponse('', { contentType: contentTypeFor(file), headers });
    const rangeHeader = request.headers.get('range');
    const ifRange = request.headers.get('if-range');
    const useRange =
      rangeHeader !== undefined && (ifRange === undefined || ifRange === tag || ifRange === lastModified);
    const ranges = useRange ? rangeParser(stat.size, rangeHeader, { combine: true }) : -2;
    if (ranges === -1) {
      const unsatisfiable = new HttpResponse('', { status: 416, headers: { 'Content-Range': `bytes */${stat.size}` } });
      return unsatisfiable;
    }
    if (Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1) {
      const { start, end } = ranges[0];
      response.status = 206;
      response.headers.set('Content-Range', `bytes ${start}-${end}/${stat.size}`);
      response.headers.set('Content-Length', end - start + 1);
      response.stream = new FileStream(file, { start, end });
      return response;
    }
    response.headers.set('Content-Length', stat.size);
    response.stream = stat.size === 0 ? [] : new FileStream(file);
    return response;
  }
}

function notFound(relative: string): Http404 {
  return new Http404(`No static file matches '${relative.slice(0, 200)}'`);
}
