/**
 * Slows down password guessing (what django-axes adds to Django). Each login attempt
 * reserves one point in the app's rate-limit store (memory, or Redis with
 * settings.rateLimitStore, shared by every process) *before* the password is checked, so
 * a burst of concurrent guesses cannot all be checked before the first failure is
 * counted; a successful login gives its point back.
 *
 * What is counted (settings.authLoginRateLimit, django-axes's defaults): failures per
 * (client address, login name) pair, and per client address whatever the name
 * (`addressPoints`, for one address trying many names). The owner of an account logs in
 * from another address even while someone guesses at it. `lockout: 'login'` counts per
 * login name alone instead: a distributed guess at one account is slowed too, but anyone
 * can then keep an account locked out.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { Inject, Injectable, SETTINGS, type HttpRequest, type Settings } from '../index';
import { RateLimits, consumeOrRefuse } from '../ratelimit/rate-limit';

/** The login name as counted: case and Unicode compatibility forms do not make a new name. */
export const loginKey = (login: string): string => login.normalize('NFKC').trim().toLowerCase();

/**
 * Takes one point from every key (in order); when one refuses, gives back what was taken
 * and throws the 429. Resolves with a function that gives every point back.
 */
export async function reserve(
  keys: ReadonlyArray<readonly [RateLimiterAbstract, string]>,
): Promise<() => Promise<void>> {
  const taken: Array<readonly [RateLimiterAbstract, string]> = [];
  const giveBack = async () => {
    await Promise.all(taken.map(([limiter, key]) => limiter.reward(key, 1).catch(() => undefined)));
  };
  for (const entry of keys) {
    try {
      await consumeOrRefuse(entry[0], entry[1]);
    } catch (refusal) {
      await giveBack();
      throw refusal;
    }
    taken.push(entry);
  }
  return giveBack;
}

@Injectable()
export class LoginThrottle {
  private readonly byName: RateLimiterAbstract | undefined;
  private readonly byAddress: RateLimiterAbstract | undefined;
  private readonly lockout: 'address' | 'login';

  /** @internal Made by the container. */
  constructor(rateLimits: RateLimits, @Inject(SETTINGS) settings: Settings) {
    const limit = settings.authLoginRateLimit;
    this.lockout = limit?.lockout ?? 'address';
    if (limit === null) return;
    this.byName = rateLimits.limiter('auth.login', { points: limit.points, duration: limit.duration });
    if (this.lockout === 'address') {
      this.byAddress = rateLimits.limiter('auth.login-address', {
        points: limit.addressPoints ?? 5 * limit.points,
        duration: limit.duration,
      });
    }
  }

  /**
   * Runs `check` (the password check) as one counted attempt: throws TooManyRequests
   * (429, Retry-After) without running it when the address or name is over its limit;
   * the attempt stays counted when `check` answers undefined (a failure) and is given back
   * when it answers a user, or throws.
   */
  async attempt<T>(request: HttpRequest, login: string, check: () => Promise<T | undefined>): Promise<T | undefined> {
    if (this.byName === undefined) return check();
    const name = loginKey(login);
    const keys: Array<readonly [RateLimiterAbstract, string]> =
      this.lockout === 'login'
        ? [[this.byName, `login:${name}`]]
        : [
            [this.byName, `pair:${request.clientAddress}:${name}`],
            [this.byAddress!, `ip:${request.clientAddress}`],
          ];
    const giveBack = await reserve(keys);
    let result: T | undefined;
    try {
      result = await check();
    } catch (error) {
      await giveBack();
      throw error;
    }
    if (result !== undefined) await giveBack();
    return result;
  }
}
