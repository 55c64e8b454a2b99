/**
 * DTOs derived from an entity or another DTO, as NestJS's mapped types:
 * `PickType(Article, ['title', 'body'])`, `OmitType(Article, ['id'])` and `PartialType(X)`
 * (every rule optional, for PATCH). The new class carries the parent's class-validator
 * rules, design types and `@Type()`s for the kept properties only, so a body cannot set the
 * others. Built once at start-up; an unknown property name fails there.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import { DTO_TYPE_KEY } from '../metadata/keys';
import { declaredTypes } from './type-decorator';

/** A DTO class: what PickType, OmitType and PartialType take and make. */
export type DtoClass<T> = new () => T;

function classValidator(): typeof import('class-validator') {
  return require('class-validator') as typeof import('class-validator');
}

/** The parent's properties that have rules or a declared type. */
function ruledProperties(parent: Function): Set<string> {
  const names = new Set(
    classValidator()
      .getMetadataStorage()
      .getTargetValidationMetadatas(parent, '', true, false)
      .map((m) => m.propertyName),
  );
  for (const name of declaredTypes(parent).keys()) names.add(name);
  return names;
}

function derive(parent: Function, name: string, keep: ReadonlySet<string>, optional: boolean): DtoClass<object> {
  const { getMetadataStorage, IsOptional } = classValidator();
  const derived = { [name]: class {} }[name];
  const storage = getMetadataStorage();
  for (const rule of storage.getTargetValidationMetadatas(parent, '', true, false)) {
    if (keep.has(rule.propertyName))
      storage.addValidationMetadata(
        Object.assign(Object.create(Object.getPrototypeOf(rule) as object) as typeof rule, rule, { target: derived }),
      );
  }
  const types = new Map([...declaredTypes(parent)].filter(([property]) => keep.has(property)));
  if (types.size > 0) Reflect.defineMetadata(DTO_TYPE_KEY, types, derived);
  for (const property of keep) {
    const designType = Reflect.getMetadata('design:type', parent.prototype as object, property) as unknown;
    if (designType !== undefined) Reflect.defineMetadata('design:type', designType, derived.prototype, property);
    if (optional) IsOptional()(derived.prototype, property);
  }
  return derived;
}

function checked(helper: string, parent: Function, keys: readonly PropertyKey[]): Set<string> {
  const known = ruledProperties(parent);
  const unknown = keys.map(String).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new ImproperlyConfigured(
      'DTO_MAPPED_PROPERTY_UNKNOWN',
      `${helper}(${parent.name}, ...) names ${unknown.join(', ')}, which ${parent.name} has no validation rule or @Type() for; its validated properties are ${[...known].join(', ') || '(none)'}`,
    );
  }
  return new Set(keys.map(String));
}

/** A DTO with only `keys` of `parent`, and their rules. */
export function PickType<T, K extends keyof T>(parent: DtoClass<T>, keys: readonly K[]): DtoClass<Pick<T, K>> {
  return derive(parent, `Pick${parent.name}`, checked('PickType', parent, keys), false) as DtoClass<Pick<T, K>>;
}

/** A DTO with every validated property of `parent` except `keys`. */
export function OmitType<T, K extends keyof T>(parent: DtoClass<T>, keys: readonly K[]): DtoClass<Omit<T, K>> {
  const omitted = checked('OmitType', parent, keys);
  return derive(
    parent,
    `Omit${parent.name}`,
    new Set([...ruledProperties(parent)].filter((p) => !omitted.has(p))),
    false,
  ) as DtoClass<Omit<T, K>>;
}

/** `parent` with every property optional (absent is valid; a present value still obeys its rules). */
export function PartialType<T>(parent: DtoClass<T>): DtoClass<Partial<T>> {
  return derive(parent, `Partial${parent.name}`, ruledProperties(parent), true);
}
