/**
 * Case-insensitive header maps. Request headers wrap Node's already lower-cased object
 * without copying it; response headers keep the caller's spelling for the wire.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Incoming request headers: `get('Content-Type')` and `get('content-type')` agree. */
export class RequestHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  /** The header's value; repeated headers (other than Set-Cookie) are joined by ", ". */
  get(name: string): string | undefined {
    const value = this.raw[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.raw)) {
      const value = this.get(key);
      if (value !== undefined) yield [key, value];
    }
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** A plain object copy (lower-cased names). */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.entries());
  }
}

/** Control characters would split a header line (response splitting). */
const INVALID_HEADER_VALUE = /[\r\n\0]/;

/** Outgoing response headers, case-insensitive, keeping the spelling first used. */
export class ResponseHeaders {
  private readonly map = new Map<string, [name: string, value: string]>();

  constructor(init?: Record<string, string | number> | Iterable<readonly [string, string | number]>) {
    if (!init) return;
    const pairs = Symbol.iterator in init ? init : Object.entries(init);
    for (const [name, value] of pairs as Iterable<readonly [string, string | number]>) this.set(name, value);
  }

  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase())?.[1];
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  /** Sets a header. A value holding CR, LF or NUL throws: it would split the response. */
  set(name: string, value: string | number): this {
    const text = String(value);
    if (INVALID_HEADER_VALUE.test(text)) {
      throw new TypeError(`Header ${name} has a CR, LF or NUL character in its value; remove it (it would split the response)`);
    }
    this.map.set(name.toLowerCase(), [name, text]);
    return this;
  }

  /** Sets the header only when it is not set yet. */
  setDefault(name: string, value: string | number): this {
    if (!this.has(name)) this.set(name, value);
    return this;
  }

  delete(name: string): boolean {
    return this.map.delete(name.toLowerCase());
  }

  /** Adds tokens to a comma-separated header such as `Vary`, skipping ones already there. */
  appendToken(name: string, token: string): this {
    const current = this.get(name);
    if (current === undefined || current === '') return this.set(name, token);
    const tokens = current.split(',').map((t) => t.trim().toLowerCase());
    if (!tokens.includes(token.toLowerCase()) && !tokens.includes('*')) this.set(name, `${current}, ${token}`);
    return this;
  }

  get size(): number {
    return this.map.size;
  }

  /** `[name, value]` pairs with the names as first set. */
  *entries(): IterableIterator<[string, string]> {
    for (const pair of this.map.values()) yield [pair[0], pair[1]];
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** Pushes `name, value, name, value...` onto `out`, the flat form `writeHead` takes. */
  flattenInto(out: string[]): void {
    for (const pair of this.map.values()) out.push(pair[0], pair[1]);
  }
}
