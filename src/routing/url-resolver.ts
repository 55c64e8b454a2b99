/**
 * What middleware may ask of an app's URL dispatcher without reaching the app: does a
 * path resolve (CommonMiddleware's APPEND_SLASH asks it of `path + '/'`), and the URL of
 * a named route of the request's own app (rondo/auth's views).
 */
import { serviceKey, type ServiceKey } from '../http/request';

export interface UrlResolver {
  /** True when a route matches the (percent-encoded) path with any method. */
  resolves(rawPath: string): boolean;
  /** The URL of a named route of this app (NoReverseMatch otherwise). */
  reverse(name: string, params?: Record<string, unknown>): string;
}

/** The key requests carry their app's UrlResolver under. */
export const URL_RESOLVER: ServiceKey<UrlResolver> = serviceKey<UrlResolver>('rondo:URL_RESOLVER');
