/**
 * Turns input into a validated DTO: build (coerce.ts), then class-validator, then errors
 * as `{ "field": [...], "nested.field": [...], "items.0.name": [...] }`. Custom
 * constraint classes are built by the app's container when bound there (so they can
 * inject services), through class-validator's container hook and an AsyncLocalStorage
 * that says which app is validating.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { useContainer, validate, type ValidationError } from 'class-validator';
import { BadRequest } from '../http/errors';
import { buildFromForm, buildFromJson, depthOf, isObject, type Source } from './coerce';
import type { DtoSchema } from './dto-schema';

import type { FieldErrors } from './validation-failed';

export type { FieldErrors };


export interface ValidateOptions {
  forbidUnknown: boolean;
  maxDepth: number;
  /** Builds constraint classes bound in the app's container (undefined = not bound). */
  resolve?: (cls: Function) => unknown;
}

const currentResolver = new AsyncLocalStorage<(cls: Function) => unknown>();
useContainer({ get: (cls: Function) => currentResolver.getStore()?.(cls) } as never, { fallback: true, fallbackOnErrors: true });

function flatten(errors: ValidationError[], prefix = '', into: FieldErrors = {}): FieldErrors {
  for (const error of errors) {
    const path = prefix + error.property;
    if (error.constraints) (into[path] ??= []).push(...Object.values(error.constraints));
    if (error.children?.length) flatten(error.children, `${path}.`, into);
  }
  return into;
}

/** Builds and validates; returns the instance and the errors (empty when valid). */
export async function validateInput(schema: DtoSchema, source: Source, options: ValidateOptions): Promise<{ instance: object; errors: FieldErrors }> {
  if (source.kind === 'json') {
    if (!isObject(source.value)) {
      throw new BadRequest(`Expected a JSON object for ${schema.cls.name}; got ${Array.isArray(source.value) ? 'an array' : source.value === null ? 'null' : typeof source.value}`);
    }
    if (depthOf(source.value, options.maxDepth) > options.maxDepth) {
      throw new BadRequest(`The JSON input is nested more than ${options.maxDepth} levels deep`);
    }
  }
  const built = source.kind === 'json' ? buildFromJson(schema, source.value as Record<string, unknown>) : buildFromForm(schema, source.value);
  const run = () => validate(built.instance, { forbidUnknownValues: false, validationError: { target: false, value: false } });
  const found = options.resolve ? await currentResolver.run(options.resolve, run) : await run();
  const errors = flatten(found);
  if (options.forbidUnknown) for (const key of built.unknown) (errors[key] ??= []).push(`property ${key} should not exist`);
  return { instance: built.instance, errors };
}
