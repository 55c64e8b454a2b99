/**
 * `rondo/cache`: Django's cache framework. The `Cache` service (memory LRU or Redis, by
 * settings.cacheBackend), `@CachePage(seconds)` for a view, and CacheMiddleware for the
 * whole site.
 *
 * ```ts
 * import { Cache, CachePage } from 'rondo/cache';
 * const report = await cache.getOrSet('report', () => build(), 300);
 * ```
 */
import 'reflect-metadata';

export {
  Cache,
  CacheKeyInvalid,
  CacheKeyMissing,
  CacheUnavailable,
  type CacheTimeout,
  type CacheKeyOptions,
} from './cache';
export { CacheMiddleware, CachePage } from './cache-middleware';
