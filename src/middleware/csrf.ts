/**
 * CsrfViewMiddleware (order 400), Django's algorithm: unsafe methods (POST, PUT, PATCH,
 * DELETE...) must carry the token from `request.csrfToken()` in the `csrfmiddlewaretoken`
 * form field or the `X-CSRFToken` header, matching the secret in the CSRF cookie (or the
 * session); the Origin header must be the request's own origin or a trusted one, and on
 * HTTPS without Origin the Referer must be. `@CsrfExempt()` views are skipped, and so are
 * TestClient requests unless it was created with `enforceCsrfChecks: true`.
 */
import type { Settings } from '../app/settings';
import { Inject, SETTINGS } from '../di/injectable';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { PermissionDenied } from '../http/errors';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import type { CookieOptions } from '../http/cookies';
import { ViewOption } from '../views/view-options';
import { maskSecret, newSecret, tokenMatches, tokenProblem, SECRET_LENGTH } from './csrf-token';
import { Middleware, type ViewInfo } from './middleware-decorator';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const EXEMPT = 'csrfExempt';
const SESSION_KEY = '_csrftoken';

/** Skips the CSRF check for this view (or every view of the controller). */
export const CsrfExempt = (): ClassDecorator & MethodDecorator => ViewOption(EXEMPT, true);

/** A failed CSRF check: 403 with the reason. */
export class CsrfFailure extends PermissionDenied {
  constructor(
    readonly reason: string,
    debug: boolean,
  ) {
    super(
      `CSRF verification failed. Request aborted. Reason: ${reason}` +
        (debug
          ? ' — Forms must include <input type="hidden" name="csrfmiddlewaretoken" value="<%= csrfToken() %>">; ' +
            'JavaScript clients send the csrftoken cookie value in the X-CSRFToken header; cross-origin ' +
            'callers must be listed in csrfTrustedOrigins. (This hint shows because debug is on.)'
          : ''),
    );
  }
}

/** Per-request CSRF state, kept on request.state. */
interface CsrfState {
  secret: string | undefined;
  rotate: boolean;
}

