/**
 * What the admin knows of a registered model, read once from TypeORM's metadata (after
 * the database connected): its fields with a form kind each, its primary key, the
 * relations that point at it (for the delete page and inlines), and its options with
 * their defaults filled in. Nothing here reads a request.
 */
import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { RelationMetadata } from 'typeorm/metadata/RelationMetadata';
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { BulkAction, Fieldset, InlineOptions, ListColumn, ModelAdminOptions } from './options';

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'choice'
  | 'fk'
  | 'm2m'
  | 'json'
  | 'permissions'
  | 'computed';

export interface AdminField {
  name: string;
  label: string;
  kind: FieldKind;
  /** A value is needed (not nullable, no default). */
  required: boolean;
  /** An empty input is stored as NULL (else, for a column with a default, as '' or left to the default). */
  nullable: boolean;
  /** Shown, never taken from a form (primary key, generated and date columns, readonlyFields). */
  readonly: boolean;
  choices?: ReadonlyArray<readonly [string, string]>;
  /** The related entity of a many-to-one or many-to-many. */
  target?: Function;
  /** Its primary key's kind (which ids can be one). */
  targetPkKind?: 'integer' | 'text';
  /** A relation edited by typing ids (rawIdFields), not picked from a select. */
  rawId?: boolean;
  /** A computed changelist column's value. */
  compute?: (object: never) => unknown;
  maxLength?: number;
}

/** A column the search box looks in: the model's own, or one of a many-to-one's model. */
export interface SearchField {
  relation: string | undefined;
  column: string;
}

/** A relation of another model that points at this one (what a delete takes with it, or is blocked by). */
export interface Dependent {
  entity: Function;
  /** The child's many-to-one property. */
  property: string;
  label: string;
  /** CASCADE: deleted with it; SET NULL: kept, unlinked; else the delete is refused while they exist. */
  onDelete: 'cascade' | 'set-null' | 'protect';
}

export interface AdminInline {
  model: AdminModel;
  fk: string;
  fields: AdminField[];
  extra: number;
}

export interface AdminModel {
  entity: Function;
  appLabel: string;
  /** Lower-case class name: the URL part and the permissions' suffix (`app.change_article`). */
  modelName: string;
  verboseName: string;
  verboseNamePlural: string;
  pk: string;
  pkKind: 'integer' | 'text';
  /** Every field of the form, editable or not, in order. */
  fields: AdminField[];
  /** The form's groups of fields (one untitled group holding every field by default). */
  fieldsets: Array<{ title?: string; description?: string; collapse: boolean; fields: string[] }>;
  byName: ReadonlyMap<string, AdminField>;
  listDisplay: AdminField[];
  listFilter: AdminField[];
  searchFields: SearchField[];
  dateHierarchy?: AdminField;
  ordering: Array<{ field: string; descending: boolean }>;
  listPerPage: number;
  actions: BulkAction[];
  inlines: AdminInline[];
  dependents: Dependent[];
  options: ModelAdminOptions;
}

const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
export const labelOf = (name: string) => {
  const text = words(name);
  return text.charAt(0).toUpperCase() + text.slice(1);
};

const TEXT = new Set(['varchar', 'character varying', 'char', 'character', 'nvarchar', 'uuid', 'citext']);
const LONG_TEXT = new Set(['text', 'mediumtext', 'longtext', 'clob']);
const INTEGER = new Set(['int', 'integer', 'smallint', 'bigint', 'int2', 'int4', 'int8', 'tinyint', 'mediumint']);
const NUMBER = new Set(['float', 'double', 'double precision', 'decimal', 'numeric', 'real', 'float4', 'float8']);
const BOOLEAN = new Set(['boolean', 'bool']);
const DATETIME = new Set([
  'datetime',
  'timestamp',
  'timestamptz',
  'timestamp with time zone',
  'timestamp without time zone',
]);
const JSON_TYPES = new Set(['simple-json', 'json', 'jsonb', 'simple-array']);

function kindOf(column: ColumnMetadata): FieldKind {
  if (column.enum !== undefined) return 'choice';
  const type = column.type;
  if (type === String) return 'text';
  if (type === Number) return 'number';
  if (type === Boolean) return 'boolean';
  if (type === Date) return 'datetime';
  const name = String(type).toLowerCase();
  if (TEXT.has(name)) return 'text';
  if (LONG_TEXT.has(name)) return 'textarea';
  if (INTEGER.has(name)) return 'integer';
  if (NUMBER.has(name)) return 'number';
  if (BOOLEAN.has(name)) return 'boolean';
  if (DATETIME.has(name)) return 'datetime';
  if (name === 'date') return 'date';
  if (name === 'enum' || name === 'simple-enum') return 'choice';
  if (JSON_TYPES.has(name)) return 'json';
  return 'text';
}

