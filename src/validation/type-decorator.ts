/**
 * `@Type`(() => X): the class of a nested DTO property, or the element type of an array
 * property (`@Type(() => Number)`, `@Type(() => AddressDto)`), which TypeScript's emitted
 * metadata cannot say. Same shape as class-transformer's, so DTOs read familiarly.
 */
import { DTO_TYPE_KEY } from '../metadata/keys';

export function Type(type: () => Function): PropertyDecorator {
  return (target, propertyKey) => {
    const types = new Map<string, () => Function>(
      (Reflect.getOwnMetadata(DTO_TYPE_KEY, target.constructor) as Map<string, () => Function> | undefined) ?? [],
    );
    types.set(String(propertyKey), type);
    Reflect.defineMetadata(DTO_TYPE_KEY, types, target.constructor);
  };
}

/** Declared `@Type()`s of a class and its ancestors. */
export function declaredTypes(cls: Function): Map<string, () => Function> {
  const chain: Function[] = [];
  for (
    let c: Function | null = cls;
    c && c !== Object && c !== Function.prototype;
    c = Object.getPrototypeOf(c) as Function | null
  )
    chain.unshift(c);
  const all = new Map<string, () => Function>();
  for (const c of chain)
    for (const [k, v] of (Reflect.getOwnMetadata(DTO_TYPE_KEY, c) as Map<string, () => Function> | undefined) ?? [])
      all.set(k, v);
  return all;
}
