/**
 * HttpRequest: what a view sees of one HTTP request. Built cheaply by the server adapter
 * or the TestClient from a RequestInit; everything costly (path decoding, query, cookies,
 * body) is parsed on first use and cached.
 */
import { RondoError } from '../errors/rondo-error';
import type { ViewOptions } from '../metadata/keys';
import { decodeBody, parseJsonBody, readBody, type BodyCallback, type BodySource } from './body';
import { isFormType, isJsonType, mediaType } from './content-negotiation';
import { findCookie, parseCookieHeader } from './cookies';
import { BadRequest, DisallowedHost, HttpError, UnsupportedMediaType } from './errors';
import type { HostPolicy } from './host-validation';
import { RequestHeaders, type IncomingHeaders } from './headers';
import { QueryDict } from './query-dict';
import { BadSignature, type Signer } from './signing';
import { FileDict } from './uploaded-file';
import type { MessageBag } from '../messages/message-bag';
import type { RequestSession } from '../sessions/session';

/** What an adapter (node:http, TestClient) hands the framework for one request. */
export interface RequestInit {
  method: string;
  /** Request target as received: `/path?query`. */
  url: string;
  /** Lower-cased header names, as node:http gives them. */
  headers: IncomingHeaders;
  body?: BodySource;
  remoteAddress?: string;
  /** True when the connection itself is TLS. */
  encrypted?: boolean;
  /** How many Host field lines the client sent, when the adapter counts them (node keeps only the first). */
  hostLines?: number;
  /** How many header field lines the client sent (node:http counts raw lines); else the distinct names. */
  headerLines?: number;
  httpVersion?: string;
}

/**
 * A key to one of the app's services that requests carry (the app's templates, its
 * validation options, its URL resolver): a symbol typed by its service, defined by the
 * layer that owns the service, so no layer reaches another through casts.
 */
export type ServiceKey<T> = symbol & { readonly __service?: T };

/** Makes a ServiceKey (`Symbol.for(description)`, so it doubles as a DI token). */
export function serviceKey<T>(description: string): ServiceKey<T> {
  return Symbol.for(description);
}

/** Per-app limits and hooks every request of that app shares (built once at start-up). */
export interface RequestOptions {
  maxBodySize: number;
  maxFields: number;
  /** Deepest nesting of a JSON body (400 beyond); default 64. */
  jsonMaxDepth?: number;
  /** Longest request target (414 beyond); undefined = no limit. */
  maxUrlLength?: number;
  /** Most header field lines (431 beyond); undefined = no limit. */
  maxHeaderCount?: number;
  /** Which hosts and proxies to trust (from settings); undefined = no checks (unit tests). */
  hostPolicy?: HostPolicy;
  /** The signer of signed cookies (by cookie name and salt); undefined without a secretKey. */
  cookieSigner?: (name: string, salt: string) => Signer;
  /** Body parsers beyond JSON and urlencoded forms (multipart), keyed by media type. */
  bodyParsers?: ReadonlyMap<string, (request: HttpRequest) => Promise<void>>;
  /** The app's services, by ServiceKey (see `request.service`). */
  services?: ReadonlyMap<symbol, unknown>;
}

/** The parsed form of a urlencoded or multipart body. */
export interface ParsedForm {
  POST: QueryDict;
  FILES?: FileDict;
}

/** Methods as node:http gives them (already upper-case): no toUpperCase per request. */
const STANDARD_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const EMPTY = new QueryDict();
const NO_FILES = new FileDict();

