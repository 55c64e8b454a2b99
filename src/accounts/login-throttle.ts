/**
 * Slows down password guessing (what django-axes adds to Django): failed logins are
 * counted per client address and per login name in the app's rate-limit store (memory,
 * or Redis with settings.rateLimitStore, shared by every process); once either count
 * reaches settings.authLoginRateLimit.points within its duration, logins from that
 * address or for that name are refused with a 429 and Retry-After until the window ends,
 * even with the right password. Successful logins count nothing.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { Inject, Injectable, SETTINGS, TooManyRequests, type HttpRequest, type Settings } from '../index';
import { RateLimits } from '../ratelimit/rate-limit';

@Injectable()
export class LoginThrottle {
  private readonly limiter: RateLimiterAbstract | undefined;
  private readonly points: number;

  constructor(rateLimits: RateLimits, @Inject(SETTINGS) settings: Settings) {
    const limit = settings.authLoginRateLimit;
    this.points = limit?.points ?? 0;
    this.limiter = limit === null ? undefined : rateLimits.limiter('auth.login', { points: limit.points, duration: limit.duration });
  }

  /** Throws TooManyRequests when this address or this login name has failed too often. */
  async check(request: HttpRequest, login: string): Promise<void> {
    if (this.limiter === undefined) return;
    const [byAddress, byLogin] = await Promise.all([this.limiter.get(`ip:${request.clientAddress}`), this.limiter.get(`login:${login.toLowerCase()}`)]);
    const over = [byAddress, byLogin].filter((state) => state !== null && state.consumedPoints >= this.points);
    if (over.length > 0) throw new TooManyRequests(Math.max(1, Math.ceil(Math.max(...over.map((state) => state!.msBeforeNext)) / 1000)));
  }

  /** Counts one failed login for this address and this login name. */
  async failed(request: HttpRequest, login: string): Promise<void> {
    if (this.limiter === undefined) return;
    const count = (key: string) => this.limiter!.penalty(key, 1).catch(() => undefined);
    await Promise.all([count(`ip:${request.clientAddress}`), count(`login:${login.toLowerCase()}`)]);
  }
}
