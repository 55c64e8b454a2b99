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

/**
 * Lower-cased header names, remembered: names are nearly always the same few constants,
 * so each request looks them up instead of lower-casing them again. Bounded.
 */
const LOWER = new Map<string, string>();
function lower(name: string): string {
  let key = LOWER.get(name);
  if (key === undefined) {
    key = name.toLowerCase();
    if (LOWER.size < 1000) LOWER.set(name, key);
  }
  return key;
}

/** The value as text; CR, LF or NUL throws (it would split the response). */
function checked(name: string, value: string | number): string {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') value = String(value); // plain JavaScript callers
  if (INVALID_HEADER_VALUE.test(value)) {
    throw new TypeError(`Header ${name} has a CR, LF or NUL character in its value; remove it (it would split the response)`);
  }
  return value;
}

/** A header checked once (at start-up), to be set per response without checking again. */
export interface PresetHeader {
  readonly key: string;
  readonly name: string;
  readonly value: string;
}

/** Checks a constant header once; `setPreset` then costs one map lookup per response. */
export function presetHeader(name: string, value: string | number): PresetHeader {
  return Object.freeze({ key: name.toLowerCase(), name, value: checked(name, value) });
}

/** Outgoing response headers, case-insensitive, keeping the spelling first used. */
export class ResponseHeaders {
  private readonly map = new Map<string, [name: string, value: string]>();

  constructor(init?: Record<string, string | number> | Iterable<readonly [string, string | number]>) {
    if (!init) return;
    const pairs = Symbol.iterator in init ? init : Object.entries(init);
    for (const [name, value] of pairs as Iterable<readonly [string, string | number]>) this.set(name, value);
  }

  get(name: string): string | undefined {
    return this.map.get(lower(name))?.[1];
  }

  has(name: string): boolean {
    return this.map.has(lower(name));
  }

  /** Sets a header. A value holding CR, LF or NUL throws: it would split the response. */
  set(name: string, value: string | number): this {
    this.map.set(lower(name), [name, checked(name, value)]);
    return this;
  }

  /** Sets the header only when it is not set yet. */
  setDefault(name: string, value: string | number): this {
    const key = lower(name);
    if (!this.map.has(key)) this.map.set(key, [name, checked(name, value)]);
    return this;
  }

  /** Sets a preset header (see presetHeader) only when it is not set yet. */
  setPreset(header: PresetHeader): this {
    if (!this.map.has(header.key)) this.map.set(header.key, [header.name, header.value]);
    return this;
  }

  delete(name: string): boolean {
    return this.map.delete(lower(name));
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
