/**
 * Redis session store (ioredis): sessions shared by every process and machine using the
 * same Redis. Keys `<settings.cacheKeyPrefix>:session:<random id>` with a TTL. Commands fail fast while Redis
 * is unreachable (no offline queue), so a request that uses the session gets a 503
 * instead of hanging; ioredis reconnects in the background and the store recovers.
 */
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import type { Logger } from '../observability/logger';
import { SessionInterrupted, SessionStoreUnavailable, type SessionData, type SessionStore } from './session-store';

export class RedisSessionStore implements SessionStore {
  private readonly client: Redis;
  private readonly prefix: string;

  /** `keyPrefix` keeps this app's sessions apart from another's on the same Redis. */
  constructor(url: string, logger: Logger, keyPrefix = 'rondo') {
    this.prefix = `${keyPrefix}:session:`;
    // Loaded here, not at import: apps without Redis sessions don't pay its memory.
    const RedisClient = (require('ioredis') as typeof import('ioredis')).default;
    this.client = new RedisClient(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    let down = false;
    this.client.on('error', (error: Error) => {
      if (!down)
        logger.error(
          `Redis session store at ${redactUrl(url)} is unreachable: ${error.message}. Requests that use the session answer 503 until it is back`,
        );
      down = true;
    });
    this.client.on('ready', () => {
      if (down) logger.info(`Redis session store at ${redactUrl(url)} is reachable again`);
      down = false;
    });
    // Commands wait for the first connection attempt only; later outages fail fast.
    this.firstConnect = this.client.connect().catch(() => undefined);
  }

  private readonly firstConnect: Promise<void>;

  async load(key: string): Promise<SessionData | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(key)) return undefined;
    const text = await this.run(() => this.client.get(this.prefix + key));
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as SessionData;
    } catch {
      return undefined;
    }
  }

  async save(key: string | undefined, data: SessionData, ttlSeconds: number): Promise<string> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const json = JSON.stringify(data);
    if (key === undefined) {
      const id = randomBytes(24).toString('base64url');
      await this.run(() => this.client.set(this.prefix + id, json, 'EX', ttl, 'NX'));
      return id;
    }
    // XX: update only a session that still exists; one deleted meanwhile stays deleted.
    const updated = await this.run(() => this.client.set(this.prefix + key, json, 'EX', ttl, 'XX'));
    if (updated === null) throw new SessionInterrupted();
    return key;
  }

  async destroy(key: string): Promise<void> {
    await this.run(() => this.client.del(this.prefix + key));
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    await this.firstConnect;
    try {
      return await command();
    } catch (error) {
      throw new SessionStoreUnavailable('Redis', error);
    }
  }
}

/** The URL without its password, for log lines. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
