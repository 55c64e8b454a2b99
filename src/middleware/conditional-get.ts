/**
 * ConditionalGetMiddleware (order 60, off by default): gives GET/HEAD 200 responses a weak
 * ETag computed from the body (unless the view set one) and answers 304 Not Modified when
 * If-None-Match matches it, or If-Modified-Since is not older than Last-Modified
 * (RFC 9110 §13; If-None-Match wins when both are sent).
 */
import { createHash } from 'node:crypto';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import { Middleware, type Next } from './middleware-decorator';

const KEEP_ON_304 = ['cache-control', 'content-location', 'date', 'etag', 'expires', 'last-modified', 'vary'];

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}

@Middleware(60)
export class ConditionalGetMiddleware {
  async handle(request: HttpRequest, next: Next): Promise<HttpResponse> {
    const response = await next(request);
    if (
      (request.method !== 'GET' && request.method !== 'HEAD') ||
      response.status !== 200 ||
      response.stream !== undefined
    )
      return response;
    let etag = response.headers.get('etag');
    if (etag === undefined && !/no-store/i.test(response.headers.get('cache-control') ?? '')) {
      etag = `W/"${createHash('sha1').update(response.content).digest('base64url')}"`;
      response.headers.set('ETag', etag);
    }
    return this.notModified(request, response, etag) ? this.toNotModified(response) : response;
  }

  private notModified(request: HttpRequest, response: HttpResponse, etag: string | undefined): boolean {
    const ifNoneMatch = request.headers.get('if-none-match');
    if (ifNoneMatch !== undefined) return etag !== undefined && etagMatches(ifNoneMatch, etag);
    const ifModifiedSince = Date.parse(request.headers.get('if-modified-since') ?? '');
    const lastModified = Date.parse(response.headers.get('last-modified') ?? '');
    return !Number.isNaN(ifModifiedSince) && !Number.isNaN(lastModified) && lastModified <= ifModifiedSince;
  }

  private toNotModified(response: HttpResponse): HttpResponse {
    const result = new HttpResponse('', { status: 304 });
    result.headers.delete('content-type');
    for (const name of KEEP_ON_304) {
      const value = response.headers.get(name);
      if (value !== undefined) result.headers.set(name, value);
    }
    for (const [name, value] of response.cookies) result.cookies.set(name, value);
    return result;
  }
}