@Middleware(400)
export class CsrfViewMiddleware {
  private readonly headerName: string;
  private readonly trusted: Array<(origin: string) => boolean>;
  private readonly cookie: CookieOptions;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    this.headerName = settings.csrfHeaderName.toLowerCase();
    this.trusted = settings.csrfTrustedOrigins.map(originMatcher);
    const sameSite = settings.csrfCookieSamesite
      ? (settings.csrfCookieSamesite.toLowerCase() as CookieOptions['sameSite'])
      : undefined;
    this.cookie = {
      maxAge: settings.csrfCookieAge,
      path: settings.csrfCookiePath,
      domain: settings.csrfCookieDomain || undefined,
      secure: settings.csrfCookieSecure,
      httpOnly: settings.csrfCookieHttponly,
      sameSite,
    };
  }

  processRequest(request: HttpRequest): Promise<undefined> | undefined {
    if (this.settings.csrfUseSessions)
      return this.readSessionSecret(request).then((secret) => this.begin(request, secret));
    return this.begin(request, valid(request.getCookie(this.settings.csrfCookieName)));
  }

  private begin(request: HttpRequest, secret: string | undefined): undefined {
    request.state.csrf = { secret, rotate: false } satisfies CsrfState;
    request.csrfToken = csrfToken;
    return undefined;
  }

  processResponse(request: HttpRequest, response: HttpResponse): Promise<HttpResponse> | HttpResponse {
    const state = request.state.csrf as CsrfState | undefined;
    if (state === undefined || !state.rotate || state.secret === undefined) return response;
    response.headers.appendToken('Vary', 'Cookie');
    if (!this.settings.csrfUseSessions) {
      response.setCookie(this.settings.csrfCookieName, state.secret, this.cookie);
      return response;
    }
    return request.session.set(SESSION_KEY, state.secret).then(() => response);
  }

  /** `@CsrfExempt()` views skip the check entirely. */
  appliesToView(view: ViewInfo): boolean {
    return view.options[EXEMPT] !== true;
  }

  processView(request: HttpRequest): Promise<undefined> | undefined {
    if (SAFE_METHODS.has(request.method) || request.state.dontEnforceCsrfChecks === true) return undefined;
    return this.check(request);
  }

  private async check(request: HttpRequest): Promise<undefined> {
    const reason = this.originProblem(request) ?? (await this.tokenFailure(request));
    if (reason !== undefined) throw new CsrfFailure(reason, this.settings.debug);
    return undefined;
  }

  private async readSessionSecret(request: HttpRequest): Promise<string | undefined> {
    return valid(await request.session?.get(SESSION_KEY));
  }

  private originProblem(request: HttpRequest): string | undefined {
    const origin = request.headers.get('origin');
    if (origin !== undefined) {
      if (origin === `${request.scheme}://${request.getHost()}` || this.trusted.some((match) => match(origin)))
        return undefined;
      return `Origin checking failed - ${origin} does not match any trusted origins.`;
    }
    if (!request.isSecure()) return undefined;
    const referer = request.headers.get('referer');
    if (referer === undefined) return 'Referer checking failed - no Referer.';
    let url: URL;
    try {
      url = new URL(referer);
    } catch {
      return 'Referer checking failed - Referer is malformed.';
    }
    if (url.protocol !== 'https:') return 'Referer checking failed - Referer is insecure while host is secure.';
    if (url.host === request.getHost() || this.trusted.some((match) => match(url.origin))) return undefined;
    return `Referer checking failed - ${url.origin} does not match any trusted origins.`;
  }

  private async tokenFailure(request: HttpRequest): Promise<string | undefined> {
    const state = request.state.csrf as CsrfState;
    if (state.secret === undefined)
      return `CSRF ${this.settings.csrfUseSessions ? 'session token' : 'cookie'} not set.`;
    let token: string | undefined;
    if (request.method === 'POST' && request.hasBody) {
      await request.load();
      token = request.POST.get('csrfmiddlewaretoken');
    }
    const source = token === undefined ? `the '${this.settings.csrfHeaderName}' HTTP header` : 'POST';
    token ??= request.headers.get(this.headerName);
    if (token === undefined || token === '') return 'CSRF token missing.';
    const problem = tokenProblem(token);
    if (problem !== undefined) return `CSRF token from ${source} ${problem}.`;
    return tokenMatches(token, state.secret) ? undefined : 'CSRF token incorrect.';
  }
}

/**
 * `request.csrfToken()`: the masked token, making the secret on first use. One shared
 * function (no closure per request); it reads the state of the request it is called on.
 */
function csrfToken(this: HttpRequest): string {
  const state = this.state.csrf as CsrfState;
  if (state.secret === undefined) {
    state.secret = newSecret();
    state.rotate = true;
  }
  return maskSecret(state.secret);
}

/** A well-formed stored secret, else undefined (a new one is made when a token is needed). */
function valid(value: unknown): string | undefined {
  return typeof value === 'string' && value.length === SECRET_LENGTH && tokenProblem(value) === undefined
    ? value
    : undefined;
}

/** 'https://example.com' matches exactly; 'https://*.example.com' matches its subdomains. */
function originMatcher(pattern: string): (origin: string) => boolean {
  const wildcard = /^([a-z]+:\/\/)\*\.(.+)$/i.exec(pattern);
  if (!wildcard) return (origin) => origin.toLowerCase() === pattern.toLowerCase();
  const [, scheme, domain] = wildcard;
  const suffix = `.${domain.toLowerCase()}`;
  return (origin) => {
    const lower = origin.toLowerCase();
    return lower.startsWith(scheme.toLowerCase()) && lower.slice(scheme.length).endsWith(suffix);
  };
}

/**
 * The masked CSRF token for a form (Django's `get_token`); sets the CSRF cookie on the
 * response if it was not set yet.
 *
 * @example const token = getToken(request);
 */
export function getToken(request: { csrfToken?: () => string }): string {
  if (typeof request.csrfToken !== 'function') {
    throw new ImproperlyConfigured(
      'CSRF_NOT_INSTALLED',
      'getToken() needs CsrfViewMiddleware in settings.middleware (it is in the default stack)',
    );
  }
  return request.csrfToken();
}
