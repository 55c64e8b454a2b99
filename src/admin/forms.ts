/**
 * The admin's forms: each field's value as the form shows it, and the posted strings
 * turned back into column values with an error per field (required, whole number, a
 * choice that exists, a related object that exists, JSON...). Then the entity's own
 * class-validator rules, if it has any.
 */
import { validate } from 'class-validator';
import { In, type Repository } from 'typeorm';
import type { QueryDict } from '../http/query-dict';
import { idFits, type AdminField, type AdminModel } from './model-info';

export interface BoundForm {
  /** The strings the form shows (what was posted, or the object's values). */
  values: Record<string, string | string[]>;
  errors: Record<string, string[]>;
  nonFieldErrors: string[];
}

export const REQUIRED = 'This field is required.';

const pad = (n: number) => String(n).padStart(2, '0');

/** A column value as its input shows it (datetime-local in UTC, JSON pretty, ids of relations). */
export function displayValue(field: AdminField, value: unknown, pk: (object: unknown) => string): string | string[] {
  if (value === null || value === undefined) return field.kind === 'm2m' || field.kind === 'permissions' ? [] : '';
  switch (field.kind) {
    case 'boolean':
      return value ? 'on' : '';
    case 'datetime': {
      const date = value instanceof Date ? value : new Date(String(value));
      if (Number.isNaN(date.getTime())) return '';
      return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
    }
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
    case 'json':
      return JSON.stringify(value, null, 2);
    case 'permissions':
      return Array.isArray(value) ? value.map(String) : [];
    case 'fk':
      return typeof value === 'object' ? pk(value) : String(value);
    case 'm2m':
      return Array.isArray(value) ? value.map((item) => pk(item)) : [];
    default:
      return String(value);
  }
}

/** What an object's fields show in the form. */
export function formValues(model: AdminModel, object: Record<string, unknown>, pkOf: (target: Function) => string) {
  const values: Record<string, string | string[]> = {};
  for (const field of model.fields) {
    const key = field.target ? pkOf(field.target) : model.pk;
    values[field.name] = displayValue(field, object[field.name], (related) =>
      String((related as Record<string, unknown>)[key]),
    );
  }
  return values;
}

/** The labels of `fields` whose form value differs between two formValues snapshots, for the history. */
export function changedLabels(
  fields: readonly AdminField[],
  before: Record<string, string | string[]>,
  after: Record<string, string | string[]>,
): string[] {
  const same = (a: string | string[] | undefined, b: string | string[] | undefined) =>
    Array.isArray(a) && Array.isArray(b)
      ? a.length === b.length && [...a].sort().every((value, index) => value === [...b].sort()[index])
      : a === b;
  return fields.filter((field) => !same(before[field.name], after[field.name])).map((field) => field.label);
}

/** "A", "A and B", "A, B and C". */
export const listed = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

export interface Lookup {
  /** The repository of a related entity (to check that a chosen id exists). */
  repository(target: Function): Repository<Record<string, unknown>>;
  pkOf(target: Function): string;
}

/**
 * Reads `fields` from `post` (names prefixed with `prefix`, for inline rows): the values to
 * set on the entity, and the form as it re-renders. Read-only fields are never read.
 */
