/**
 * Limits on the account actions that cost the server or a third party something on every
 * call, counted whether they succeed or not: a sign-up hashes a password (scrypt's 32 MiB
 * and ~50 ms) and a reset request sends a mail to someone's inbox. Per client address,
 * and for resets per target e-mail address too (a spread-out flood of one inbox). The
 * answer is a 429 with Retry-After; a reset refused for a target address answers the
 * same 429 whether or not the address has an account.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { Inject, Injectable, SETTINGS, type HttpRequest, type Settings } from '../index';
import { RateLimits } from '../ratelimit/rate-limit';
import { normalizeEmail } from './entities';
import { reserve } from './login-throttle';

@Injectable()
export class AccountRateLimits {
  private readonly signups: RateLimiterAbstract | undefined;
  private readonly resets: RateLimiterAbstract | undefined;

  /** @internal Made by the container. */
  constructor(rateLimits: RateLimits, @Inject(SETTINGS) settings: Settings) {
    const { authSignupRateLimit: signup, authPasswordResetRateLimit: reset } = settings;
    if (signup !== null) this.signups = rateLimits.limiter('auth.signup', signup);
    if (reset !== null) this.resets = rateLimits.limiter('auth.password-reset', reset);
  }

  /** Counts one sign-up from this address; throws TooManyRequests over settings.authSignupRateLimit. */
  async signup(request: HttpRequest): Promise<void> {
    if (this.signups !== undefined) await reserve([[this.signups, `ip:${request.clientAddress}`]]);
  }

  /**
   * Counts one reset request from this address for `email`; throws TooManyRequests over
   * settings.authPasswordResetRateLimit.
   */
  async passwordReset(request: HttpRequest, email: string): Promise<void> {
    if (this.resets === undefined) return;
    await reserve([
      [this.resets, `ip:${request.clientAddress}`],
      [this.resets, `email:${normalizeEmail(email)}`],
    ]);
  }
}
