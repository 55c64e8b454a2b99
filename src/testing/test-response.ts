/**
 * TestResponse: what a test reads of a response: status, headers, text, json(), cookies,
 * the SQL the request ran, and for rendered templates the template name and context.
 */
import { RondoError, type HttpResponse, type ResponseHeaders } from '../index';
import { type RecordedQuery } from '../db/index';

export class TestResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  /** Set-Cookie header values, by cookie name. */
  readonly cookies: ReadonlyMap<string, string>;
  /** The body as bytes (empty for HEAD). */
  readonly body: Buffer;
  /** Responses followed before this one (with `followRedirects`). */
  readonly redirectChain: Array<{ url: string; status: number }>;
  /** The HttpResponse the app produced (its class, `data` of a JsonResponse...). */
  readonly original: HttpResponse;
  /** The SQL the request ran, in order (Django's `connection.queries`; empty without models). */
  readonly queries: readonly RecordedQuery[];

  constructor(
    original: HttpResponse,
    body: Buffer,
    more: { redirectChain?: Array<{ url: string; status: number }>; queries?: readonly RecordedQuery[] } = {},
  ) {
    this.original = original;
    this.status = original.status;
    this.headers = original.headers;
    this.cookies = original.cookies;
    this.body = body;
    this.redirectChain = more.redirectChain ?? [];
    this.queries = more.queries ?? [];
  }

  /** The body decoded as UTF-8. */
  get text(): string {
    return this.body.toString('utf8');
  }

  /** The body parsed as JSON; throws with the body in the message when it is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a body of any shape, as fetch's Response.json()
  json<T = any>(): T {
    try {
      return JSON.parse(this.text) as T;
    } catch {
      throw new RondoError(
        'TEST_RESPONSE_NOT_JSON',
        `The response body is not JSON (status ${this.status}, Content-Type ${this.headers.get('content-type')}): ${this.text.slice(0, 200)}`,
      );
    }
  }

  /** The template a TemplateResponse rendered, if any. */
  get templateName(): string | undefined {
    return (this.original as { templateName?: string }).templateName;
  }

  /** The context a TemplateResponse rendered with, if any. */
  get context(): Record<string, unknown> | undefined {
    return (this.original as { context?: Record<string, unknown> }).context;
  }
}
