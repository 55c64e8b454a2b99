/**
 * Path converters (Django's): the regex a URL segment must match, how it becomes a typed
 * value, and how a value goes back into a URL for `reverse`.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';

/** A path converter. `toValue` may throw to mean "this route does not match". */
export interface PathConverter<T = unknown> {
  /** Regex source (no anchors) a segment must match, e.g. `[0-9]+`. */
  regex: string;
  toValue(segment: string): T;
  toUrl(value: T): string;
  /** The JSON Schema of the segment in an OpenAPI document; default: a string matching `regex`. */
  schema?: Record<string, unknown>;
}

const identity = {
  toValue: (segment: string) => segment,
  toUrl: (value: unknown) => String(value),
};

const BUILTIN: Record<string, PathConverter> = {
  str: { regex: '[^/]+', ...identity, schema: { type: 'string', pattern: '^[^/]+$' } },
  int: {
    regex: '[0-9]+',
    schema: { type: 'integer', minimum: 0 },
    toValue(segment: string): number {
      const value = Number(segment);
      if (!Number.isSafeInteger(value)) throw new RangeError(`${segment} is too large for <int>`);
      return value;
    },
    toUrl: (value: unknown) => String(value),
  },
  slug: { regex: '[-a-zA-Z0-9_]+', ...identity, schema: { type: 'string', pattern: '^[-a-zA-Z0-9_]+$' } },
  uuid: {
    regex: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
    ...identity,
    schema: { type: 'string', format: 'uuid' },
  },
  path: { regex: '.+', ...identity, schema: { type: 'string' } },
};

// Converters are definitions, like Django's register_converter: process-wide, add-only,
// and a name can never be redefined differently, so two apps cannot disagree on one.
const registry = new Map<string, PathConverter>(Object.entries(BUILTIN));

/**
 * Registers a custom path converter, usable as `<name:param>` in routes.
 *
 * @example
 * registerConverter('year', { regex: '[0-9]{4}', toValue: Number, toUrl: String });
 * // @Route('/archive/<year:y>')
 */
export function registerConverter<T>(name: string, converter: PathConverter<T>): void {
  if (!/^[a-zA-Z_]\w*$/.test(name)) {
    throw new ImproperlyConfigured(
      'CONVERTER_NAME_INVALID',
      `Converter name ${JSON.stringify(name)} is not an identifier; use letters, digits and _`,
    );
  }
  const existing = registry.get(name);
  if (existing !== undefined && existing !== (converter as PathConverter)) {
    throw new ImproperlyConfigured(
      'CONVERTER_DUPLICATE',
      `A path converter named '${name}' is already registered; pick another name for the new one`,
    );
  }
  try {
    new RegExp(converter.regex);
  } catch (error) {
    throw new ImproperlyConfigured(
      'CONVERTER_REGEX_INVALID',
      `Converter '${name}' has an invalid regex: ${(error as Error).message}`,
    );
  }
  registry.set(name, converter);
}

/** The converter registered under `name`, if any. */
export function getConverter(name: string): PathConverter | undefined {
  return registry.get(name);
}

/** Names of every registered converter (for error messages). */
export function converterNames(): string[] {
  return [...registry.keys()];
}
