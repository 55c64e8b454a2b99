/**
 * Case-insensitive header maps. Request headers wrap Node's already lower-cased object
 * without copying it; response headers keep the caller's spelling for the wire.
 */
import { RondoError } from '../errors/rondo-error';

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

/** Request headers as an adapter gives them: lower-cased names (node:http's shape). */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** Incoming request headers: `get('Content-Type')` and `get('content-type')` agree. */
export class RequestHeaders {
  constructor(private readonly raw: IncomingHeaders) {}

  /** The header's value; repeated headers (other than Set-Cookie) are joined by ", ". */
  get(name: string): string | undefined {
    const value = this.raw[lower(name)];
    return typeof value === 'string' || value === undefined ? value : value.join(', ');
  }

  has(name: string): boolean {
    return this.raw[lower(name)] !== undefined;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.raw)) {
      const value = this.raw[key];
      if (value !== undefined) yield [key, typeof value === 'string' ? value : value.join(', ')];
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

/** The value as text; CR, LF or NUL throws (it would split the response). */
function checked(name: string, value: string | number): string {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') value = String(value); // plain JavaScript callers
  if (INVALID_HEADER_VALUE.test(value)) {
    throw new RondoError(
      'HEADER_VALUE_INVALID',
      `Header ${name} has a CR, LF or NUL character in its value: ${JSON.stringify(value.slice(0, 100))}; remove it (it would split the response)`,
    );
  }
  return value;
}

/** A header checked once (at start-up), to be set per response without checking again. */
export interface PresetHeader {
  readonly key: string;
  readonly name: string;
  readonly value: string;
}

/** Checks a constant header once; `setPreset` then costs no check per response. */
export function presetHeader(name: string, value: string | number): PresetHeader {
  return Object.freeze({ key: lower(name), name, value: checked(name, value) });
}

/**
 * Outgoing response headers, case-insensitive, in the spelling last set. Stored as
 * a flat `[key, name, value, ...]` list: a response has a handful of headers, and a scan
 * of a few keys costs less than a Map's hashing, entries and growth per response.
 */
export class ResponseHeaders {
  private readonly list: string[];

  /** @internal `first` (a response's Content-Type) is set after `init` unless `init` has it. */
  constructor(
    init?: Record<string, string | number> | Iterable<readonly [string, string | number]>,
    first?: PresetHeader,
  ) {
    if (!init) {
      // The usual response: its one header in a literal (an empty array grown by push reserves more room).
      this.list = first === undefined ? [] : [first.key, first.name, first.value];
      return;
    }
    this.list = [];
    const pairs = Symbol.iterator in init ? init : Object.entries(init);
    for (const [name, value] of pairs) this.set(name, value);
    if (first !== undefined) this.setPreset(first);
  }

  /** Where the header's key sits in the list, or -1. */
  private find(key: string): number {
    const list = this.list;
    for (let i = 0; i < list.length; i += 3) if (list[i] === key) return i;
    return -1;
  }

  get(name: string): string | undefined {
    const at = this.find(lower(name));
    return at === -1 ? undefined : this.list[at + 2];
  }

  has(name: string): boolean {
    return this.find(lower(name)) !== -1;
  }

  /** Sets a header. A value holding CR, LF or NUL throws: it would split the response. */
  set(name: string, value: string | number): this {
    this.put(lower(name), name, checked(name, value));
    return this;
  }

  /**
   * @internal Sets a header whose name was checked once (`presetHeader(name, '')`) to a value the caller vouches for (no
   * CR/LF/NUL).
   */
  setChecked(header: PresetHeader, value: string): this {
    this.put(header.key, header.name, value);
    return this;
  }

  /** Sets the header only when it is not set yet. */
  setDefault(name: string, value: string | number): this {
    const key = lower(name);
    if (this.find(key) === -1) this.list.push(key, name, checked(name, value));
    return this;
  }

  /** @internal Sets a preset header (see presetHeader) only when it is not set yet. */
  setPreset(header: PresetHeader): this {
    if (this.find(header.key) === -1) this.list.push(header.key, header.name, header.value);
    return this;
  }

  delete(name: string): boolean {
    const at = this.find(lower(name));
    if (at === -1) return false;
    this.list.splice(at, 3);
    return true;
  }

  /** Replaces the value (and spelling) of a header in place, or adds it at the end. */
  private put(key: string, name: string, value: string): void {
    const at = this.find(key);
    if (at === -1) {
      this.list.push(key, name, value);
    } else {
      this.list[at + 1] = name;
      this.list[at + 2] = value;
    }
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
    return this.list.length / 3;
  }

  /** `[name, value]` pairs with the names as last set. */
  *entries(): IterableIterator<[string, string]> {
    const list = this.list;
    for (let i = 0; i < list.length; i += 3) yield [list[i + 1], list[i + 2]];
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /**
   * Writes `name, value, name, value...` into `out` from index `at` (default: its end; the flat form `writeHead`
   * takes); returns the next index.
   */
  flattenInto(out: string[], at = out.length): number {
    const list = this.list;
    for (let i = 0; i < list.length; i += 3) {
      out[at++] = list[i + 1];
      out[at++] = list[i + 2];
    }
    return at;
  }
}
