/**
 * Django's cache framework: one `Cache` per app, injectable by type, in front of a memory
 * (LRU, bounded) or Redis backend (`settings.cacheBackend`). Values are anything JSON can
 * hold. Timeouts are seconds: undefined = settings.cacheTimeout, null = never expires,
 * 0 or less = not stored. Keys are versioned (`prefix:version:key`): bumping
 * settings.cacheVersion, or passing `{ version }`, leaves old entries unread.
 *
 * ```ts
 * constructor(private readonly cache: Cache) {}
 * const stats = await this.cache.getOrSet('stats', () => this.computeStats(), 60);
 * ```
 *
 * `getOrSet` is stampede-safe: concurrent misses for one key in a process share one
 * computation, and with Redis a short lock (`SET NX`) makes other processes wait for the
 * first one's value instead of computing it too. A cache that is down is a miss (logged
 * once per outage), never an error for the page; `incr` and `touch` say so by throwing.
 */
import type { Settings } from '../app/settings';
import { Inject, Injectable, LOGGER, SETTINGS } from '../di/injectable';
import { RondoError } from '../errors/rondo-error';
import type { Logger } from '../observability/logger';
import { MemoryCacheBackend, RedisCacheBackend, type CacheBackend } from './backends';

export type CacheTimeout = number | null | undefined;

export interface CacheKeyOptions {
  /** Reads and writes this version of the key instead of settings.cacheVersion. */
  version?: number;
}

/** A key no backend should take (memcached's rules, as Django warns of them). */
export class CacheKeyInvalid extends RondoError {
  constructor(key: string, why: string) {
    super(
      'CACHE_KEY_INVALID',
      `Cache key '${key.slice(0, 100)}' is not allowed: ${why}. Use up to 250 printable characters without spaces`,
    );
  }
}

/** incr/decr/touch on a key that is not in the cache (Django raises ValueError). */
export class CacheKeyMissing extends RondoError {
  constructor(key: string) {
    super(
      'CACHE_KEY_MISSING',
      `Cache key '${key.slice(0, 100)}' is not in the cache; set it first (cache.set(key, 0)) or use cache.add()`,
    );
  }
}

/** incr or touch while the backend is unreachable. */
export class CacheUnavailable extends RondoError {
  constructor(label: string, cause: unknown) {
    super(
      'CACHE_UNAVAILABLE',
      `The ${label} is unreachable (${(cause as Error)?.message ?? String(cause)}); get and set count as misses until it is back`,
    );
  }
}

const LOCK_POLL_MS = 25;