export async function readForm(
  fields: readonly AdminField[],
  post: QueryDict,
  lookup: Lookup,
  prefix = '',
): Promise<{ data: Record<string, unknown>; form: BoundForm }> {
  const form: BoundForm = { values: {}, errors: {}, nonFieldErrors: [] };
  const data: Record<string, unknown> = {};
  const fail = (field: AdminField, message: string) => {
    form.errors[field.name] = [...(form.errors[field.name] ?? []), message];
  };
  for (const field of fields) {
    if (field.readonly) continue;
    const key = prefix + field.name;
    if (field.kind === 'm2m') {
      // Picked in a select (one id per value) or typed (rawIdFields: ids separated by commas).
      const ids = [...new Set(post.getAll(key).flatMap((value) => value.split(',').map((id) => id.trim())))].filter(
        Boolean,
      );
      form.values[field.name] = ids;
      const repository = lookup.repository(field.target!);
      const pk = lookup.pkOf(field.target!);
      if (ids.length > 1000) {
        fail(field, `Choose at most 1000 (there are ${ids.length}).`);
        continue;
      }
      const fitting = ids.filter((id) => idFits(field.targetPkKind!, id));
      const found = fitting.length === 0 ? [] : await repository.findBy({ [pk]: In(fitting) });
      if (found.length !== ids.length) fail(field, 'Select valid choices: one of them no longer exists.');
      data[field.name] = found;
      continue;
    }
    if (field.kind === 'permissions') {
      const chosen = [...new Set(post.getAll(key))];
      form.values[field.name] = chosen;
      const bad = chosen.find((permission) => !/^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,100}$/.test(permission));
      if (bad !== undefined) fail(field, `'${bad.slice(0, 60)}' is not a permission (app.codename).`);
      else data[field.name] = chosen;
      continue;
    }
    const raw = post.get(key) ?? '';
    form.values[field.name] = raw;
    if (field.kind === 'boolean') {
      data[field.name] = raw !== '';
      continue;
    }
    const text = field.kind === 'textarea' || field.kind === 'json' ? raw : raw.trim();
    if (text === '') {
      if (field.required) fail(field, REQUIRED);
      else if (field.nullable) data[field.name] = null;
      else if (field.kind === 'text' || field.kind === 'textarea') data[field.name] = '';
      // else: a NOT NULL column with a default keeps its value (the default, on a new row)
      continue;
    }
    switch (field.kind) {
      case 'integer':
        if (!/^-?\d{1,15}$/.test(text)) fail(field, 'Enter a whole number.');
        else data[field.name] = Number(text);
        break;
      case 'number':
        if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(Number(text))) fail(field, 'Enter a number.');
        else data[field.name] = Number(text);
        break;
      case 'date':
        if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)))
          fail(field, 'Enter a valid date (YYYY-MM-DD).');
        else data[field.name] = text;
        break;
      case 'datetime': {
        const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text);
        const date = new Date(`${text}${text.length === 16 ? ':00' : ''}Z`);
        if (!match || Number.isNaN(date.getTime())) fail(field, 'Enter a valid date and time.');
        else data[field.name] = date;
        break;
      }
      case 'choice':
        if (!field.choices!.some(([value]) => value === text))
          fail(field, `Select a valid choice. ${text.slice(0, 50)} is not one of the available choices.`);
        else data[field.name] = text;
        break;
      case 'fk': {
        const repository = lookup.repository(field.target!);
        const related = idFits(field.targetPkKind!, text)
          ? await repository.findOneBy({ [lookup.pkOf(field.target!)]: text })
          : null;
        if (related === null) fail(field, 'Select a valid choice. That choice is not one of the available choices.');
        else data[field.name] = related;
        break;
      }
      case 'json':
        try {
          data[field.name] = JSON.parse(text);
        } catch {
          fail(field, 'Enter valid JSON.');
        }
        break;
      default:
        if (field.maxLength !== undefined && text.length > field.maxLength)
          fail(field, `Ensure this value has at most ${field.maxLength} characters (it has ${text.length}).`);
        else data[field.name] = text;
    }
  }
  return { data, form };
}

/** The entity's own class-validator rules, on the object about to be saved; errors by field. */
export async function entityRules(object: object, form: BoundForm, fields: readonly AdminField[]): Promise<void> {
  const shown = new Set(fields.map((field) => field.name));
  for (const error of await validate(object, { forbidUnknownValues: false })) {
    const messages = Object.values(error.constraints ?? {});
    if (shown.has(error.property)) form.errors[error.property] = [...(form.errors[error.property] ?? []), ...messages];
    else form.nonFieldErrors.push(...messages.map((message) => `${error.property}: ${message}`));
  }
}

export const isValid = (form: BoundForm) => Object.keys(form.errors).length === 0 && form.nonFieldErrors.length === 0;