/** One incoming HTTP request. */
export class HttpRequest {
  readonly method: string;
  /** The path as received, still percent-encoded, without the query string. */
  readonly rawPath: string;
  /** The raw query string, without `?`. */
  readonly queryString: string;
  readonly headers: RequestHeaders;
  readonly remoteAddress: string;
  readonly httpVersion: string;
  /** The matched route: its name, pattern and converted params. Set by the resolver. */
  resolverMatch:
    | {
        name: string | undefined;
        route: string;
        params: Record<string, unknown>;
        options: ViewOptions;
        /** The view, as `Controller.method` (debug pages name it). */
        view: string;
      }
    | undefined;
  /** Set by SessionMiddleware (undefined in an app without it, as express-session types it). */
  session!: RequestSession;
  /**
   * The user, once loaded (`await request.auser()`; views with `@User()`, `@LoginRequired` or
   * `@PermissionRequired` have it). `any` as Django's request.user: each app has its own user class.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the app's own user class
  user: any;
  /** Set by AuthenticationMiddleware: loads the user from the session (once). */
  userLoader: ((request: HttpRequest) => Promise<unknown>) | undefined;
  /** Set by MessageMiddleware: `request.messages.add(level, text)` (undefined without it). */
  messages!: MessageBag;
  /** Set by CsrfViewMiddleware: returns the masked CSRF token for a form. */
  csrfToken: (() => string) | undefined;
  /** How deep the middleware chain went for this request (its next()-twice guard). */
  chainDepth = 0;
  /** Set by RequestIdMiddleware: a trusted proxy's X-Request-Id, or a new id (logs, error pages). */
  id: string | undefined;
  /** Free space for middleware and views to share per-request data. */
  readonly state: Record<string, unknown> = {};

  private readonly init: RequestInit;
  private readonly options: RequestOptions;
  private decodedPath: string | undefined;
  private query: QueryDict | undefined;
  private cookies: Record<string, string> | undefined;
  private bodyPromise: Promise<Buffer> | undefined;
  /** The body once read, or the error that ended the read. */
  private bodyResult: Buffer | Error | undefined;
  /** Who waits for the body while it is being read (undefined when no read started). */
  private bodyWaiters: BodyCallback[] | undefined;
  /** The body's parsing: it resolves with the JSON value for a JSON body (json() needs no then()). */
  private loadPromise: Promise<unknown> | undefined;
  private form: ParsedForm | undefined;
  private jsonValue: unknown;
  private jsonLoaded = false;
  /** A body other than JSON has been loaded (parsed, or nothing to parse). */
  private otherLoaded = false;
  /** Each may return a promise (awaited before the next). */
  private cleanups: Array<() => unknown> | undefined;

  /** @internal Made by the server (and rondo/testing's RequestFactory), not by apps. */
  constructor(init: RequestInit, options: RequestOptions) {
    this.init = init;
    this.options = options;
    this.method = STANDARD_METHODS.has(init.method) ? init.method : init.method.toUpperCase();
    this.headers = new RequestHeaders(init.headers);
    this.remoteAddress = init.remoteAddress ?? '';
    this.httpVersion = init.httpVersion ?? '1.1';
    const target = originForm(init.url);
    const question = target.indexOf('?');
    this.rawPath = question === -1 ? target : target.slice(0, question);
    this.queryString = question === -1 ? '' : target.slice(question + 1);
  }

  /** The app's service under `key` (undefined for a request built outside an app). */
  service<T>(key: ServiceKey<T>): T | undefined {
    return this.options.services?.get(key) as T | undefined;
  }

  /** The user of this request, loaded from the session once (Django's `request.auser()`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the app's own user class, as `user`
  async auser(): Promise<any> {
    if (this.user === undefined && this.userLoader !== undefined) this.user = await this.userLoader(this);
    return this.user;
  }

  /**
   * The value of a cookie set with `response.setSignedCookie`, or undefined when it is
   * missing, tampered with, signed with another salt, or older than `maxAge` seconds.
   */
  getSignedCookie(name: string, options: { maxAge?: number; salt?: string } = {}): string | undefined {
    const raw = this.getCookie(name);
    if (raw === undefined || this.options.cookieSigner === undefined) return undefined;
    try {
      return this.options.cookieSigner(name, options.salt ?? '').unsignTimestamped(raw, options.maxAge);
    } catch (error) {
      if (error instanceof BadSignature) return undefined;
      throw error;
    }
  }

  /**
   * An HMAC of `value` keyed by the app's secretKey and `salt` (Django's salted_hmac), or
   * undefined without a secretKey. The session auth hash is one.
   */
  saltedHmac(salt: string, value: string): string | undefined {
    if (this.options.cookieSigner === undefined) return undefined;
    const signed = this.options.cookieSigner('', salt).sign(value);
    return signed.slice(signed.lastIndexOf(':') + 1);
  }

