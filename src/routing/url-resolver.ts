/**
 * What middleware may ask of an app's URL dispatcher without reaching the app: does a
 * path resolve (CommonMiddleware's APPEND_SLASH asks it of `path + '/'`).
 */
import { serviceKey, type ServiceKey } from '../http/request';

export interface UrlResolver {
  /** True when a route matches the (percent-encoded) path with any method. */
  resolves(rawPath: string): boolean;
}

/** The key requests carry their app's UrlResolver under. */
export const URL_RESOLVER: ServiceKey<UrlResolver> = serviceKey<UrlResolver>('rondo:URL_RESOLVER');
