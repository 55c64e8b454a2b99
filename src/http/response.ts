/**
 * The HttpResponse family (Django's names). A response is plain data: status, headers,
 * cookies and a body (string, Buffer or async iterable). Writing it to a socket is the
 * server adapter's job; the TestClient reads the same object in process.
 */
import { serializeCookie, type CookieOptions } from './cookies';
import { DisallowedRedirect } from './errors';
import { presetHeader, ResponseHeaders } from './headers';

const HTML_TYPE = presetHeader('Content-Type', 'text/html; charset=utf-8');
const JSON_TYPE = presetHeader('Content-Type', 'application/json');

/** Options shared by every response constructor. */
export interface ResponseInit {
  status?: number;
  contentType?: string;
  headers?: Record<string, string | number>;
}

/** A body streamed chunk by chunk. */
export type StreamBody = AsyncIterable<string | Buffer | Uint8Array> | Iterable<string | Buffer | Uint8Array>;

/**
 * A response with a complete body.
 *
 * @example return new HttpResponse('<p>Hi</p>', { status: 201, headers: { 'X-Thing': '1' } });
 */
export class HttpResponse {
  status: number;
  readonly headers: ResponseHeaders;
  /** Set-Cookie values by cookie name (one header each); made on first use. */
  get cookies(): Map<string, string> {
    return (this.cookieMap ??= new Map());
  }

  private cookieMap: Map<string, string> | undefined = undefined;

  /** True when the response sets or deletes a cookie (signed ones included). */
  hasCookies(): boolean {
    return (
      (this.cookieMap !== undefined && this.cookieMap.size > 0) ||
      (this.unsignedCookies !== undefined && this.unsignedCookies.length > 0)
    );
  }

  /** How many Set-Cookie headers `flattenCookiesInto` writes. */
  get cookieCount(): number {
    return this.cookieMap === undefined ? 0 : this.cookieMap.size;
  }

  /**
   * Writes `'Set-Cookie', value` pairs into `out` from index `at` (default: its end; the flat form `writeHead` takes);
   * returns the next index.
   */
  flattenCookiesInto(out: string[], at = out.length): number {
    if (this.cookieMap === undefined) return at;
    for (const value of this.cookieMap.values()) {
      out[at++] = 'Set-Cookie';
      out[at++] = value;
    }
    return at;
  }
  /** The body; `''` for none. */
  content: string | Buffer;
  /** Set for streamed bodies (StreamingHttpResponse, FileResponse). */
  stream: StreamBody | undefined;

  constructor(content: string | Buffer = '', init: ResponseInit = {}) {
    this.status = init.status ?? 200;
    const type = init.contentType;
    const preset = type === undefined ? HTML_TYPE : type === 'application/json' ? JSON_TYPE : undefined;
    this.headers = new ResponseHeaders(init.headers, preset);
    if (preset === undefined) this.headers.setDefault('Content-Type', type!);
    this.content = content;
    this.stream = undefined;
  }

  /** True for a body sent in pieces. */
  get streaming(): boolean {
    return this.stream !== undefined;
  }

  /** The body as text (non-streaming responses). */
  get text(): string {
    return typeof this.content === 'string' ? this.content : this.content.toString('utf8');
  }

  /**
   * Sets a cookie. Defaults: Path=/, HttpOnly, SameSite=Lax.
   *
   * @example response.setCookie('theme', 'dark', { maxAge: 3600 });
   */
  setCookie(name: string, value: string, options?: CookieOptions): this {
    this.cookies.set(name, serializeCookie(name, value, options));
    return this;
  }

  /**
   * Sets a cookie whose value is signed with `settings.secretKey` (the app signs it as the
   * response leaves); `request.getSignedCookie(name)` reads it back, and a tampered value
   * reads as absent. The value is visible to the client: sign, not encrypt.
   *
   * @example response.setSignedCookie('cart', '3 items', { maxAge: 3600 });
   */
  setSignedCookie(name: string, value: string, options: CookieOptions & { salt?: string } = {}): this {
    (this.unsignedCookies ??= []).push({ name, value, options });
    return this;
  }

  /** Cookies waiting to be signed by the app (see setSignedCookie). */
  unsignedCookies: Array<{ name: string; value: string; options: CookieOptions & { salt?: string } }> | undefined =
    undefined;

