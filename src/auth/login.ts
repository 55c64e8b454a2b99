/**
 * login / logout, as Django's: login stores the user id in a session under a new key
 * (the old key is retired: no session fixation) and rotates the CSRF secret; logout
 * empties the session and deletes its cookie.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { HttpRequest } from '../http/request';
import { SIGNALS, userLoggedIn, userLoggedOut } from '../signals/signals';
import { AnonymousUser, isAuthenticated, type AuthUser } from './user';

/** Session key holding the logged-in user's id. */
export const SESSION_USER_KEY = '_auth_user_id';
/** Session key holding the HMAC of the user's password hash (see AuthUser.getSessionAuthSource). */
export const SESSION_HASH_KEY = '_auth_user_hash';

/** The session auth hash of `user`, or undefined when it has no source (or the app no secret). */
export function sessionAuthHash(request: HttpRequest, user: AuthUser): string | undefined {
  const source = typeof user.getSessionAuthSource === 'function' ? user.getSessionAuthSource() : undefined;
  return source === undefined ? undefined : request.saltedHmac('rondo.auth.session-hash', source);
}

function sessionOf(request: HttpRequest, caller: string) {
  if (request.session === undefined) {
    throw new ImproperlyConfigured(
      'AUTH_NO_SESSION',
      `${caller}() needs request.session: add SessionMiddleware to settings.middleware (it is in the default stack)`,
    );
  }
  return request.session as {
    cycleKey(): Promise<void>;
    flush(): Promise<void>;
    set(k: string, v: unknown): Promise<void>;
    get(k: string): Promise<unknown>;
  };
}

/** Logs `user` in for this session. */
export async function login(request: HttpRequest, user: AuthUser): Promise<void> {
  const session = sessionOf(request, 'login');
  const previous = await session.get(SESSION_USER_KEY);
  if (previous !== undefined && previous !== String(user.id)) await session.flush();
  else await session.cycleKey();
  await session.set(SESSION_USER_KEY, String(user.id));
  const hash = sessionAuthHash(request, user);
  if (hash !== undefined) await session.set(SESSION_HASH_KEY, hash);
  request.user = user;
  const csrf = request.state.csrf as { secret: string | undefined; rotate: boolean } | undefined;
  if (csrf !== undefined) {
    csrf.secret = undefined; // a new secret is made (and its cookie set) at the next csrfToken()
    request.csrfToken?.();
  }
  await request.service(SIGNALS)?.send(userLoggedIn, { request, user });
}

/**
 * After `user` changed its password in this request: keeps this session logged in (its
 * hash is updated) while every other session of the user ends at its next request.
 */
export async function updateSessionAuthHash(request: HttpRequest, user: AuthUser): Promise<void> {
  const session = sessionOf(request, 'updateSessionAuthHash');
  await session.cycleKey();
  const hash = sessionAuthHash(request, user);
  if (hash !== undefined) await session.set(SESSION_HASH_KEY, hash);
}

/** Logs the user out: the session is emptied and its cookie deleted. */
export async function logout(request: HttpRequest): Promise<void> {
  const current: unknown = await request.auser();
  const user = isAuthenticated(current) ? current : undefined;
  await sessionOf(request, 'logout').flush();
  request.user = new AnonymousUser();
  await request.service(SIGNALS)?.send(userLoggedOut, { request, user });
}

/**
 * True when `url` is safe to redirect to after login: a path on this site, or an absolute
 * URL whose host is `host` (no `//evil.com`, `/\evil.com`, `javascript:`...). With
 * `requireHttps` (pass `request.isSecure()`), an absolute URL must be https: a login over
 * https never sends the browser on to plain http (Django's require_https).
 */
export function isSafeRedirect(url: string | undefined, host: string, requireHttps = false): boolean {
  if (!url) return false;
  const trimmed = url.trim();
  if (/[\u0000-\u001f\\]/.test(trimmed)) return false;
  if (trimmed.startsWith('/')) return !trimmed.startsWith('//');
  try {
    const parsed = new URL(trimmed);
    const scheme = requireHttps
      ? parsed.protocol === 'https:'
      : parsed.protocol === 'https:' || parsed.protocol === 'http:';
    return scheme && parsed.host === host;
  } catch {
    return false;
  }
}