/** Columns an admin form never edits: keys and what the database or TypeORM fills in. */
function systemColumn(column: ColumnMetadata): boolean {
  return (
    column.isPrimary ||
    column.isGenerated ||
    column.isCreateDate ||
    column.isUpdateDate ||
    column.isVersion ||
    column.isDeleteDate
  );
}

function columnField(column: ColumnMetadata, readonly: ReadonlySet<string>): AdminField {
  // rondo/auth's permission strings (on users and groups): chosen from the site's catalogue.
  const kind = column.propertyName === 'permissions' && kindOf(column) === 'json' ? 'permissions' : kindOf(column);
  const hasDefault = column.default !== undefined || column.isGenerated;
  return {
    name: column.propertyName,
    label: labelOf(column.propertyName),
    kind,
    required: !column.isNullable && !hasDefault && kind !== 'boolean',
    nullable: column.isNullable,
    // A password column holds a hash: shown, never typed in (rondo/auth's pages set passwords).
    readonly: systemColumn(column) || readonly.has(column.propertyName) || column.propertyName === 'password',
    choices:
      kind === 'choice'
        ? (column.enum ?? []).map((value) => [String(value), labelOf(String(value))] as const)
        : undefined,
    maxLength: column.length ? Number(column.length) : undefined,
  };
}

function relationField(relation: RelationMetadata, readonly: ReadonlySet<string>): AdminField | undefined {
  const many = relation.relationType === 'many-to-many' && relation.isOwning;
  const one = relation.relationType === 'many-to-one' || (relation.relationType === 'one-to-one' && relation.isOwning);
  if (!many && !one) return undefined;
  return {
    name: relation.propertyName,
    label: labelOf(relation.propertyName),
    kind: many ? 'm2m' : 'fk',
    required: one && !relation.isNullable,
    nullable: !many && relation.isNullable,
    readonly: readonly.has(relation.propertyName),
    target: relation.inverseEntityMetadata.target as Function,
    targetPkKind: pkKindOf(relation.inverseEntityMetadata.primaryColumns[0]),
  };
}

