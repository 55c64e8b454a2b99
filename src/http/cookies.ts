/**
 * Cookie parsing and serialisation, delegated to the `cookie` package (RFC 6265 rules,
 * name and value validation). Defaults here are Rondo's secure ones: HttpOnly, SameSite=Lax,
 * Path=/.
 */
import * as cookie from 'cookie';

/** Options for `response.setCookie` (all optional). */
export interface CookieOptions {
  /** Seconds until expiry; sets Max-Age and Expires (as Django does). */
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  secure?: boolean;
  /** Default true: scripts cannot read the cookie. */
  httpOnly?: boolean;
  /** Default 'lax'. 'none' requires `secure: true`. */
  sameSite?: 'strict' | 'lax' | 'none' | false;
  partitioned?: boolean;
}

/** Parses a Cookie header into a null-prototype record (first value of a name wins). */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  if (!header) return Object.create(null) as Record<string, string>;
  // cookie.parse already returns a null-prototype record of strings.
  return cookie.parse(header) as Record<string, string>;
}

/** Characters kept as they are in a cookie value: signed values (base64url, ':') need no escaping. */
const PLAIN_VALUE = /^[A-Za-z0-9\-._~:]*$/;

/**
 * Percent-encodes a cookie value only when it holds other characters, so signed session
 * and CSRF cookies travel as they are and parsing them needs no decodeURIComponent ('%'
 * is always encoded, so decoding stays exact).
 */
function encodeValue(value: string): string {
  return PLAIN_VALUE.test(value) ? value : encodeURIComponent(value);
}

/** Builds one Set-Cookie header value, with Rondo's secure defaults. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const sameSite = options.sameSite ?? 'lax';
  if (sameSite === 'none' && !options.secure) {
    throw new TypeError(`Cookie ${name}: sameSite 'none' needs secure: true (browsers reject it otherwise)`);
  }
  let expires = options.expires;
  if (options.maxAge !== undefined && expires === undefined) expires = new Date(Date.now() + options.maxAge * 1000);
  return cookie.serialize(name, value, {
    encode: encodeValue,
    maxAge: options.maxAge,
    expires,
    path: options.path ?? '/',
    domain: options.domain,
    secure: options.secure,
    httpOnly: options.httpOnly ?? true,
    sameSite: sameSite === false ? undefined : sameSite,
    partitioned: options.partitioned,
  });
}
