/**
 * Sends requestStarted and requestFinished. An app gets this middleware (outermost) only
 * when one of its services has a `@Receiver` for them, so an app without such receivers
 * pays nothing per request.
 */
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import { Middleware } from './middleware-decorator';
import { Signals, requestFinished, requestStarted } from '../signals/signals';

@Middleware(1)
export class RequestSignalsMiddleware {
  constructor(private readonly signals: Signals) {}

  async processRequest(request: HttpRequest): Promise<undefined> {
    await this.signals.send(requestStarted, { request });
    return undefined;
  }

  async processResponse(request: HttpRequest, response: HttpResponse): Promise<HttpResponse> {
    await this.signals.send(requestFinished, { request, response });
    return response;
  }
}
