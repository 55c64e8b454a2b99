/**
 * Cookie parsing and serialisation, delegated to the `cookie` package (RFC 6265 rules,
 * name and value validation). Defaults here are Rondo's secure ones: HttpOnly, SameSite=Lax,
 * Path=/.
 */
import * as cookie from 'cookie';
import { RondoError } from '../errors/rondo-error';

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

/**
 * One cookie's value from a Cookie header, exactly as `parseCookieHeader(header)[name]`
 * (first value of a name wins, blanks around name and value dropped, %-decoded when
 * valid), without building the record: the middleware read one or two cookies per
 * request, and every name stored in a record costs V8 a string-table lookup.
 */
export function findCookie(header: string | undefined, name: string): string | undefined {
  if (!header || header.length < 2) return undefined;
  const length = header.length;
  let index = 0;
  do {
    const eq = header.indexOf('=', index);
    if (eq === -1) return undefined;
    let end = header.indexOf(';', index);
    if (end === -1) end = length;
    if (eq > end) {
      // A pair without '=': go on from the pair holding this '='.
      index = header.lastIndexOf(';', eq - 1) + 1;
      continue;
    }
    let start = index;
    let stop = eq;
    while (start < stop && isBlank(header.charCodeAt(start))) start++;
    while (stop > start && isBlank(header.charCodeAt(stop - 1))) stop--;
    if (stop - start === name.length && header.startsWith(name, start)) {
      let from = eq + 1;
      let to = end;
      while (from < to && isBlank(header.charCodeAt(from))) from++;
      while (to > from && isBlank(header.charCodeAt(to - 1))) to--;
      return decodeValue(header.slice(from, to));
    }
    index = end + 1;
  } while (index < length);
  return undefined;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** As the `cookie` package decodes: %-decoded when there is a '%' and it is valid. */
function decodeValue(value: string): string {
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
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

/**
 * The attributes of a Set-Cookie header (`; Max-Age=...; Path=/; Expires=...; HttpOnly...`)
 * for one set of options and one second: the session and CSRF cookies are set with the
 * same options on every response that writes them, so the cookie library builds (and
 * checks) their attributes once a second instead of on each response.
 */
let attributeCache = new Map<string, string>();
let attributeSecond = 0;

function attributes(options: CookieOptions, sameSite: CookieOptions['sameSite'], second: number): string {
  if (second !== attributeSecond) {
    attributeCache = new Map();
    attributeSecond = second;
  }
  const { maxAge, expires, path, domain, secure, httpOnly, partitioned } = options;
  const key = `${maxAge}|${expires?.getTime()}|${path}|${domain}|${secure}|${httpOnly}|${sameSite}|${partitioned}`;
  let text = attributeCache.get(key);
  if (text === undefined) {
    const at = expires ?? (maxAge === undefined ? undefined : new Date(second * 1000 + maxAge * 1000));
    text = cookie
      .serialize('x', '', {
        maxAge,
        expires: at,
        path: path ?? '/',
        domain,
        secure,
        httpOnly: httpOnly ?? true,
        sameSite: sameSite === false ? undefined : sameSite,
        partitioned,
      })
      .slice('x='.length);
    if (attributeCache.size < 100) attributeCache.set(key, text);
  }
  return text;
}

const COOKIE_NAME = /^[\u0021-\u003A\u003C\u003E-\u007E]+$/;

/** Builds one Set-Cookie header value, with Rondo's secure defaults. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const sameSite = options.sameSite ?? 'lax';
  if (sameSite === 'none' && !options.secure) {
    throw new RondoError(
      'COOKIE_SAMESITE_NONE_INSECURE',
      `Cookie ${name}: sameSite 'none' needs secure: true (browsers reject it otherwise)`,
    );
  }
  if (!COOKIE_NAME.test(name))
    throw new RondoError(
      'COOKIE_NAME_INVALID',
      `Cookie name ${JSON.stringify(name.slice(0, 60))} is not a token (RFC 6265): use letters, digits and !#$%&'*+-.^_\`|~`,
    );
  // Expires is written to the second (as browsers read it): within a second the attributes repeat.
  return `${name}=${encodeValue(value)}${attributes(options, sameSite, Math.floor(Date.now() / 1000))}`;
}
