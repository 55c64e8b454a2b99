/**
 * JSON Schemas (OpenAPI 3.1: JSON Schema 2020-12) of DTO classes, from their class-validator
 * rules. class-validator-jsonschema does the rule → keyword mapping; this adds what it lacks
 * for Rondo: nested DTOs named by Rondo's `@Type()` (or the property's TypeScript type)
 * become components of their own, a property's TypeScript type fills in a missing `type`,
 * and OpenAPI 3.0's `nullable` and `url` become 3.1's type list and `uri`.
 */
import { declaredTypes } from '../validation/type-decorator';

export type JsonSchema = Record<string, unknown>;

const REF = '#/components/schemas/';

interface ConverterMeta {
  target: Function;
  propertyName: string;
  each?: boolean;
}

/** The components of one document: each DTO class once, under a unique name. */
export class SchemaRegistry {
  readonly components: Record<string, JsonSchema> = {};
  private readonly names = new Map<Function, string>();

  /** A `$ref` to `cls`'s schema, added to the components on first use. */
  ref(cls: Function): JsonSchema {
    return { $ref: REF + this.register(cls) };
  }

  private register(cls: Function): string {
    const known = this.names.get(cls);
    if (known !== undefined) return known;
    let name = cls.name || 'Anonymous';
    for (let n = 2; Object.prototype.hasOwnProperty.call(this.components, name); n++) name = `${cls.name}${n}`;
    this.names.set(cls, name);
    this.components[name] = {}; // reserved first: a DTO that refers to itself ends here
    this.components[name] = this.build(cls);
    return name;
  }

  private build(cls: Function): JsonSchema {
    const { targetConstructorToSchema } =
      require('class-validator-jsonschema') as typeof import('class-validator-jsonschema');
    const nested = (meta: ConverterMeta): JsonSchema => {
      const design = Reflect.getMetadata('design:type', meta.target.prototype as object, meta.propertyName) as unknown;
      const declared = declaredTypes(meta.target).get(meta.propertyName)?.();
      const child = declared ?? design;
      if (typeof child !== 'function' || child === Array || child === Object) return {};
      const ref = this.ref(child);
      // `@ValidateNested() @Type(() => Tag) tags: Tag[]` without `each`: still an array of them
      return design === Array && meta.each !== true ? { type: 'array', items: ref } : ref;
    };
    const schema = targetConstructorToSchema(cls, {
      refPointerPrefix: REF,
      additionalConverters: { nestedValidation: nested as never },
    }) as JsonSchema;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const optional = optionalProperties(cls);
    for (const [name, property] of Object.entries(properties)) {
      const typed = to31(withDesignType(property, cls, name));
      properties[name] = optional.has(name) ? orNull(typed) : typed;
    }
    return { type: 'object', ...schema, properties, additionalProperties: schema.additionalProperties };
  }
}

/** Properties marked `@IsOptional()`: class-validator lets undefined and null through them. */
function optionalProperties(cls: Function): Set<string> {
  const { getMetadataStorage } = require('class-validator') as typeof import('class-validator');
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false) as Array<{
    name?: string;
    propertyName: string;
  }>;
  return new Set(metas.filter((meta) => meta.name === 'isOptional').map((meta) => meta.propertyName));
}

/** The schema, also allowing null. */
function orNull(schema: JsonSchema): JsonSchema {
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  if (Array.isArray(schema.type))
    return schema.type.includes('null') ? schema : { ...schema, type: [...(schema.type as string[]), 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

/** Fills in `type` from the property's TypeScript type when no rule gave one. */
function withDesignType(schema: JsonSchema, cls: Function, name: string): JsonSchema {
  if (['type', '$ref', 'oneOf', 'anyOf', 'allOf', 'enum'].some((key) => key in schema)) return schema;
  const design = Reflect.getMetadata('design:type', cls.prototype as object, name) as unknown;
  if (design === String) return { type: 'string', ...schema };
  if (design === Number) return { type: 'number', ...schema };
  if (design === Boolean) return { type: 'boolean', ...schema };
  if (design === Date) return { type: 'string', format: 'date-time', ...schema };
  if (design === Array) return { type: 'array', ...schema };
  return schema;
}

/** OpenAPI 3.0 spellings the library writes, in 3.1's JSON Schema. */
function to31(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') continue;
    if (key === 'format' && value === 'url') out.format = 'uri';
    else if (Array.isArray(value)) out[key] = (value as unknown[]).map((v) => (isSchema(v) ? to31(v) : v));
    else out[key] = isSchema(value) ? to31(value) : value;
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema of a value of a view parameter's TypeScript type (`@Param`, `@Query(name)`). */
export function primitiveSchema(type: unknown): JsonSchema {
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  if (type === Date) return { type: 'string', format: 'date-time' };
  if (type === Array) return { type: 'array', items: { type: 'string' } };
  return { type: 'string' };
}
