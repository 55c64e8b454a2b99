/**
 * SecurityMiddleware (order 100), Django's: redirects plain HTTP to HTTPS when asked, and
 * adds the security headers (nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS on
 * secure requests, Content-Security-Policy and its report-only twin, see csp.ts) unless
 * the view set them itself.
 */
import type { Settings } from '../app/settings';
import { Inject, SETTINGS } from '../di/injectable';
import { presetHeader, type PresetHeader } from '../http/headers';
import type { HttpRequest } from '../http/request';
import { usedCspNonce } from '../http/csp-nonce';
import { HttpResponsePermanentRedirect, type HttpResponse } from '../http/response';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { compileCsp, type CompiledCsp } from './csp';
import { Middleware } from './middleware-decorator';

@Middleware(100)
export class SecurityMiddleware {
  private readonly headers: PresetHeader[] = [];
  private readonly hsts: PresetHeader | undefined;
  private readonly exempt: RegExp[];
  private readonly csp: CompiledCsp | undefined;
  private readonly cspReportOnly: CompiledCsp | undefined;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    if (settings.secureContentTypeNosniff) this.headers.push(presetHeader('X-Content-Type-Options', 'nosniff'));
    if (settings.secureReferrerPolicy)
      this.headers.push(presetHeader('Referrer-Policy', settings.secureReferrerPolicy));
    if (settings.secureCrossOriginOpenerPolicy)
      this.headers.push(presetHeader('Cross-Origin-Opener-Policy', settings.secureCrossOriginOpenerPolicy));
    if (settings.contentSecurityPolicy && settings.csp !== null) {
      throw new ImproperlyConfigured(
        'CSP_INVALID',
        'settings.contentSecurityPolicy (a fixed header value) and settings.csp (directives with nonces) are both set: keep one, settings.csp',
      );
    }
    if (settings.contentSecurityPolicy)
      this.headers.push(presetHeader('Content-Security-Policy', settings.contentSecurityPolicy));
    this.csp = settings.csp === null ? undefined : compileCsp(settings.csp, 'settings.csp');
    this.cspReportOnly =
      settings.cspReportOnly === null ? undefined : compileCsp(settings.cspReportOnly, 'settings.cspReportOnly');
    if (settings.secureHstsSeconds > 0) {
      this.hsts = presetHeader(
        'Strict-Transport-Security',
        `max-age=${settings.secureHstsSeconds}${settings.secureHstsIncludeSubdomains ? '; includeSubDomains' : ''}${settings.secureHstsPreload ? '; preload' : ''}`,
      );
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
    const options = request.resolverMatch?.options;
    // A view's @Csp()/@CspReportOnly() (null: none) wins over the setting; a header the view set itself stays.
    const csp =
      (options?.csp as CompiledCsp | null | undefined) === undefined ? this.csp : (options!.csp as CompiledCsp | null);
    const reportOnly =
      (options?.cspReportOnly as CompiledCsp | null | undefined) === undefined
        ? this.cspReportOnly
        : (options!.cspReportOnly as CompiledCsp | null);
    if (csp && !response.headers.has('Content-Security-Policy'))
      response.headers.set('Content-Security-Policy', csp.value(usedCspNonce(request)));
    if (reportOnly && !response.headers.has('Content-Security-Policy-Report-Only')) {
      response.headers.set('Content-Security-Policy-Report-Only', reportOnly.value(usedCspNonce(request)));
    }
    return response;
  }

  private isExempt(request: HttpRequest): boolean {
    const path = request.path.replace(/^\//, '');
    return this.exempt.some((re) => re.test(path));
  }
}
