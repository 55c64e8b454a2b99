/**
 * Turns input into a validated DTO: build (coerce.ts), then class-validator, then errors
 * as `{ "field": [...], "nested.field": [...], "items.0.name": [...] }`. Custom
 * constraint classes are built by the app's container when bound there (so they can
 * inject services), through class-validator's container hook and an AsyncLocalStorage
 * that says which app is validating.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { getMetadataStorage, useContainer, validate, type ValidationError } from 'class-validator';
import { BadRequest } from '../http/errors';
import { buildFromForm, buildFromJson, depthOf, isObject, type Source } from './coerce';
import type { DtoSchema } from './dto-schema';
import { DEFAULT_VALIDATION_MESSAGES, type ValidationMessages } from './messages';

import type { FieldErrors } from './validation-failed';

export type { FieldErrors };

export interface ValidateOptions {
  forbidUnknown: boolean;
  maxDepth: number;
  /** The app's messages (DEFAULT_VALIDATION_MESSAGES with settings.validationMessages over them). */
  messages?: Readonly<ValidationMessages>;
  /** Builds constraint classes bound in the app's container (undefined = not bound). */
  resolve?: (cls: Function) => unknown;
}

const currentResolver = new AsyncLocalStorage<(cls: Function) => unknown>();
useContainer({ get: (cls: Function) => currentResolver.getStore()?.(cls) }, { fallback: true, fallbackOnErrors: true });

/** What the messages need to know of one rule of a DTO property (read once per class, on its first error). */
interface Rule {
  args: readonly unknown[];
  each: boolean;
  /** The DTO wrote its own message: keep it. */
  custom: boolean;
}

const rulesCache = new WeakMap<Function, Map<string, Map<string, Rule>>>();

function rulesOf(cls: Function): Map<string, Map<string, Rule>> {
  let rules = rulesCache.get(cls);
  if (rules === undefined) {
    rules = new Map();
    for (const meta of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) {
      if (meta.name === undefined) continue;
      const byName = rules.get(meta.propertyName) ?? new Map<string, Rule>();
      byName.set(meta.name, {
        args: meta.constraints ?? [],
        each: meta.each === true,
        custom: meta.message !== undefined,
      });
      rules.set(meta.propertyName, byName);
    }
    rulesCache.set(cls, rules);
  }
  return rules;
}

const TYPE_RULES = new Set(['isInt', 'isNumber', 'isString', 'isBoolean', 'isDate', 'isArray']);

const missing = (value: unknown) => value === undefined || value === null || value === '';

/** The messages of one property's failed rules, worded by the catalogue unless the DTO wrote its own. */
function messagesFor(error: ValidationError, messages: Readonly<ValidationMessages>): string[] {
  const failed = Object.entries(error.constraints ?? {});
  const rules = error.target === undefined ? undefined : rulesOf(error.target.constructor).get(error.property);
  const { property } = error;
  const value: unknown = error.value;
  const catalogued = failed.filter(([name]) => rules?.get(name)?.custom !== true && name !== 'customValidation');
  if (catalogued.length > 0 && missing(value) && messages.required)
    return [messages.required({ property, value, constraints: [] })];
  // A value of the wrong type gets the type's message alone ("Enter a whole number."), not also its range's.
  const typeErrors = failed.filter(([name]) => TYPE_RULES.has(name));
  return (typeErrors.length > 0 ? typeErrors : failed).map(([name, text]) => {
    const rule = rules?.get(name);
    const message = messages[name];
    if (rule?.custom === true || message === undefined) return text;
    const worded = message({ property, value, constraints: rule?.args ?? [] });
    return rule?.each && Array.isArray(value) ? `Every item: ${worded}` : worded;
  });
}

function flatten(
  errors: ValidationError[],
  messages: Readonly<ValidationMessages>,
  prefix = '',
  into: FieldErrors = {},
): FieldErrors {
  for (const error of errors) {
    const path = prefix + error.property;
    if (error.constraints) (into[path] ??= []).push(...messagesFor(error, messages));
    if (error.children?.length) flatten(error.children, messages, `${path}.`, into);
  }
  return into;
}

/** Builds and validates; returns the instance and the errors (empty when valid). */
export async function validateInput(
  schema: DtoSchema,
  source: Source,
  options: ValidateOptions,
): Promise<{ instance: object; errors: FieldErrors }> {
  if (source.kind === 'json') {
    if (!isObject(source.value)) {
      throw new BadRequest(
        `Expected a JSON object for ${schema.cls.name}; got ${Array.isArray(source.value) ? 'an array' : source.value === null ? 'null' : typeof source.value}`,
      );
    }
    if (depthOf(source.value, options.maxDepth) > options.maxDepth) {
      throw new BadRequest(`The JSON input is nested more than ${options.maxDepth} levels deep`);
    }
  }
  const built =
    source.kind === 'json'
      ? buildFromJson(schema, source.value as Record<string, unknown>)
      : buildFromForm(schema, source.value);
  // target and value stay inside: the messages read them; the client sees messages only.
  const run = () =>
    validate(built.instance, { forbidUnknownValues: false, validationError: { target: true, value: true } });
  const found = options.resolve ? await currentResolver.run(options.resolve, run) : await run();
  const messages = options.messages ?? DEFAULT_VALIDATION_MESSAGES;
  const errors = flatten(found, messages);
  if (options.forbidUnknown) {
    for (const key of built.unknown)
      (errors[key] ??= []).push(
        messages.unknownField?.({ property: key, value: undefined, constraints: [] }) ??
          `property ${key} should not exist`,
      );
  }
  return { instance: built.instance, errors };
}