  /** The percent-decoded path (decoded once). Invalid encodings or NUL bytes are a 400. */
  get path(): string {
    if (this.decodedPath === undefined) this.decodedPath = decodePath(this.rawPath);
    return this.decodedPath;
  }

  /** The path with the query string, as received (Django's `get_full_path`). */
  getFullPath(): string {
    return this.queryString === '' ? this.rawPath : `${this.rawPath}?${this.queryString}`;
  }

  /** Query parameters (Django's `request.GET`). */
  get GET(): QueryDict {
    if (this.query === undefined) {
      this.query = this.queryString === '' ? EMPTY : QueryDict.parse(this.queryString, this.options.maxFields);
    }
    return this.query;
  }

  /**
   * One cookie's value (undefined when not sent): `request.COOKIES[name]` without parsing
   * every cookie, for code that reads one or two.
   */
  getCookie(name: string): string | undefined {
    return this.cookies !== undefined ? this.cookies[name] : findCookie(this.headers.get('cookie'), name);
  }

  /** Cookies sent by the client (null-prototype record). */
  get COOKIES(): Record<string, string> {
    if (this.cookies === undefined) this.cookies = parseCookieHeader(this.headers.get('cookie'));
    return this.cookies;
  }

  /** 'https' when the connection is TLS, else 'http'. */
  get scheme(): string {
    if (this.init.encrypted) return 'https';
    const policy = this.options.hostPolicy;
    if (
      policy?.proxyHeader !== undefined &&
      this.headers.get(policy.proxyHeader)?.split(',')[0].trim() === policy.proxyValue
    )
      return 'https';
    return 'http';
  }

  /** True over TLS, or behind a proxy that says so through `secureProxySslHeader`. */
  isSecure(): boolean {
    return this.scheme === 'https';
  }

