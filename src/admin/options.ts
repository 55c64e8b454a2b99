/**
 * How a model appears in the admin (Django's ModelAdmin options). Every option has a
 * default read from the entity's columns, so `adminApp({ models: [Article] })` is enough.
 */
import type { HttpRequest } from '../http/request';

/** A bulk action on the changelist: gets the selected objects; its message goes to the user. */
export interface BulkAction<T = object> {
  /** Form value and permission suffix, e.g. 'publish' (needs `app.change_article` unless `permission` says). */
  name: string;
  description: string;
  /** Which permission the user needs: 'change' (default), 'delete', 'view' or 'add'. */
  permission?: 'view' | 'add' | 'change' | 'delete';
  run(request: HttpRequest, objects: T[]): Promise<string | void> | string | void;
}

/** Children edited on the parent's change page (Django's TabularInline). */
export interface InlineOptions {
  /** The child entity (it has a many-to-one to the parent). */
  model: Function;
  /** The child's many-to-one property pointing at the parent (found when there is one). */
  fk?: string;
  /** Columns edited in each row (default: every editable one but the fk). */
  fields?: string[];
  /** Empty rows offered for new children (default 1). */
  extra?: number;
}

/** One group of the form's fields. */
export interface Fieldset<T = object> {
  fields: Array<keyof T & string>;
  /** A line under the heading. */
  description?: string;
  /** Folded until the user opens it (open anyway when a field in it has an error). */
  collapse?: boolean;
}

/** A changelist column computed from the object (Django's list_display callables); not sortable. */
export interface ListColumn<T = object> {
  label: string;
  /** The cell: a string, number or boolean (Yes/No), or null for '-'; may be async. */
  value: (object: T) => unknown;
}

export interface ModelAdminOptions<T = object> {
  /**
   * Columns of the changelist: column names, or computed `{ label, value(object) }` columns
   * (default: the primary key and the first four text or number columns).
   */
  listDisplay?: Array<(keyof T & string) | ListColumn<T>>;
  /** Columns with a filter in the sidebar: booleans, enums and many-to-ones. */
  listFilter?: Array<keyof T & string>;
  /** A date or datetime column to drill down by, year, month then day, above the list (UTC days). */
  dateHierarchy?: keyof T & string;
  /**
   * Text columns the search box looks in (case-insensitive contains); `'author.username'`
   * looks in a column of a many-to-one's model.
   */
  searchFields?: Array<(keyof T & string) | `${keyof T & string}.${string}`>;
  /** Default order, e.g. ['-createdAt'] (default: the primary key, descending). */
  ordering?: string[];
  /**
   * Relations edited by typing the related ids (comma-separated for a many-to-many) instead
   * of a select, the current objects named beside them. A relation to a table of more than
   * 1 000 rows is edited so anyway: a select would not hold them all.
   */
  rawIdFields?: Array<keyof T & string>;
  /** Shown on the change form, not editable. */
  readonlyFields?: Array<keyof T & string>;
  /** The form's fields, in order (default: every editable column and relation). */
  fields?: Array<keyof T & string>;
  /**
   * The form's fields in titled groups (instead of `fields`), as Django's fieldsets:
   * `[['Content', { fields: ['title', 'body'] }], ['Publishing', { fields: ['status'], collapse: true }]]`.
   * A null title is a group without a heading; `collapse` folds the group until opened.
   */
  fieldsets?: Array<readonly [string | null, Fieldset<T>]>;
  /** Rows per changelist page (default 100). */
  listPerPage?: number;
  /** Bulk actions besides 'delete_selected'. */
  actions?: BulkAction<T>[];
  inlines?: InlineOptions[];
  /** The permission prefix and URL part (default 'app'; rondo/auth's models use 'auth'). */
  appLabel?: string;
  /** Plural name in the index and titles (default the class name split into words, plus 's'). */
  verboseNamePlural?: string;
  /**
   * Object-level permission: false refuses a change (or a delete) of this object even to a
   * user who has the model's permission.
   */
  hasChangePermission?: (request: HttpRequest, object: T) => boolean | Promise<boolean>;
  /**
   * Runs on a valid add or change form, before the object is saved (Django's save_model):
   * set what the form does not hold, such as `article.author = request.user` on an add.
   */
  beforeSave?: (request: HttpRequest, object: T, change: { adding: boolean }) => void | Promise<void>;
  hasDeletePermission?: (request: HttpRequest, object: T) => boolean | Promise<boolean>;
}

/** One registration: `Article`, `[Article, { listDisplay: [...] }]`, or an `@Admin(Article)` class. */
export type AdminRegistration = Function | readonly [Function, ModelAdminOptions<never>];