/** "a text column", "an integer column": for messages. */
const aColumn = (kind: FieldKind) => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} column`;

function pkKindOf(column: ColumnMetadata | undefined): 'integer' | 'text' {
  const kind = column === undefined ? 'text' : kindOf(column);
  return kind === 'integer' || kind === 'number' ? 'integer' : 'text';
}

/**
 * Whether `id` can be a primary key of this kind (digits for a number key), checked before
 * a query so that the database never sees text for a number: a typed or forged id that
 * cannot be one is a 404 or a field error, and a real database error stays one.
 */
export const idFits = (kind: 'integer' | 'text', id: string): boolean =>
  kind === 'integer' ? /^[0-9]{1,15}$/.test(id) : id !== '' && id.length <= 200;

/** Every field of `metadata`, in declaration order (relations after the columns they replace). */
export function fieldsOf(metadata: EntityMetadata, readonly: ReadonlySet<string> = new Set()): AdminField[] {
  const fields: AdminField[] = [];
  for (const column of metadata.columns) {
    if (column.relationMetadata !== undefined) continue; // a join column: the relation is the field
    fields.push(columnField(column, readonly));
  }
  for (const relation of metadata.relations) {
    const field = relationField(relation, readonly);
    if (field !== undefined) fields.push(field);
  }
  return fields;
}

/**
 * One searchFields entry: a text column of the model, or `relation.column`, a text column
 * of a many-to-one's target (`'author.username'`), searched through a join.
 */
function searchField(dataSource: DataSource, model: string, fields: AdminField[], entry: string): SearchField {
  const [name, column, deeper] = entry.split('.');
  const [field] = pick(model, fields, [name], 'searchFields')!;
  if (column === undefined) {
    if (field.kind !== 'text' && field.kind !== 'textarea')
      throw new ImproperlyConfigured(
        'ADMIN_INVALID',
        `adminApp: searchFields of ${model} names '${entry}', which is not a text column`,
      );
    return { relation: undefined, column: name };
  }
  const target = field.kind === 'fk' ? fieldsOf(dataSource.getMetadata(field.target!)) : [];
  const text = target.find((candidate) => candidate.name === column);
  if (deeper !== undefined || text === undefined || (text.kind !== 'text' && text.kind !== 'textarea'))
    throw new ImproperlyConfigured(
      'ADMIN_INVALID',
      `adminApp: searchFields of ${model} names '${entry}'; a related field is 'relation.column', a text column of a many-to-one's model${
        field.kind === 'fk'
          ? ` (${field.target!.name} has ${
              target
                .filter((f) => f.kind === 'text' || f.kind === 'textarea')
                .map((f) => f.name)
                .join(', ') || 'none'
            })`
          : ''
      }`,
    );
  return { relation: name, column };
}

/** listDisplay: column names, and computed columns as fields of kind 'computed'. */
function listColumns(model: string, fields: AdminField[], entries: ModelAdminOptions['listDisplay']) {
  return entries?.map((entry, index): AdminField => {
    if (typeof entry === 'string') return pick(model, fields, [entry], 'listDisplay')![0];
    const column = entry as ListColumn<never> | undefined;
    if (typeof column?.label !== 'string' || typeof column.value !== 'function')
      throw new ImproperlyConfigured(
        'ADMIN_INVALID',
        `adminApp: listDisplay of ${model} has an entry (${index}) that is neither a column name nor { label, value(object) }`,
      );
    return {
      name: `column${index}`,
      label: column.label,
      kind: 'computed',
      required: false,
      nullable: true,
      readonly: true,
      compute: column.value,
    };
  });
}

function pick(model: string, fields: AdminField[], names: readonly string[] | undefined, option: string) {
  if (names === undefined) return undefined;
  const byName = new Map(fields.map((field) => [field.name, field]));
  return names.map((name) => {
    const field = byName.get(name);
    if (field === undefined)
      throw new ImproperlyConfigured(
        'ADMIN_INVALID',
        `adminApp: ${option} of ${model} names '${name}', which is not one of its columns (${[...byName.keys()].join(', ')})`,
      );
    return field;
  });
}

/** Reads one registration. ADMIN_INVALID names the model and the option for anything that cannot work. */
export function modelInfo(dataSource: DataSource, entity: Function, options: ModelAdminOptions): AdminModel {
  if (!dataSource.hasMetadata(entity))
    throw new ImproperlyConfigured(
      'ADMIN_INVALID',
      `adminApp: ${entity.name} is not an entity of the app; add it to createApp({ entities }) (or a discovered models folder)`,
    );
  const metadata = dataSource.getMetadata(entity);
  const primary = metadata.primaryColumns;
  if (primary.length !== 1)
    throw new ImproperlyConfigured(
      'ADMIN_INVALID',
      `adminApp: ${entity.name} has ${primary.length} primary columns; the admin edits models with exactly one`,
    );
  const model = entity.name;
  const readonly = new Set<string>(options.readonlyFields ?? []);
  const all = fieldsOf(metadata, readonly);
  for (const field of pick(model, all, options.rawIdFields, 'rawIdFields') ?? []) {
    if (field.kind !== 'fk' && field.kind !== 'm2m')
      throw new ImproperlyConfigured(
        'ADMIN_INVALID',
        `adminApp: rawIdFields of ${model} names '${field.name}', ${aColumn(field.kind)}; it takes many-to-one and many-to-many relations`,
      );
    field.rawId = true;
  }
  if (options.fields !== undefined && options.fieldsets !== undefined)
    throw new ImproperlyConfigured(
      'ADMIN_INVALID',
      `adminApp: ${model} has both fields and fieldsets; give one (fieldsets list the fields in groups)`,
    );
  const grouped: string[] | undefined = options.fieldsets?.flatMap(([, set]) => set.fields);
  const repeated = grouped?.find((name, index) => grouped.indexOf(name) !== index);
  if (repeated !== undefined)
    throw new ImproperlyConfigured(
      'ADMIN_INVALID',
      `adminApp: fieldsets of ${model} name '${repeated}' twice; each field goes in one group`,
    );
  const formFields = pick(model, all, options.fields ?? grouped, options.fields ? 'fields' : 'fieldsets') ?? all;
  const pk = primary[0].propertyName;
  const pkField = all.find((field) => field.name === pk)!;
  const fields = formFields.includes(pkField) ? formFields : [pkField, ...formFields];
  // The primary key, shown read-only, heads the first group when no group names it.
  const sets: ReadonlyArray<readonly [string | null, Fieldset<Record<string, unknown>>]> = options.fieldsets ?? [
    [null, { fields: fields.map((field) => field.name) }],
  ];
  const fieldsets = sets.map(([title, set], index) => ({
    title: title ?? undefined,
    description: set.description,
    collapse: set.collapse === true,
    fields: [...(index === 0 && !formFields.includes(pkField) && options.fieldsets ? [pk] : []), ...set.fields],
  }));
  const shown = all.filter((field) => !['m2m', 'json', 'permissions', 'textarea'].includes(field.kind));
  const listDisplay = listColumns(model, all, options.listDisplay) ?? [
    pkField,
    ...shown.filter((field) => field !== pkField && field.name !== 'password').slice(0, 4),
  ];
  const listFilter = pick(model, all, options.listFilter, 'listFilter') ?? [];
  for (const field of listFilter) {
    if (!['boolean', 'choice', 'fk', 'date', 'datetime'].includes(field.kind))
      throw new ImproperlyConfigured(
        'ADMIN_INVALID',
        `adminApp: listFilter of ${model} names '${field.name}', ${aColumn(field.kind)}; filters take booleans, enums, dates and many-to-ones`,
      );
  }
  const searchFields = (options.searchFields ?? []).map((entry) => searchField(dataSource, model, all, entry));
  const [dateHierarchy] =
    options.dateHierarchy === undefined ? [] : pick(model, all, [options.dateHierarchy], 'dateHierarchy')!;
  if (dateHierarchy !== undefined && dateHierarchy.kind !== 'date' && dateHierarchy.kind !== 'datetime')
    throw new ImproperlyConfigured(
      'ADMIN_INVALID',
      `adminApp: dateHierarchy of ${model} names '${dateHierarchy.name}', ${aColumn(dateHierarchy.kind)}; it takes a date or datetime column`,
    );
  const ordering = (options.ordering ?? [`-${pk}`]).map((entry) => {
    const descending = entry.startsWith('-');
    const field = descending ? entry.slice(1) : entry;
    pick(model, all, [field], 'ordering');
    return { field, descending };
  });
  const modelName = model.toLowerCase();
  const verboseName = words(model);
  const dependents: Dependent[] = [];
  for (const other of dataSource.entityMetadatas) {
    for (const relation of other.manyToOneRelations) {
      if (relation.inverseEntityMetadata.target !== entity) continue;
      const rule = (relation.onDelete ?? 'NO ACTION').toUpperCase();
      dependents.push({
        entity: other.target as Function,
        property: relation.propertyName,
        label: words((other.target as Function).name),
        onDelete: rule === 'CASCADE' ? 'cascade' : rule === 'SET NULL' ? 'set-null' : 'protect',
      });
    }
  }
  return {
    entity,
    appLabel: options.appLabel ?? 'app',
    modelName,
    verboseName,
    verboseNamePlural: options.verboseNamePlural ?? `${verboseName}s`,
    pk,
    pkKind: pkKindOf(primary[0]),
    fields,
    fieldsets,
    byName: new Map(all.map((field) => [field.name, field])),
    listDisplay,
    listFilter,
    searchFields,
    dateHierarchy,
    ordering,
    listPerPage: options.listPerPage ?? 100,
    actions: options.actions ?? [],
    inlines: [],
    dependents,
    options: options,
  };
}

/** The inlines of `model`, once every model is read: each child's fk to the parent found or checked. */
export function inlinesOf(
  dataSource: DataSource,
  parent: AdminModel,
  inlines: readonly InlineOptions[],
): AdminInline[] {
  return inlines.map((inline) => {
    const child = modelInfo(dataSource, inline.model, {});
    const metadata = dataSource.getMetadata(inline.model);
    const candidates = metadata.manyToOneRelations.filter(
      (relation) => relation.inverseEntityMetadata.target === parent.entity,
    );
    const fk = inline.fk ?? (candidates.length === 1 ? candidates[0].propertyName : undefined);
    if (fk === undefined || !candidates.some((relation) => relation.propertyName === fk))
      throw new ImproperlyConfigured(
        'ADMIN_INVALID',
        `adminApp: the inline ${inline.model.name} on ${parent.entity.name} needs fk: the name of its many-to-one to ${parent.entity.name} (${candidates.map((relation) => relation.propertyName).join(', ') || 'it has none'})`,
      );
    const editable = child.fields.filter((field) => field.name !== fk && !field.readonly && field.kind !== 'm2m');
    const fields = inline.fields
      ? inline.fields.map((name) => {
          const field = editable.find((candidate) => candidate.name === name);
          if (field === undefined)
            throw new ImproperlyConfigured(
              'ADMIN_INVALID',
              `adminApp: the inline ${inline.model.name} names field '${name}', which is not an editable column of it`,
            );
          return field;
        })
      : editable;
    return { model: child, fk, fields, extra: inline.extra ?? 1 };
  });
}