  /**
   * The client's address: the socket's, or, when the socket is a trusted proxy, the
   * nearest untrusted address in X-Forwarded-For.
   */
  get clientAddress(): string {
    const proxies = this.options.hostPolicy?.trustedProxies;
    if (proxies === undefined || proxies.size === 0 || !proxies.has(this.remoteAddress)) return this.remoteAddress;
    const chain = (this.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    for (let i = chain.length - 1; i >= 0; i--) if (!proxies.has(chain[i])) return chain[i];
    return chain[0] ?? this.remoteAddress;
  }

  /** Throws 414 / 431 when the target or the header count passes its limit; the kernel calls it first. */
  checkLimits(): void {
    const { maxUrlLength, maxHeaderCount } = this.options;
    if (maxUrlLength !== undefined && this.init.url.length > maxUrlLength) {
      throw new HttpError(
        414,
        `The request target is ${this.init.url.length} characters long; the limit is maxUrlLength (${maxUrlLength})`,
      );
    }
    if (maxHeaderCount !== undefined) {
      const count = this.init.headerLines ?? Object.keys(this.init.headers).length;
      if (count > maxHeaderCount)
        throw new HttpError(
          431,
          `The request has ${count} header lines; the limit is maxHeaderCount (${maxHeaderCount})`,
        );
    }
  }

  /** Throws DisallowedHost (400) when the Host is not allowed; the kernel calls it first. */
  validateHost(): void {
    this.getHost();
  }

  /** An absolute URL for `location` (default: this request's path) on this site. */
  buildAbsoluteUri(location?: string): string {
    // Read as a browser would (a backslash is a slash, tabs and newlines vanish), so two
    // leading backslashes or slashes ('//evil.com') can never leave this site: a path here.
    const target = (location ?? this.getFullPath()).replace(/[\t\n\r]/g, '').replace(/\\/g, '/');
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
    const base = `${this.scheme}://${this.getHost()}`;
    if (target.startsWith('/')) return base + target.replace(/^\/+/, '/');
    return new URL(target, base + this.rawPath).toString();
  }

  /**
   * The host (and optional port) this request was sent to, validated on every call as
   * Django's `get_host()` is: DisallowedHost (400) when it is not in allowedHosts, and 400
   * for more than one Host field line (RFC 9112 3.2). No middleware, redirect or
   * `buildAbsoluteUri` can see a host that was not checked.
   */
  getHost(): string {
    if (this.validHost !== undefined) return this.validHost;
    if ((this.init.hostLines ?? 1) > 1)
      throw new DisallowedHost('The request has more than one Host header (RFC 9112 section 3.2)');
    const host = this.headerHost();
    const policy = this.options.hostPolicy;
    // A request built in process may carry one more host its builder vouches for (the TestClient's 'testserver').
    const problem = policy?.problem(host, this.state.alsoAllowedHost as string | undefined);
    if (problem !== undefined) throw new DisallowedHost(problem);
    this.validHost = host;
    return host;
  }

  private validHost: string | undefined = undefined;

  private headerHost(): string {
    if (this.options.hostPolicy?.useXForwardedHost) {
      const forwarded = this.headers.get('x-forwarded-host');
      if (forwarded) return forwarded.split(',')[0].trim();
    }
    return this.headers.get('host') ?? '';
  }

  /** The media type of the body, lower-cased, without parameters. */
  get contentType(): string {
    return (this.mediaTypeCache ??= mediaType(this.headers.get('content-type')));
  }

  private mediaTypeCache: string | undefined = undefined;

  /** True when the request declares a body (Content-Length > 0 or chunked). */
  get hasBody(): boolean {
    const length = this.init.headers['content-length'];
    if (length !== undefined) return length !== '0';
    if (this.init.headers['transfer-encoding'] !== undefined) return true;
    // A stream (node's IncomingMessage) without Content-Length or Transfer-Encoding has no
    // body (RFC 9112 6.3); an in-process body (TestClient) is there when it is not empty.
    const body = this.init.body;
    return typeof body === 'string' || Buffer.isBuffer(body) ? body.length > 0 : false;
  }

  /** The raw body, read once within `dataUploadMaxMemorySize` (413 beyond). */
  body(): Promise<Buffer> {
    return (this.bodyPromise ??= new Promise((resolve, reject) =>
      this.withBody((error, body) => {
        if (error !== undefined) reject(error);
        else resolve(body!);
      }),
    ));
  }

  /** The body parsed as JSON. 415 when the content type is not JSON, 400 when it is invalid. */
  json<T = unknown>(): Promise<T> {
    if (this.jsonLoaded) return Promise.resolve(this.jsonValue as T);
    if (!isJsonType(this.contentType)) {
      return Promise.reject(
        new UnsupportedMediaType(
          `Expected a JSON body (Content-Type: application/json) but got ${this.contentType || 'no Content-Type'}`,
        ),
      );
    }
    return this.load() as Promise<T>; // a JSON body's parsing resolves with its value
  }

  /**
   * True once `load()` has read and parsed the body (JSON, form or a registered parser's):
   * `loadedJson()` and `POST` can then be read synchronously, as the kernel's argument
   * resolvers do after loading the body for the view.
   */
  get isLoaded(): boolean {
    return this.jsonLoaded || this.otherLoaded;
  }

  /** The JSON body once `load()` has parsed it, else undefined. */
  loadedJson(): unknown {
    return this.jsonLoaded ? this.jsonValue : undefined;
  }

  /** Reads and parses the body once: JSON, urlencoded forms, and registered parsers (multipart). */
  load(): Promise<void> {
    if (this.loadPromise === undefined) this.loadPromise = this.parseBody();
    return this.loadPromise as Promise<void>;
  }

  /** Form fields of a urlencoded or multipart body (Django's `request.POST`); needs `load()` first. */
  get POST(): QueryDict {
    if (this.form !== undefined) return this.form.POST;
    if (!this.hasBody || !isFormType(this.contentType)) return EMPTY;
    throw new RondoError(
      'BODY_NOT_LOADED',
      'request.POST was read before the body was loaded: call `await request.load()` first ' +
        '(views get the body loaded for them; middleware must load it themselves)',
    );
  }

  /** Uploaded files of a multipart body (empty otherwise); needs `load()` first. */
  get FILES(): FileDict {
    return this.form?.FILES ?? NO_FILES;
  }

  /** The body as received, for streaming body parsers (multipart). It can be read once. */
  rawBody(): BodySource {
    return this.init.body;
  }

  /** Registers work to run after the response (temporary upload files are removed this way). */
  addCleanup(task: () => unknown): void {
    (this.cleanups ??= []).push(task);
  }

  /** True when cleanup tasks are registered. */
  get hasCleanups(): boolean {
    return this.cleanups !== undefined;
  }

  /** Runs the cleanup tasks once (adapters call it after the response); never rejects. */
  async cleanup(): Promise<void> {
    const tasks = this.cleanups;
    this.cleanups = undefined;
    if (tasks !== undefined) await Promise.allSettled(tasks.map((task) => task()));
  }

  /** @internal Used by body parsers (multipart) to hand back the parsed form. */
  setForm(form: ParsedForm): void {
    this.form = form;
  }

  /**
   * Reads the body once (callback style: node's stream costs no promise here) and hands
   * it, or the error, to every caller; `done` may run synchronously.
   */
  private withBody(done: BodyCallback): void {
    const result = this.bodyResult;
    if (result !== undefined) {
      if (result instanceof Error) done(result, undefined);
      else done(undefined, result);
      return;
    }
    if (this.bodyWaiters !== undefined) {
      this.bodyWaiters.push(done);
      return;
    }
    this.bodyWaiters = [done];
    const declared = Number(this.init.headers['content-length'] ?? 0) || 0;
    const encoding = this.init.headers['content-encoding'] as string | undefined;
    readBody(this.init.body, this.options.maxBodySize, declared, (readError, raw) => {
      let error = readError;
      let body = raw;
      if (error === undefined && encoding !== undefined) {
        try {
          body = decodeBody(raw!, encoding, this.options.maxBodySize);
        } catch (decodeError) {
          error = decodeError as Error;
          body = undefined;
        }
      }
      this.bodyResult = error ?? body;
      const waiters = this.bodyWaiters!;
      this.bodyWaiters = undefined;
      for (let i = 0; i < waiters.length; i++) waiters[i](error, body);
    });
  }

  private parseBody(): Promise<unknown> {
    const type = this.contentType;
    // One promise, resolved with the value once the body is read and parsed: JSON bodies are the hot case.
    if (isJsonType(type)) {
      return new Promise((resolve, reject) =>
        this.withBody((error, body) => {
          if (error !== undefined) return reject(error);
          try {
            this.jsonValue = parseJsonBody(body!, this.options.jsonMaxDepth);
            this.jsonLoaded = true;
            resolve(this.jsonValue);
          } catch (parseError) {
            reject(parseError);
          }
        }),
      );
    }
    return this.parseOtherBody(type);
  }

  private async parseOtherBody(type: string): Promise<void> {
    if (type === 'application/x-www-form-urlencoded') {
      const text = (await this.body()).toString('utf8');
      this.form = { POST: QueryDict.parse(text, this.options.maxFields) };
    } else {
      const parser = this.options.bodyParsers?.get(type);
      if (parser !== undefined) {
        const encoding = this.init.headers['content-encoding'] as string | undefined;
        if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
          throw new UnsupportedMediaType(
            `A ${type} body with Content-Encoding '${encoding.slice(0, 40)}' is not supported; send it unencoded`,
          );
        }
        await parser(this);
      }
    }
    this.otherLoaded = true;
  }
}

/**
 * The request target as `/path?query`: absolute-form (proxies send `GET http://host/path`) keeps the path part only.
 */
function originForm(url: string): string {
  if (url.charCodeAt(0) === 47 /* / */) return url;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  return match ? url.slice(match[0].length) || '/' : '/' + url;
}

function decodePath(raw: string): string {
  if (raw.indexOf('%') === -1) {
    if (raw.indexOf('\0') !== -1) throw new BadRequest('The request path has a NUL byte');
    return raw;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new BadRequest(`The request path has an invalid percent-encoding: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (decoded.indexOf('\0') !== -1) throw new BadRequest('The request path has a NUL byte');
  return decoded;
}
