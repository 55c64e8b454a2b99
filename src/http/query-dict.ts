/**
 * QueryDict: Django's multi-valued, read-only mapping for query strings and form bodies.
 * Backed by a Map, so keys such as `__proto__` or `constructor` are plain data and can
 * never reach an object's prototype.
 */
import { TooManyFieldsSent } from './errors';

/** Read-only multi-valued mapping: `get` gives the last value, `getAll` every value. */
export class QueryDict {
  private readonly map: Map<string, string[]>;

  constructor(entries?: Iterable<readonly [string, string]>) {
    this.map = new Map();
    if (entries) for (const [key, value] of entries) this.add(key, value);
  }

  /**
   * Parses `a=1&a=2&b=x` (form-urlencoded rules: `+` is a space). More than `maxFields`
   * pairs throws TooManyFieldsSent (400).
   *
   * @example QueryDict.parse('page=2&tag=a&tag=b').getAll('tag') // ['a', 'b']
   */
  static parse(text: string, maxFields = Infinity): QueryDict {
    const dict = new QueryDict();
    if (text === '') return dict;
    let count = 0;
    for (const [key, value] of new URLSearchParams(text)) {
      if (++count > maxFields) {
        throw new TooManyFieldsSent(
          `The request has more than ${maxFields} fields; raise dataUploadMaxNumberFields if this is expected`,
        );
      }
      dict.add(key, value);
    }
    return dict;
  }

  /** The last value for `key`, or `fallback`. */
  get(key: string): string | undefined;
  get(key: string, fallback: string): string;
  get(key: string, fallback?: string): string | undefined {
    const values = this.map.get(key);
    return values === undefined ? fallback : values[values.length - 1];
  }

  /** Every value for `key`, in order (Django's `getlist`). */
  getAll(key: string): string[] {
    const values = this.map.get(key);
    return values === undefined ? [] : values.slice();
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get size(): number {
    return this.map.size;
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  /** `[key, lastValue]` pairs. */
  *entries(): IterableIterator<[string, string]> {
    for (const [key, values] of this.map) yield [key, values[values.length - 1]];
  }

  /** `[key, allValues]` pairs (Django's `lists()`). */
  lists(): IterableIterator<[string, string[]]> {
    return this.map.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** A null-prototype object: repeated keys become arrays. */
  toObject(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [key, values] of this.map) out[key] = values.length === 1 ? values[0] : values.slice();
    return out;
  }

  private add(key: string, value: string): void {
    const values = this.map.get(key);
    if (values === undefined) this.map.set(key, [value]);
    else values.push(value);
  }
}
