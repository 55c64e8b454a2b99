/**
 * Where the cache keeps its entries. Both backends store JSON text under the full key
 * (prefix and version included), so a value read back is a copy, the same on either.
 *
 * - memory: an LRU (lru-cache) per process, bounded by entries and by bytes; the least
 *   recently used entries go first, expired ones are never returned.
 * - redis: shared by every process and machine on the same Redis (ioredis, loaded only
 *   then). Commands fail fast while Redis is down; the Cache turns that into misses.
 */
import type Redis from 'ioredis';
import { redactUrl } from '../db/database-url';

export interface CacheBackend {
  get(key: string): Promise<string | undefined>;
  /** ttl in ms; undefined = no expiry. */
  set(key: string, value: string, ttl: number | undefined): Promise<void>;
  /** Only when the key is absent; true when set. */
  add(key: string, value: string, ttl: number | undefined): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  /** Adds delta to an integer entry; undefined when the key is absent. */
  incr(key: string, delta: number): Promise<number | undefined>;
  /** New ttl (ms, undefined = no expiry) for an existing key; false when absent. */
  touch(key: string, ttl: number | undefined): Promise<boolean>;
  /** Removes every entry under the prefix. */
  clear(prefix: string): Promise<void>;
  close(): Promise<void>;
  /** What the messages call it. */
  readonly label: string;
}

export interface MemoryBackendOptions {
  maxEntries: number;
  maxBytes: number;
}

export class MemoryCacheBackend implements CacheBackend {
  readonly label = 'memory cache';
  private readonly lru;

  constructor(options: MemoryBackendOptions) {
    const { LRUCache } = require('lru-cache') as typeof import('lru-cache');
    this.lru = new LRUCache<string, string>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (value, key) => value.length + key.length,
      ttlAutopurge: false,
    });
  }

  async get(key: string): Promise<string | undefined> {
    return this.lru.get(key);
  }

  async set(key: string, value: string, ttl: number | undefined): Promise<void> {
    this.lru.set(key, value, { ttl: ttl ?? 0 });
  }

  async add(key: string, value: string, ttl: number | undefined): Promise<boolean> {
    if (this.lru.has(key)) return false;
    this.lru.set(key, value, { ttl: ttl ?? 0 });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.lru.delete(key);
  }

  async incr(key: string, delta: number): Promise<number | undefined> {
    const current = this.lru.get(key);
    if (current === undefined) return undefined;
    const next = Number(current) + delta;
    this.lru.set(key, String(next), {
      ttl: this.lru.getRemainingTTL(key) === Infinity ? 0 : this.lru.getRemainingTTL(key),
    });
    return next;
  }

  async touch(key: string, ttl: number | undefined): Promise<boolean> {
    const current = this.lru.get(key);
    if (current === undefined) return false;
    this.lru.set(key, current, { ttl: ttl ?? 0 });
    return true;
  }

  async clear(prefix: string): Promise<void> {
    for (const key of [...this.lru.keys()]) if (key.startsWith(prefix)) this.lru.delete(key);
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}

export class RedisCacheBackend implements CacheBackend {
  readonly label: string;
  private readonly client: Redis;
  private readonly firstConnect: Promise<void>;

  constructor(url: string, onError: (error: Error | undefined) => void) {
    const RedisClient = (require('ioredis') as typeof import('ioredis')).default;
    this.label = `Redis cache at ${redactUrl(url)}`;
    // As the session store: commands wait for the first connection attempt only; while Redis
    // is down later they fail at once (a miss), never hang.
    this.client = new RedisClient(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.client.on('error', (error: Error) => onError(error));
    this.client.on('ready', () => onError(undefined));
    this.firstConnect = this.client.connect().catch(() => undefined);
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    await this.firstConnect;
    return command();
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.run(() => this.client.get(key))) ?? undefined;
  }

  async set(key: string, value: string, ttl: number | undefined): Promise<void> {
    await this.run(() =>
      ttl === undefined ? this.client.set(key, value) : this.client.set(key, value, 'PX', Math.max(1, Math.round(ttl))),
    );
  }

  async add(key: string, value: string, ttl: number | undefined): Promise<boolean> {
    const answer = await this.run(() =>
      ttl === undefined
        ? this.client.set(key, value, 'NX')
        : this.client.set(key, value, 'PX', Math.max(1, Math.round(ttl)), 'NX'),
    );
    return answer === 'OK';
  }

  async delete(key: string): Promise<boolean> {
    return (await this.run(() => this.client.del(key))) > 0;
  }

  async incr(key: string, delta: number): Promise<number | undefined> {
    // Only an existing key: INCRBY would create a missing one (Django's incr refuses that).
    const result = await this.run(() =>
      this.client.eval(
        "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) else return nil end",
        1,
        key,
        String(delta),
      ),
    );
    return result === null ? undefined : Number(result);
  }

  async touch(key: string, ttl: number | undefined): Promise<boolean> {
    await this.firstConnect;
    if (ttl !== undefined) return (await this.client.pexpire(key, Math.max(1, Math.round(ttl)))) === 1;
    await this.client.persist(key);
    return (await this.client.exists(key)) === 1;
  }

  async clear(prefix: string): Promise<void> {
    await this.firstConnect;
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(
        cursor,
        'MATCH',
        `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`,
        'COUNT',
        500,
      );
      if (keys.length > 0) await this.client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
