/**
 * CommonMiddleware (order 300), Django's: forbids `disallowedUserAgents`, and with
 * `appendSlash` turns a 404 for `/posts` into a 301 to `/posts/` when only the latter
 * matches (GET/HEAD; other methods cannot be redirected without losing their body, so in
 * debug they get an explanatory error, as Django). Sets Content-Length when known.
 */
import type { Settings } from '../app/settings';
import { Inject, SETTINGS } from '../di/injectable';
import { RondoError } from '../errors/rondo-error';
import { PermissionDenied } from '../http/errors';
import type { HttpRequest } from '../http/request';
import { HttpResponsePermanentRedirect, type HttpResponse } from '../http/response';
import { URL_RESOLVER } from '../routing/url-resolver';
import { Middleware } from './middleware-decorator';

@Middleware(300)
export class CommonMiddleware {
  private readonly agents: RegExp[];

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    this.agents = settings.disallowedUserAgents.map((pattern) => new RegExp(pattern, 'i'));
  }

  processRequest(request: HttpRequest): undefined {
    if (this.agents.length > 0) {
      const agent = request.headers.get('user-agent') ?? '';
      if (this.agents.some((re) => re.test(agent))) throw new PermissionDenied('Forbidden user agent');
    }
    return undefined;
  }

  processResponse(request: HttpRequest, response: HttpResponse): HttpResponse {
    if (response.status === 404 && this.shouldAppendSlash(request)) return this.redirectWithSlash(request);
    if (
      response.stream === undefined &&
      !response.headers.has('content-length') &&
      response.status !== 204 &&
      response.status !== 304
    ) {
      response.headers.set(
        'Content-Length',
        typeof response.content === 'string' ? Buffer.byteLength(response.content) : response.content.length,
      );
    }
    return response;
  }

  private shouldAppendSlash(request: HttpRequest): boolean {
    if (!this.settings.appendSlash || request.rawPath.endsWith('/')) return false;
    // Django: only a path that resolves to nothing, when its slash form does (a view's own
    // 404, like a missing static file, is not redirected).
    const resolver = request.service(URL_RESOLVER);
    return resolver !== undefined && !resolver.resolves(request.rawPath) && resolver.resolves(`${request.rawPath}/`);
  }

  private redirectWithSlash(request: HttpRequest): HttpResponse {
    // A path starting with '//' or '/\' is a protocol-relative URL to another host for a
    // browser (which reads '\' as '/'): escape it.
    const path = request.rawPath.replace(/^[/\\]{2,}/, '/%2F');
    const target = `${path}/${request.queryString ? `?${request.queryString}` : ''}`;
    if (request.method !== 'GET' && request.method !== 'HEAD' && this.settings.debug) {
      throw new RondoError(
        'APPEND_SLASH_UNSAFE_METHOD',
        `You called this URL via ${request.method}, but the URL doesn't end in a slash and you have appendSlash set. ` +
          `Rondo can't redirect to the slash URL while keeping ${request.method} data. Change your form or client to ` +
          `send to ${target} (note the trailing slash), or set appendSlash: false in your settings.`,
      );
    }
    return new HttpResponsePermanentRedirect(target);
  }
}
