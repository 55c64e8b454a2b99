/**
 * SecurityMiddleware (order 100), Django's: redirects plain HTTP to HTTPS when asked, and
 * adds the security headers (nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS on
 * secure requests, an optional Content-Security-Policy) unless the view set them itself.
 */
import type { Settings } from '../app/settings';
import { Inject, SETTINGS } from '../di/injectable';
import { presetHeader, type PresetHeader } from '../http/headers';
import type { HttpRequest } from '../http/request';
import { HttpResponsePermanentRedirect, type HttpResponse } from '../http/response';
import { Middleware } from './middleware-decorator';

@Middleware(100)
export class SecurityMiddleware {
  private readonly headers: PresetHeader[] = [];
  private readonly hsts: PresetHeader | undefined;
  private readonly exempt: RegExp[];

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    if (settings.secureContentTypeNosniff) this.headers.push(presetHeader('X-Content-Type-Options', 'nosniff'));
    if (settings.secureReferrerPolicy) this.headers.push(presetHeader('Referrer-Policy', settings.secureReferrerPolicy));
    if (settings.secureCrossOriginOpenerPolicy) this.headers.push(presetHeader('Cross-Origin-Opener-Policy', settings.secureCrossOriginOpenerPolicy));
    if (settings.contentSecurityPolicy) this.headers.push(presetHeader('Content-Security-Policy', settings.contentSecurityPolicy));
    if (settings.secureHstsSeconds > 0) {
      this.hsts = presetHeader('Strict-Transport-Security', `max-age=${settings.secureHstsSeconds}${settings.secureHstsIncludeSubdomains ? '; includeSubDomains' : ''}${settings.secureHstsPreload ? '; preload' : ''}`);
    }
    this.exempt = settings.secureRedirectExempt.map((pattern) => new RegExp(pattern));
  }

  processRequest(request: HttpRequest): HttpResponse | undefined {
    if (this.settings.secureSslRedirect && !request.isSecure() && !this.isExempt(request)) {
      const host = this.settings.secureSslHost || request.getHost();
      return new HttpResponsePermanentRedirect(`https://${host}${request.getFullPath()}`);
    }
    return undefined;
  }

  processResponse(request: HttpRequest, response: HttpResponse): HttpResponse {
    for (const header of this.headers) response.headers.setPreset(header);
    if (this.hsts !== undefined && request.isSecure()) response.headers.setPreset(this.hsts);
    return response;
  }

  private isExempt(request: HttpRequest): boolean {
    const path = request.path.replace(/^\//, '');
    return this.exempt.some((re) => re.test(path));
  }
}
