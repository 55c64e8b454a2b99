/**
 * TestClient: drives an app in process, without a socket, the way Django's test Client
 * does: one method per HTTP verb, JSON and form bodies, a cookie jar shared by the
 * requests of one client, and optional redirect following. Uses the public API only.
 */
import { type App, type HttpResponse } from '../index';
import { captureQueries } from '../db/index';
import { TestResponse } from './test-response';
import { ContractChecker, OPENAPI_OPTIONS } from '../openapi/index';

/** One contract checker per app (its document and compiled schemas), shared by its clients. */
const checkers = new WeakMap<App, ContractChecker>();

function checkerFor(app: App): ContractChecker {
  let checker = checkers.get(app);
  if (checker === undefined) {
    const options = app.container.isBound(OPENAPI_OPTIONS) ? app.container.get<object>(OPENAPI_OPTIONS) : {};
    checker = new ContractChecker(app.openapi(options));
    checkers.set(app, checker);
  }
  return checker;
}

/** Options of one request. */
export interface RequestOptions {
  /** Query parameters, appended to the path (arrays repeat the key). */
  query?: Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>>;
  headers?: Record<string, string>;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded` (arrays repeat the key). */
  data?: Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>>;
  /** Files: sent with `data` as `multipart/form-data`. */
  files?: Record<string, TestFile | TestFile[]>;
  /** A raw body; set `contentType` with it. */
  body?: string | Buffer;
  contentType?: string;
  /** Follow 3xx responses with GET (HEAD stays HEAD), at most 20 hops. */
  followRedirects?: boolean;
  /** Pretend the request came over TLS. */
  secure?: boolean;
  remoteAddress?: string;
}

/** A file for a multipart request. */
export interface TestFile {
  name: string;
  content: string | Buffer;
  contentType?: string;
}

/** Options of the client. */
export interface TestClientOptions {
  /** Run the CSRF check as a browser request would (off by default, as Django's client). */
  enforceCsrfChecks?: boolean;
  /** Headers sent with every request (per-request headers win). */
  headers?: Record<string, string>;
  /** The Host header sent by default. */
  host?: string;
  /**
   * Check every JSON response against the schema its operation declares in the app's
   * OpenAPI document (`app.openapi()`, with openapiApp()'s options when the app mounts it):
   * a status the operation does not declare, or a body its schema refuses, fails the request
   * with a ContractViolation naming the path, status and mismatch. `{ requests: true }` also
   * checks the JSON bodies the test sends.
   */
  openapi?: boolean | { requests?: boolean };
}

type Pairs = Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>>;

const MAX_REDIRECTS = 20;

/**
 * ```ts
 * const client = new TestClient(app);
 * const response = await client.post('/posts/', { json: { title: 'Hi' } });
 * expect(response.status).to.equal(201);
 * ```
 */
export class TestClient {
  /** Cookies the app has set, by name, sent back on later requests. */
  readonly cookies = new Map<string, string>();
  private readonly app: App;
  private readonly config: TestClientOptions;

  constructor(app: App, options: TestClientOptions = {}) {
    this.app = app;
    this.config = options;
  }

  get(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('GET', path, options);
  }
  post(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('POST', path, options);
  }
  put(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('PUT', path, options);
  }
  patch(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('PATCH', path, options);
  }
  delete(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('DELETE', path, options);
  }
  head(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('HEAD', path, options);
  }
  options(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('OPTIONS', path, options);
  }

  /** Replaces a binding for this app (see `App.override`); returns the client for chaining. */
  override(token: unknown, value: unknown): this {
    this.app.override(token as never, value);
    return this;
  }

  /** Sends one request with any method. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
    const chain: Array<{ url: string; status: number }> = [];
    let response = await this.send(method, path, options);
    let url = withQuery(path, options.query);
    while (options.followRedirects && isRedirect(response.status) && chain.length < MAX_REDIRECTS) {
      chain.push({ url, status: response.status });
      const next = new URL(response.headers.get('location') ?? '/', `http://${this.hostName()}${url}`);
      url = next.pathname + next.search;
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      response = await this.send(method, url, { headers: options.headers, secure: options.secure });
    }
    return chain.length
      ? new TestResponse(response.original, response.body, { redirectChain: chain, queries: response.queries })
      : response;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<TestResponse> {
    const headers: Record<string, string> = { host: this.hostName() };
    const body = encodeBody(options, headers);
    for (const [k, v] of Object.entries({ ...this.config.headers, ...options.headers })) headers[k.toLowerCase()] = v;
    if (this.cookies.size && headers.cookie === undefined) {
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const request = this.app.createRequest({
      method,
      url: withQuery(path, options.query),
      headers,
      body,
      remoteAddress: options.remoteAddress ?? '127.0.0.1',
      encrypted: options.secure ?? false,
      httpVersion: '1.1',
    });
    if (!this.config.enforceCsrfChecks) request.state.dontEnforceCsrfChecks = true;
    request.state.alsoAllowedHost = 'testserver'; // an allowed host, as in Django's tests
    try {
      const { result, queries } = await captureQueries(async () => {
        const response = await this.app.handle(request);
        return { response, body: method === 'HEAD' ? Buffer.alloc(0) : await readContent(response) };
      });
      this.storeCookies(result.response);
      if (this.config.openapi) this.checkContract(method, path, request.resolverMatch?.route, result, options);
      return new TestResponse(result.response, result.body, { queries });
    } finally {
      await request.cleanup();
    }
  }

  private checkContract(
    method: string,
    path: string,
    route: string | undefined,
    result: { response: HttpResponse; body: Buffer },
    options: RequestOptions,
  ): void {
    if (route === undefined) return;
    const checker = checkerFor(this.app);
    const what = `${method} ${path}`;
    const requests = typeof this.config.openapi === 'object' && this.config.openapi.requests === true;
    if (requests && options.json !== undefined)
      checker.checkRequest(what, route, method, 'application/json', options.json);
    const type = (result.response.headers.get('content-type') ?? '').split(';')[0].trim();
    let body: unknown;
    if (/^application\/([\w.-]+\+)?json$/.test(type)) {
      try {
        body = JSON.parse(result.body.toString('utf8'));
      } catch {
        body = undefined; // not JSON after all: the test's own assertions will say so
      }
    }
    checker.checkResponse(what, route, method, result.response.status, type, body);
  }

  private hostName(): string {
    return this.config.host ?? 'testserver';
  }

  private storeCookies(response: HttpResponse): void {
    for (const [name, header] of response.cookies) {
      const value = header.slice(header.indexOf('=') + 1, header.includes(';') ? header.indexOf(';') : undefined);
      const expired = /;\s*max-age=(0|-\d+)/i.test(header) || /;\s*expires=Thu, 01 Jan 1970/i.test(header);
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function encodePairs(pairs: Pairs): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(pairs)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  }
  return search.toString();
}

function withQuery(path: string, query: Pairs | undefined): string {
  if (!query) return path;
  const encoded = encodePairs(query);
  if (!encoded) return path;
  return path + (path.includes('?') ? '&' : '?') + encoded;
}

function encodeBody(options: RequestOptions, headers: Record<string, string>): Buffer | undefined {
  let body: Buffer | undefined;
  if (options.json !== undefined) {
    body = Buffer.from(JSON.stringify(options.json));
    headers['content-type'] = 'application/json';
  } else if (options.files !== undefined) {
    const boundary = `----RondoTestBoundary${Math.random().toString(16).slice(2)}`;
    body = encodeMultipart(options.data ?? {}, options.files, boundary);
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  } else if (options.data !== undefined) {
    body = Buffer.from(encodePairs(options.data));
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (options.body !== undefined) {
    body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
    if (options.contentType) headers['content-type'] = options.contentType;
  }
  if (body) headers['content-length'] = String(body.length);
  return body;
}

async function readContent(response: HttpResponse): Promise<Buffer> {
  if (!response.stream) return Buffer.isBuffer(response.content) ? response.content : Buffer.from(response.content);
  const chunks: Buffer[] = [];
  for await (const chunk of response.stream as AsyncIterable<string | Buffer | Uint8Array>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function encodeMultipart(data: Pairs, files: Record<string, TestFile | TestFile[]>, boundary: string): Buffer {
  const parts: Buffer[] = [];
  const quote = (text: string) => text.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
  for (const [key, value] of Object.entries(data)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(key)}"\r\n\r\n${String(v)}\r\n`),
      );
    }
  }
  for (const [key, value] of Object.entries(files)) {
    for (const file of Array.isArray(value) ? value : [value]) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${quote(key)}"; filename="${quote(file.name)}"\r\nContent-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
        ),
      );
      parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
      parts.push(Buffer.from('\r\n'));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}
