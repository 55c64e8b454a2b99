/**
 * Users: what AuthenticationMiddleware puts on `request.user`. An app supplies a
 * UserLoader bound to the USER_LOADER token; users it returns need an `id` and may carry
 * `permissions` (strings such as 'posts.delete') or a `hasPerm` method.
 */

/** What an app's user objects look like to Rondo. */
export interface AuthUser {
  id: string | number;
  /** Permission names; used when the user has no hasPerm method. */
  permissions?: readonly string[];
  hasPerm?(permission: string): boolean;
  /**
   * Django's session auth hash source (the password hash): when the user has it, login
   * stores an HMAC of it in the session and every load compares, so a password change
   * ends the user's other sessions (signed-cookie sessions included).
   */
  getSessionAuthSource?(): string;
}

/** Loads a user by the id stored in the session at login; undefined or null for none. */
export interface UserLoader {
  loadUser(id: string): Promise<AuthUser | null | undefined> | AuthUser | null | undefined;
}

/**
 * The DI token of the app's UserLoader.
 *
 * @example createApp({ providers: [{ provide: USER_LOADER, useClass: AccountService }] })
 */
export const USER_LOADER: unique symbol = Symbol.for('rondo:USER_LOADER');

/** The user of a request without a logged-in user. */
export class AnonymousUser {
  readonly id = undefined;
  readonly isAuthenticated = false;
  readonly isAnonymous = true;
  readonly permissions: readonly string[] = [];

  hasPerm(): boolean {
    return false;
  }
}

/** True for a logged-in user (anything but AnonymousUser). */
export function isAuthenticated(user: unknown): user is AuthUser {
  return user !== null && user !== undefined && !(user instanceof AnonymousUser) && (user as AuthUser).id !== undefined;
}

/** Whether `user` has `permission`, by its hasPerm method or its permissions list. */
export function userHasPerm(user: unknown, permission: string): boolean {
  if (!isAuthenticated(user)) return false;
  if (typeof user.hasPerm === 'function') return user.hasPerm(permission);
  return user.permissions?.includes(permission) ?? false;
}