  /** Expires a cookie in the browser (same path and domain as it was set with). */
  deleteCookie(
    name: string,
    options: { path?: string; domain?: string; sameSite?: CookieOptions['sameSite']; secure?: boolean } = {},
  ): this {
    this.cookies.set(name, serializeCookie(name, '', { ...options, maxAge: 0, expires: new Date(0) }));
    return this;
  }
}

const NO_INIT: ResponseInit = Object.freeze({});
const JSON_INIT: ResponseInit = Object.freeze({ contentType: 'application/json' });

/**
 * A JSON response (`application/json`).
 *
 * @example return new JsonResponse({ ok: true }, { status: 201 });
 */
export class JsonResponse extends HttpResponse {
  readonly data: unknown;

  constructor(data: unknown, init: ResponseInit = NO_INIT) {
    super(
      JSON.stringify(data) ?? 'null',
      init === NO_INIT ? JSON_INIT : { ...init, contentType: init.contentType ?? 'application/json' },
    );
    this.data = data;
  }
}

const SAFE_SCHEMES = new Set(['http', 'https', 'ftp']);

/**
 * The URL as a browser's parser sees it (WHATWG): C0 controls and spaces at the ends and every tab or newline removed.
 */
function browserView(url: string): string {
  return url.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
}

function checkRedirectTarget(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(browserView(url));
  if (scheme && !SAFE_SCHEMES.has(scheme[1].toLowerCase())) {
    throw new DisallowedRedirect(`Refusing to redirect to a URL with the unsafe scheme ${scheme[1]}:`);
  }
  return url;
}

/** Every character a URI keeps as it is (RFC 3986's unreserved and reserved, and `%` of an escape already made). */
const NOT_URI = /[^A-Za-z0-9\-._~/#%[\]=:;$&()+,!?*@']/gu;

/**
 * Django's iri_to_uri: the URL with every other character percent-encoded as UTF-8, so
 * a path like `/café/☃` can go in a header (which holds Latin-1 only) and no CR or LF
 * can split one. A lone surrogate becomes U+FFFD.
 */
export function iriToUri(iri: string): string {
  // With the u flag a surrogate pair is one match of length 2: a match of one surrogate is a lone one.
  return iri.replace(NOT_URI, (c) =>
    encodeURIComponent(c.length === 1 && c >= '\uD800' && c <= '\uDFFF' ? '\uFFFD' : c),
  );
}

/** 302 Found to `url` (http, https, ftp or relative; other schemes are refused), IRI-encoded. */
export class HttpResponseRedirect extends HttpResponse {
  constructor(url: string, init: ResponseInit = {}) {
    super('', { status: 302, ...init });
    this.headers.set('Location', iriToUri(checkRedirectTarget(url)));
  }

  get url(): string {
    return this.headers.get('Location') ?? '';
  }
}

/** 301 Moved Permanently to `url`. */
export class HttpResponsePermanentRedirect extends HttpResponseRedirect {
  constructor(url: string, init: ResponseInit = {}) {
    super(url, { ...init, status: 301 });
  }
}

/** 405 with `Allow` listing the permitted methods. */
export class HttpResponseNotAllowed extends HttpResponse {
  constructor(permittedMethods: readonly string[], content = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 405 });
    this.headers.set('Allow', permittedMethods.join(', '));
  }
}

/** 404 with a body of your choice. */
export class HttpResponseNotFound extends HttpResponse {
  constructor(content: string | Buffer = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 404 });
  }
}

/** 400 with a body of your choice. */
export class HttpResponseBadRequest extends HttpResponse {
  constructor(content: string | Buffer = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 400 });
  }
}

/** 403 with a body of your choice. */
export class HttpResponseForbidden extends HttpResponse {
  constructor(content: string | Buffer = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 403 });
  }
}

/**
 * A response whose body is produced piece by piece from an (async) iterable.
 * The server writes each chunk as it comes, respecting backpressure.
 *
 * @example
 * async function* rows() { yield 'a\n'; yield 'b\n'; }
 * return new StreamingHttpResponse(rows(), { contentType: 'text/plain' });
 */
export class StreamingHttpResponse extends HttpResponse {
  constructor(stream: StreamBody, init: ResponseInit = {}) {
    super('', init);
    this.stream = stream;
  }
}
