/**
 * XFrameOptionsMiddleware (order 700): `X-Frame-Options: DENY` (or the `xFrameOptions`
 * setting) on every response, against clickjacking; `@XFrameOptionsExempt()` views opt out.
 */
import type { Settings } from '../app/settings';
import { Inject, SETTINGS } from '../di/injectable';
import { presetHeader, type PresetHeader } from '../http/headers';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import { ViewOption } from '../views/view-options';
import { Middleware } from './middleware-decorator';

const EXEMPT = 'xFrameOptionsExempt';

/** Lets this view (or every view of the controller) be framed. */
export const XFrameOptionsExempt = (): ClassDecorator & MethodDecorator => ViewOption(EXEMPT, true);

@Middleware(700)
export class XFrameOptionsMiddleware {
  private readonly header: PresetHeader;

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.header = presetHeader('X-Frame-Options', settings.xFrameOptions.toUpperCase());
  }

  processResponse(request: HttpRequest, response: HttpResponse): HttpResponse {
    // resolverMatch carries the matched view's options (set before the view ran).
    if (request.resolverMatch?.options[EXEMPT] !== true) response.headers.setPreset(this.header);
    return response;
  }
}
