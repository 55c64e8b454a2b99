/**
 * `@RateLimit({ points, duration, key })`: at most `points` requests per `duration` seconds
 * per key (the client address by default, or the user, or a function) for a view or a
 * controller; over it a 429 with `Retry-After`. Counters live in process memory or, with
 * `settings.rateLimitStore: 'redis'`, in Redis, shared by every process and machine; while
 * Redis is down each process counts in memory instead (rate-limiter-flexible's insurance).
 * The library loads only when a view declares a limit; other views run exactly as before.
 */
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { TooManyRequests } from '../http/errors';
import type { HttpRequest } from '../http/request';
import type { CompiledView } from '../kernel/view-compiler';
import { wrapView } from '../views/view-wrappers';
import type { Logger } from '../observability/logger';
import type { RouteTable } from '../routing/route-table';
import { ViewOption } from '../views/view-options';

export interface RateLimitOptions {
  /** Requests allowed per `duration`. */
  points: number;
  /** The window, in seconds. */
  duration: number;
  /**
   * What is counted: 'ip' (request.clientAddress, the default), 'user' (the user's id, else the address) or a function.
   */
  key?: 'ip' | 'user' | ((request: HttpRequest) => string | Promise<string>);
  /** Seconds a key stays refused once over the limit (default: until the window ends). */
  blockDuration?: number;
}

/** Limits the view (or every view of the controller); see RateLimitOptions. */
export const RateLimit = (options: RateLimitOptions): ClassDecorator & MethodDecorator =>
  ViewOption('rateLimit', options);

export interface RateLimitSettings {
  rateLimitStore: string;
  redisUrl: string;
  cacheKeyPrefix: string;
}

async function keyOf(request: HttpRequest, key: RateLimitOptions['key']): Promise<string> {
  if (typeof key === 'function') return `fn:${await key(request)}`;
  if (key === 'user') {
    const user = (await request.auser()) as { id?: unknown; isAuthenticated?: boolean };
    if (user.isAuthenticated && user.id !== undefined) return `user:${String(user.id)}`;
  }
  return `ip:${request.clientAddress}`;
}

function isLimitAnswer(value: unknown): value is RateLimiterRes {
  return typeof value === 'object' && value !== null && 'msBeforeNext' in value;
}

/**
 * Takes one point of `key`: over the limit, a TooManyRequests (429, Retry-After in whole
 * seconds); a store that failed rejects with its own error.
 */
export async function consumeOrRefuse(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (answer) {
    if (!isLimitAnswer(answer)) throw answer;
    throw new TooManyRequests(Math.max(1, Math.ceil(answer.msBeforeNext / 1000)));
  }
}

/** The app's limiters: built at start-up per limited view, one Redis client per app. */
export class RateLimits {
  private redis: Redis | undefined;

  // settings.rateLimitStore is 'memory' or 'redis': resolveSettings checks it at start-up.
  constructor(
    private readonly settings: RateLimitSettings,
    private readonly logger: Logger,
  ) {}

  /** Wraps every view that declares `@RateLimit` (views without one are left as they are). */
  wrap(routes: RouteTable<CompiledView>): void {
    for (const { handler: view } of routes.list()) {
      const options = view.info.options.rateLimit as RateLimitOptions | undefined;
      if (options === undefined) continue;
      if (!(options.points > 0) || !(options.duration > 0)) {
        throw new ImproperlyConfigured(
          'RATE_LIMIT_INVALID',
          `@RateLimit on ${view.info.source} needs points > 0 and duration > 0 (seconds); got ${JSON.stringify({ points: options.points, duration: options.duration })}`,
        );
      }
      const limiter = this.limiter(view.info.source, options);
      wrapView(view, `rate limit (${options.points} per ${options.duration} s)`, (call) => async (request, params) => {
        await consumeOrRefuse(limiter, await keyOf(request, options.key));
        return call(request, params);
      });
    }
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
    this.redis = undefined;
  }

  /**
   * A limiter in the app's store, for code that counts by itself (rondo/auth's login
   * throttle counts failures only). `name` keeps its counters apart from every other's.
   */
  limiter(name: string, options: Pick<RateLimitOptions, 'points' | 'duration' | 'blockDuration'>): RateLimiterAbstract {
    const flexible = require('rate-limiter-flexible') as typeof import('rate-limiter-flexible');
    const common = {
      points: options.points,
      duration: options.duration,
      blockDuration: options.blockDuration ?? 0,
      keyPrefix: `${this.settings.cacheKeyPrefix}:rl:${name}`,
    };
    if (this.settings.rateLimitStore === 'memory') return new flexible.RateLimiterMemory(common);
    return new flexible.RateLimiterRedis({
      ...common,
      storeClient: this.client(),
      insuranceLimiter: new flexible.RateLimiterMemory(common),
    });
  }

  private client(): Redis {
    if (this.redis === undefined) {
      const RedisClient = (require('ioredis') as typeof import('ioredis')).default;
      this.redis = new RedisClient(this.settings.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      });
      let down = false;
      this.redis.on('error', (error: Error) => {
        if (!down)
          this.logger.error(
            `Rate-limit store (Redis) unreachable: ${error.message}. Each process counts in memory until it is back`,
          );
        down = true;
      });
      this.redis.on('ready', () => {
        down = false;
      });
    }
    return this.redis;
  }
}
