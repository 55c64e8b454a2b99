/**
 * Password reset links (Django's PasswordResetTokenGenerator): `<uid>/<token>` where the
 * token is `<issued, base 36>-<HMAC>` over the user's id, password hash, last login,
 * e-mail and the issue time, keyed by secretKey. It needs no storage and is single-use:
 * setting the new password (or logging in) changes what it was signed over, so the link
 * stops working; it expires after settings.passwordResetTimeout seconds.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, SETTINGS, type Settings } from '../index';
import type { User } from './entities';

@Injectable()
export class PasswordResetTokens {
  private readonly key: Buffer;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    this.key = createHmac('sha256', settings.secretKey).update('rondo.auth.password-reset').digest();
  }

  /** The URL-safe id of `user` for the link. */
  uidOf(user: User): string {
    return Buffer.from(String(user.id)).toString('base64url');
  }

  /** The user id in a link's uid, or undefined when it is not one. */
  idFromUid(uid: string): string | undefined {
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(uid)) return undefined;
    const id = Buffer.from(uid, 'base64url').toString();
    return /^[0-9]{1,15}$/.test(id) ? id : undefined;
  }

  /** A token for `user`, valid until its password or last login changes, or it expires. */
  make(user: User, now = Date.now()): string {
    const issued = Math.floor(now / 1000);
    return `${issued.toString(36)}-${this.signature(user, issued)}`;
  }

  /** True when `token` was made for `user` as it is now and has not expired. */
  check(user: User, token: string, now = Date.now()): boolean {
    const match = /^([0-9a-z]{1,10})-([0-9a-f]{64})$/.exec(token);
    if (match === null) return false;
    const issued = parseInt(match[1], 36);
    const age = Math.floor(now / 1000) - issued;
    if (age < 0 || age > this.settings.passwordResetTimeout) return false;
    return timingSafeEqual(Buffer.from(this.signature(user, issued)), Buffer.from(match[2]));
  }

  private signature(user: User, issued: number): string {
    const lastLogin = user.lastLogin === null ? '' : String(Math.floor(new Date(user.lastLogin).getTime() / 1000));
    return createHmac('sha256', this.key)
      .update(JSON.stringify([user.id, user.password, lastLogin, user.email ?? '', issued]))
      .digest('hex');
  }
}
