/**
 * Builds a DTO instance from input, following its schema: JSON values are taken as they
 * are (ISO strings become Dates); form and query strings are converted to the declared
 * types (numbers, booleans, Dates, arrays of them; nested DTOs from `field.sub` keys).
 * Only declared fields are copied: unknown ones are dropped, or reported with
 * `forbidUnknown`. A value that does not convert is left as is, for the validators to
 * report in their own words.
 */
import type { QueryDict } from '../http/query-dict';
import type { DtoSchema, FieldKind } from './dto-schema';

export type Source = { kind: 'json'; value: unknown } | { kind: 'form'; value: QueryDict };

export interface BuildResult {
  instance: object;
  unknown: string[];
}

const TRUE = new Set(['true', '1', 'on', 'yes']);
const FALSE = new Set(['false', '0', 'off', 'no']);

function fromString(text: string, kind: FieldKind): unknown {
  switch (kind) {
    case 'number': {
      // Infinity and integers past 2^53 (1e21, 1e308) are not the number the client wrote:
      // left as text, the validators refuse them instead of a database later.
      const n = Number(text);
      const exact = Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n));
      return text.trim() === '' || !exact ? text : n;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) || lower === '' ? false : text;
    }
    case 'date': {
      const date = new Date(text);
      return text === '' || Number.isNaN(date.getTime()) ? text : date;
    }
    default:
      return text;
  }
}

function fromJson(value: unknown, kind: FieldKind): unknown {
  if (kind === 'date' && typeof value === 'string') return fromString(value, 'date');
  return value;
}

/** A JSON object's fields into a DTO instance. */
export function buildFromJson(schema: DtoSchema, input: Record<string, unknown>, prefix = ''): BuildResult {
  const instance = new schema.cls() as Record<string, unknown>;
  const unknown = Object.keys(input)
    .filter((k) => !schema.names.has(k))
    .map((k) => prefix + k);
  for (const field of schema.fields) {
    if (!Object.prototype.hasOwnProperty.call(input, field.name)) continue;
    const value = input[field.name];
    if (field.kind === 'dto' && isObject(value)) {
      const nested = buildFromJson(field.dto!, value, `${prefix}${field.name}.`);
      instance[field.name] = nested.instance;
      unknown.push(...nested.unknown);
    } else if (field.kind === 'array' && Array.isArray(value)) {
      instance[field.name] = value.map((item, i) => {
        if (field.element === 'dto' && isObject(item)) {
          const nested = buildFromJson(field.dto!, item, `${prefix}${field.name}.${i}.`);
          unknown.push(...nested.unknown);
          return nested.instance;
        }
        return fromJson(item, field.element ?? 'any');
      });
    } else {
      instance[field.name] = fromJson(value, field.kind);
    }
  }
  return { instance, unknown };
}

/** Form or query fields (strings, repeated keys) into a DTO instance. */
export function buildFromForm(schema: DtoSchema, form: QueryDict, prefix = ''): BuildResult {
  const instance = new schema.cls() as Record<string, unknown>;
  const unknown: string[] = [];
  if (prefix === '') {
    for (const key of form.keys()) if (!schema.names.has(key.split('.')[0])) unknown.push(key);
  }
  for (const field of schema.fields) {
    const key = prefix + field.name;
    if (field.kind === 'dto') {
      if ([...form.keys()].some((k) => k.startsWith(`${key}.`))) {
        const nested = buildFromForm(field.dto!, form, `${key}.`);
        instance[field.name] = nested.instance;
      }
    } else if (field.kind === 'array') {
      if (form.has(key)) instance[field.name] = form.getAll(key).map((v) => fromString(v, field.element ?? 'any'));
    } else if (form.has(key)) {
      instance[field.name] = fromString(form.get(key)!, field.kind);
    }
  }
  return { instance, unknown };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The nesting depth of a JSON value (1 for a flat object). */
export function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || typeof value !== 'object' || value === null) return depth;
  let max = depth + 1;
  for (const item of Object.values(value)) max = Math.max(max, depthOf(item, limit, depth + 1));
  return max;
}