@Injectable()
export class Cache {
  private backendInstance: CacheBackend | undefined;
  private readonly prefix: string;
  private readonly version: number;
  private readonly defaultTimeout: number | null;
  /** Computations in flight by full key (getOrSet's single flight). */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private down = false;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.prefix = settings.cacheKeyPrefix;
    this.version = settings.cacheVersion;
    this.defaultTimeout = settings.cacheTimeout;
  }

  /** The backend, made at first use (an app that never caches opens no Redis connection). */
  private get backend(): CacheBackend {
    if (this.backendInstance === undefined) {
      const { settings } = this;
      this.backendInstance =
        settings.cacheBackend === 'redis'
          ? new RedisCacheBackend(settings.redisUrl, (error) => this.outage(error))
          : new MemoryCacheBackend({ maxEntries: settings.cacheMaxEntries, maxBytes: settings.cacheMaxBytes });
    }
    return this.backendInstance;
  }

  /** The stored key: `prefix:version:key`. */
  makeKey(key: string, options: CacheKeyOptions = {}): string {
    if (typeof key !== 'string' || key === '') throw new CacheKeyInvalid(String(key), 'it is empty');
    if (key.length > 250) throw new CacheKeyInvalid(key, `it has ${key.length} characters (at most 250)`);
    if (/[\s\x00-\x1f\x7f]/.test(key)) throw new CacheKeyInvalid(key, 'it holds a space or a control character');
    return `${this.prefix}:${options.version ?? this.version}:${key}`;
  }

  async get<T = unknown>(key: string, fallback?: T, options?: CacheKeyOptions): Promise<T | undefined> {
    const full = this.makeKey(key, options);
    const text = await this.soft(() => this.backend.get(full), undefined);
    return text === undefined ? fallback : (JSON.parse(text) as T);
  }

  /** Stores `value` for `timeout` seconds; false when it was not stored (timeout ≤ 0, or the cache is down). */
  async set(key: string, value: unknown, timeout?: CacheTimeout, options?: CacheKeyOptions): Promise<boolean> {
    const full = this.makeKey(key, options);
    const ttl = this.ttl(timeout);
    if (ttl === 0) {
      await this.soft(() => this.backend.delete(full), false);
      return false;
    }
    const text = JSON.stringify(value);
    if (text === undefined) throw new CacheKeyInvalid(key, `its value (${typeof value}) cannot be stored as JSON`);
    return this.soft(async () => {
      await this.backend.set(full, text, ttl);
      return true;
    }, false);
  }

  /** Stores only when the key is absent; true when stored. */
  async add(key: string, value: unknown, timeout?: CacheTimeout, options?: CacheKeyOptions): Promise<boolean> {
    const ttl = this.ttl(timeout);
    if (ttl === 0) return false;
    const full = this.makeKey(key, options);
    return this.soft(() => this.backend.add(full, JSON.stringify(value), ttl), false);
  }

  async delete(key: string, options?: CacheKeyOptions): Promise<boolean> {
    const full = this.makeKey(key, options);
    return this.soft(() => this.backend.delete(full), false);
  }

  /** The cached value, or `compute()`'s, stored for `timeout`; one computation per key at a time. */
  async getOrSet<T>(
    key: string,
    compute: () => T | Promise<T>,
    timeout?: CacheTimeout,
    options?: CacheKeyOptions,
  ): Promise<T> {
    const full = this.makeKey(key, options);
    const cached = await this.soft(() => this.backend.get(full), undefined);
    if (cached !== undefined) return JSON.parse(cached) as T;
    const running = this.inFlight.get(full);
    if (running !== undefined) return running as Promise<T>;
    const computation = this.computeOnce(full, compute, this.ttl(timeout)).finally(() => this.inFlight.delete(full));
    this.inFlight.set(full, computation);
    return computation;
  }

  /** Adds `delta` to an integer entry and returns it; CacheKeyMissing when absent. */
  async incr(key: string, delta = 1, options?: CacheKeyOptions): Promise<number> {
    const full = this.makeKey(key, options);
    let value: number | undefined;
    try {
      value = await this.backend.incr(full, delta);
    } catch (error) {
      throw new CacheUnavailable(this.backend.label, error);
    }
    if (value === undefined || Number.isNaN(value)) throw new CacheKeyMissing(key);
    return value;
  }

  decr(key: string, delta = 1, options?: CacheKeyOptions): Promise<number> {
    return this.incr(key, -delta, options);
  }

  /** Gives an existing key a new timeout; false when the key is absent. */
  async touch(key: string, timeout?: CacheTimeout, options?: CacheKeyOptions): Promise<boolean> {
    const full = this.makeKey(key, options);
    const ttl = this.ttl(timeout);
    try {
      if (ttl !== 0) return await this.backend.touch(full, ttl);
      await this.backend.delete(full); // a timeout of 0 or less expires it now, as Django's touch does
      return false;
    } catch (error) {
      throw new CacheUnavailable(this.backend.label, error);
    }
  }

  /** Removes every entry of this app's prefix (all versions). */
  async clear(): Promise<void> {
    await this.soft(() => this.backend.clear(`${this.prefix}:`), undefined);
  }

  /** Closes the backend (the app's onShutdown hooks call it). */
  async onShutdown(): Promise<void> {
    await this.backendInstance?.close();
  }

  /** ms for the backend: undefined = no expiry, 0 = do not store. */
  private ttl(timeout: CacheTimeout): number | undefined {
    const seconds = timeout === undefined ? this.defaultTimeout : timeout;
    if (seconds === null) return undefined;
    return seconds <= 0 ? 0 : seconds * 1000;
  }

  /**
   * Computes and stores; with Redis, takes a short lock first so other processes wait for
   * this value (polling) instead of computing it too. The lock lasts at most the timeout
   * of a slow computation (10 s); after that a waiter computes it itself.
   */
  private async computeOnce<T>(full: string, compute: () => T | Promise<T>, ttl: number | undefined): Promise<T> {
    const shared = this.settings.cacheBackend === 'redis';
    const lockKey = `${full}:lock`;
    if (shared && !(await this.soft(() => this.backend.add(lockKey, '1', 10_000), true))) {
      const until = Date.now() + 10_000;
      while (Date.now() < until) {
        await new Promise((done) => setTimeout(done, LOCK_POLL_MS));
        const text = await this.soft(() => this.backend.get(full), undefined);
        if (text !== undefined) return JSON.parse(text) as T;
      }
    }
    try {
      const value = await compute();
      if (ttl !== 0) await this.soft(() => this.backend.set(full, JSON.stringify(value), ttl), undefined);
      return value;
    } finally {
      if (shared) await this.soft(() => this.backend.delete(lockKey), false);
    }
  }

  /** Runs a backend call; a failure is `fallback`, logged once per outage. */
  private async soft<T>(call: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.outage(error as Error);
      return fallback;
    }
  }

  private outage(error: Error | undefined): void {
    if (error === undefined) {
      if (this.down) this.logger.info(`The ${this.backend.label} is reachable again`);
      this.down = false;
      return;
    }
    if (!this.down)
      this.logger.error(
        `The ${this.backend.label} is unreachable: ${error.message}. Cache reads are misses and writes are dropped until it is back`,
      );
    this.down = true;
  }
}
