/**
 * AuthenticationMiddleware (order 500): `await request.auser()` loads the user whose id
 * the session holds, through the app's UserLoader (USER_LOADER token), once per request
 * and only when asked; AnonymousUser otherwise. Enforces `@LoginRequired` (redirect to
 * `loginUrl?next=...`, or 401 for clients that prefer JSON) and `@PermissionRequired` (403).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Settings } from '../app/settings';
import { LOGIN_REQUIRED, PERMISSION_REQUIRED } from '../auth/decorators';
import { SESSION_HASH_KEY, SESSION_USER_KEY, sessionAuthHash } from '../auth/login';
import { AnonymousUser, isAuthenticated, userHasPerm, USER_LOADER, type UserLoader } from '../auth/user';
import { Inject, Optional, SETTINGS } from '../di/injectable';
import { isJsonType, prefersJson } from '../http/content-negotiation';
import { PermissionDenied, Unauthorized } from '../http/errors';
import type { HttpRequest } from '../http/request';
import { HttpResponseRedirect, type HttpResponse } from '../http/response';
import { Middleware, type ViewInfo } from './middleware-decorator';

/** 401 for API clients of a `@LoginRequired` view; `challenge` is its WWW-Authenticate. */
export class NotAuthenticated extends Unauthorized {
  constructor(challenge?: string) {
    super('Authentication credentials were not provided', undefined, challenge);
  }
}

/**
 * The `WWW-Authenticate` value a 401 of `@LoginRequired` carries (RFC 9110 §15.5.2): bound by
 * the part of the app that reads credentials from a header (rondo/auth's tokens). Without
 * it, a session-only app has no scheme to name and sends none.
 */
export const AUTH_CHALLENGE = Symbol('AUTH_CHALLENGE');

function sameText(expected: string, given: unknown): boolean {
  return (
    typeof given === 'string' &&
    given.length === expected.length &&
    timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}

@Middleware(500)
export class AuthenticationMiddleware {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Optional() @Inject(USER_LOADER) private readonly loader?: UserLoader,
    @Optional() @Inject(AUTH_CHALLENGE) private readonly challenge?: string,
  ) {}

  /** Loads the user for `request.auser()` (bound once; no per-request closure). */
  private readonly load = (request: HttpRequest) => this.loadUser(request);

  processRequest(request: HttpRequest): undefined {
    request.userLoader = this.load;
    return undefined;
  }

  /** Only views marked `@LoginRequired` or `@PermissionRequired` get the check. */
  appliesToView(view: ViewInfo): boolean {
    return view.options[LOGIN_REQUIRED] === true || view.options[PERMISSION_REQUIRED] !== undefined;
  }

  async processView(request: HttpRequest, view: ViewInfo): Promise<HttpResponse | undefined> {
    const permissions = view.options.permissionRequired;
    if (view.options.loginRequired !== true && permissions === undefined) return undefined;
    const user: unknown = await request.auser();
    if (!isAuthenticated(user)) {
      if (
        view.options.jsonErrors === true ||
        this.settings.jsonErrors === true ||
        prefersJson(request.headers.get('accept')) ||
        isJsonType(request.contentType)
      ) {
        throw new NotAuthenticated(this.challenge); // an API view answers 401 whatever the Accept header
      }
      const next = encodeURIComponent(request.getFullPath());
      return new HttpResponseRedirect(
        `${this.settings.loginUrl}${this.settings.loginUrl.includes('?') ? '&' : '?'}next=${next}`,
      );
    }
    const missing = permissions?.find((permission) => !userHasPerm(user, permission));
    if (missing !== undefined) throw new PermissionDenied(`This needs the '${missing}' permission`);
    return undefined;
  }

  private async loadUser(request: HttpRequest): Promise<unknown> {
    if (request.session === undefined || this.loader === undefined) return new AnonymousUser();
    const id = await request.session.get(SESSION_USER_KEY);
    if (typeof id !== 'string') return new AnonymousUser();
    const user = await this.loader.loadUser(id);
    if (user === null || user === undefined) return new AnonymousUser();
    const expected = sessionAuthHash(request, user);
    if (expected !== undefined && !sameText(expected, await request.session.get(SESSION_HASH_KEY))) {
      await request.session.flush(); // the password changed since this session logged in (Django's session auth hash)
      return new AnonymousUser();
    }
    return user;
  }
}
