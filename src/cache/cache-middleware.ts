/**
 * CacheMiddleware (order 90, outside Security, Session and CSRF, so it sees their cookies
 * and Vary): caches whole GET/HEAD responses of views marked `@CachePage(seconds)`, and of
 * every view when settings.cacheMiddlewareSeconds > 0 (Django's per-site cache). A hit is
 * answered before the view runs (a processView hook, so the inner middleware's request
 * hooks still run and every layer's response hooks see it: new request ids, security
 * headers).
 *
 * Never stored: a status other than 200, a streamed body, a response that sets a cookie,
 * `Cache-Control: private | no-store | no-cache`, `Vary: *`, or any request that carries
 * the session cookie or an Authorization header, or whose view loaded a logged-in user.
 * Such requests also never read the cache: a page cached for anonymous visitors is not
 * served to a logged-in one. The key is the method, the absolute URL and the values of
 * the request headers the stored response's `Vary` names (Django's two-step keys); the
 * timeout is the decorator's or the setting's, shortened by the response's own max-age.
 * A stored response gets `Cache-Control: max-age` and `Expires` when it has none.
 */
import { createHash } from 'node:crypto';
import type { Settings } from '../app/settings';
import { Inject, SETTINGS } from '../di/injectable';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import type { ViewInfo } from '../middleware/middleware-contract';
import { Middleware } from '../middleware/middleware-decorator';
import { ViewOption, viewOptionNeeds } from '../views/view-options';
import { Cache } from './cache';

const CACHE_PAGE = 'cachePage';
const STATE_KEY = 'rondo.cachePage';

/** Caches this view's (or controller's) GET responses for `seconds` (CacheMiddleware does it). */
export const CachePage = (seconds: number): ClassDecorator & MethodDecorator => ViewOption(CACHE_PAGE, seconds);
viewOptionNeeds(CACHE_PAGE, '@CachePage()', 'CacheMiddleware');

interface StoredPage {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  base64: boolean;
}

interface Pending {
  seconds: number;
  url: string;
}

const NOT_STORED = /(?:^|,)\s*(?:private|no-store|no-cache)\b/i;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

@Middleware(90)
export class CacheMiddleware {
  private readonly siteSeconds: number;
  private readonly sessionCookie: string;

  constructor(
    @Inject(SETTINGS) settings: Settings,
    private readonly cache: Cache,
  ) {
    this.siteSeconds = settings.cacheMiddlewareSeconds;
    this.sessionCookie = settings.sessionCookieName;
  }

  private secondsFor(view: ViewInfo): number {
    const own = view.options[CACHE_PAGE];
    return typeof own === 'number' ? own : this.siteSeconds;
  }

  appliesToView(view: ViewInfo): boolean {
    return this.secondsFor(view) > 0;
  }

  async processView(request: HttpRequest, view: ViewInfo): Promise<HttpResponse | undefined> {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || this.personal(request)) return undefined;
    const url = request.buildAbsoluteUri();
    const pending: Pending = { seconds: this.secondsFor(view), url };
    const varied = await this.cache.get<string[]>(`page.vary:${sha(url)}`);
    if (varied !== undefined) {
      const stored = await this.cache.get<StoredPage>(this.pageKey(request, url, varied));
      if (stored !== undefined) return revive(stored);
    }
    request.state[STATE_KEY] = pending; // a miss: processResponse stores the answer
    return undefined;
  }

  async processResponse(request: HttpRequest, response: HttpResponse): Promise<HttpResponse> {
    const pending = request.state[STATE_KEY] as Pending | undefined;
    if (pending === undefined || !this.storable(request, response)) return response;
    const seconds = Math.min(pending.seconds, maxAge(response.headers.get('cache-control')) ?? Infinity);
    if (seconds <= 0) return response;
    if (!response.headers.has('cache-control')) response.headers.set('Cache-Control', `max-age=${seconds}`);
    if (!response.headers.has('expires'))
      response.headers.set('Expires', new Date(Date.now() + seconds * 1000).toUTCString());
    const varied = (response.headers.get('vary') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean)
      .sort();
    await this.cache.set(`page.vary:${sha(pending.url)}`, varied, seconds);
    await this.cache.set(this.pageKey(request, pending.url, varied), store(response), seconds);
    return response;
  }

  /** A request that may see a page of its own: a session, credentials. */
  private personal(request: HttpRequest): boolean {
    return request.headers.has('authorization') || request.getCookie(this.sessionCookie) !== undefined;
  }

  private storable(request: HttpRequest, response: HttpResponse): boolean {
    if (response.status !== 200 || response.streaming || response.hasCookies()) return false;
    if (NOT_STORED.test(response.headers.get('cache-control') ?? '')) return false;
    if ((response.headers.get('vary') ?? '').includes('*')) return false;
    return (request.user as { isAuthenticated?: boolean } | undefined)?.isAuthenticated !== true;
  }

  private pageKey(request: HttpRequest, url: string, varied: readonly string[]): string {
    const values = varied.map((name) => `${name}=${request.headers.get(name) ?? ''}`).join('\n');
    return `page:${request.method === 'HEAD' ? 'GET' : request.method}:${sha(url)}:${sha(values)}`;
  }
}

function maxAge(cacheControl: string | undefined): number | undefined {
  const match = /(?:^|,)\s*(?:s-)?max-age=(\d+)/i.exec(cacheControl ?? '');
  return match === null ? undefined : Number(match[1]);
}

function store(response: HttpResponse): StoredPage {
  const binary = typeof response.content !== 'string';
  return {
    status: response.status,
    headers: [...response.headers.entries()].filter(([name]) => name.toLowerCase() !== 'set-cookie'),
    body: binary ? (response.content as Buffer).toString('base64') : (response.content as string),
    base64: binary,
  };
}

function revive(stored: StoredPage): HttpResponse {
  const response = new HttpResponse(stored.base64 ? Buffer.from(stored.body, 'base64') : stored.body, {
    status: stored.status,
  });
  for (const [name, value] of stored.headers) response.headers.set(name, value);
  return response;
}
