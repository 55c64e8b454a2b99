/**
 * DtoSchema: what Rondo knows of a DTO class, compiled once at start-up: its properties
 * (those with class-validator decorators or `@Type`), and each one's declared type from
 * TypeScript's `design:type` metadata and `@Type()`.
 */

import { ImproperlyConfigured } from '../errors/rondo-error';
import { declaredTypes } from './type-decorator';

export type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'dto' | 'array' | 'any';

export interface FieldSchema {
  name: string;
  kind: FieldKind;
  /** For 'dto', and for arrays of DTOs. */
  dto?: DtoSchema;
  /** For arrays: the element kind. */
  element?: Exclude<FieldKind, 'array'>;
}

export interface DtoSchema {
  cls: new () => object;
  fields: FieldSchema[];
  names: ReadonlySet<string>;
}

const cache = new WeakMap<Function, DtoSchema>();

/** class-validator's metadata, loaded on first use (apps without DTOs never load it). */
function getMetadataStorage() {
  return (require('class-validator') as typeof import('class-validator')).getMetadataStorage();
}

/** True when `type` is a class with class-validator rules or `@Type()` fields (a DTO). */
export function isDtoClass(type: unknown): type is new () => object {
  if (
    typeof type !== 'function' ||
    [Object, String, Number, Boolean, Array, Date, Function, Promise].includes(type as never)
  )
    return false;
  return (
    getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0 || declaredTypes(type).size > 0
  );
}

function kindOf(type: unknown): FieldKind {
  if (type === String) return 'string';
  if (type === Number) return 'number';
  if (type === Boolean) return 'boolean';
  if (type === Date) return 'date';
  if (type === Array) return 'array';
  if (isDtoClass(type)) return 'dto';
  return 'any';
}

/** The schema of a DTO class (compiled once per class). */
export function dtoSchema(cls: new () => object, seen: Set<Function> = new Set()): DtoSchema {
  const cached = cache.get(cls);
  if (cached !== undefined) return cached;
  if (seen.has(cls))
    throw new ImproperlyConfigured(
      'DTO_RECURSIVE',
      `DTO ${cls.name} contains itself; recursive DTOs are not supported`,
    );
  seen.add(cls);
  const names = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(cls, '', true, false)
      .map((m) => m.propertyName),
  );
  const types = declaredTypes(cls);
  for (const name of types.keys()) names.add(name);
  const fields = [...names].map((name): FieldSchema => {
    const designType = Reflect.getMetadata('design:type', cls.prototype as object, name) as unknown;
    const declared = types.get(name)?.();
    const kind = kindOf(designType);
    if (kind === 'array') {
      const element = declared === undefined ? 'any' : kindOf(declared);
      if (element === 'array')
        throw new ImproperlyConfigured('DTO_NESTED_ARRAY', `${cls.name}.${name}: arrays of arrays are not supported`);
      return {
        name,
        kind,
        element,
        dto: element === 'dto' ? dtoSchema(declared as new () => object, seen) : undefined,
      };
    }
    const effective = declared !== undefined && kind === 'any' ? kindOf(declared) : kind;
    const nested = effective === 'dto' ? ((declared ?? designType) as new () => object) : undefined;
    return { name, kind: effective, dto: nested ? dtoSchema(nested, seen) : undefined };
  });
  const schema = { cls, fields, names };
  cache.set(cls, schema);
  seen.delete(cls);
  return schema;
}
