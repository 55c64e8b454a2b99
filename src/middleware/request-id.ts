/**
 * RequestIdMiddleware (order 30, outside the others): every request gets an id, returned in
 * `X-Request-Id` (settings.requestIdHeader) and shown on error pages, in problem+json and
 * in the access log. A proxy listed in settings.trustedProxies may send one in that
 * header (nginx's `$request_id`), so one id follows the request across the services; from
 * anyone else, or when it is not a short token, the header is ignored and a new id is
 * made: 16 random hex digits fixed per process, a dash, and a counter (unique across
 * processes and machines, and costing no random bytes per request).
 */
import { randomBytes } from 'node:crypto';
import type { Settings } from '../app/settings';
import { Inject, SETTINGS } from '../di/injectable';
import { presetHeader, type PresetHeader } from '../http/headers';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import { Middleware } from './middleware-decorator';

/** What an id taken from a proxy may look like: a UUID, nginx's hex, a trace id. */
const ACCEPTABLE = /^[A-Za-z0-9._:@-]{1,128}$/;

const PROCESS_PREFIX = `${randomBytes(8).toString('hex')}-`;
let counter = 0;

/** A new request id: unique per process (the counter) and across processes (the prefix). */
function newId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return PROCESS_PREFIX + counter.toString(36);
}

@Middleware(30)
export class RequestIdMiddleware {
  private readonly header: string;
  private readonly preset: PresetHeader;
  private readonly trusted: ReadonlySet<string>;

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.header = settings.requestIdHeader;
    this.preset = presetHeader(settings.requestIdHeader, '');
    this.trusted = new Set(settings.trustedProxies);
  }

  processRequest(request: HttpRequest): undefined {
    const given =
      this.trusted.size > 0 && this.trusted.has(request.remoteAddress) ? request.headers.get(this.header) : undefined;
    request.id = given !== undefined && ACCEPTABLE.test(given) ? given : newId();
    return undefined;
  }

  processResponse(request: HttpRequest, response: HttpResponse): HttpResponse {
    response.headers.setChecked(this.preset, request.id!); // ours, or one that passed ACCEPTABLE
    return response;
  }
}
