/**
 * The admin's pages (Django's admin site): login, the index of the models the user may
 * see, and per model the changelist (search, filters, sorting, pages, bulk actions), the
 * add and change forms (with inline children), the delete confirmation and the history.
 * adminApp() mounts a subclass at its path with the site's registrations.
 *
 * Every page needs a staff user (isStaff or isSuperuser, active): anyone else is sent to
 * the admin's login. Each model page needs its permission (`app.view_article`...), as
 * Django checks them: a staff user without it gets 403. Every change is a CSRF-checked
 * POST (the default middleware), and no page may be cached.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Brackets, In, type DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import type { Database } from '../db/database';
import { ImproperlyConfigured } from '../errors/rondo-error';
import { Http404, PermissionDenied } from '../http/errors';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import { login, logout, isSafeRedirect } from '../auth/login';
import { URL_RESOLVER } from '../routing/url-resolver';
import { render } from '../templates/template-response';
import { redirect } from '../views/shortcuts';
import { adminMetaOf, optionsOf } from './admin-decorator';
import {
  boundFor,
  dayLabel,
  drillParams,
  periodsAbove,
  periodsBelow,
  rangeOf,
  readDrill,
  yearOf,
  type Drill,
} from './date-hierarchy';
import {
  changedLabels,
  entityRules,
  formValues,
  isValid,
  listed,
  readForm,
  REQUIRED,
  type BoundForm,
  type Lookup,
} from './forms';
import { ADDITION, CHANGE, DELETION, LogEntry } from './log-entry';
import { idFits, inlinesOf, modelInfo, type AdminField, type AdminInline, type AdminModel } from './model-info';
import type { AdminRegistration, ModelAdminOptions } from './options';

type Row = Record<string, unknown>;
type Action = 'view' | 'add' | 'change' | 'delete';

/** The user as the admin needs it (rondo/auth's User has all of it). */
interface StaffUser {
  id: unknown;
  username?: string;
  isAuthenticated?: boolean;
  isActive?: boolean;
  isStaff?: boolean;
  isSuperuser?: boolean;
  hasPerm?(permission: string): boolean;
}

/** What the views need of rondo/auth (injected by adminApp: the admin needs accounts). */
export interface AdminAccounts {
  authenticate(login: string, password: string): Promise<StaffUser | undefined>;
}

export interface AdminSiteOptions {
  models: readonly AdminRegistration[];
  /** The route namespace (default 'admin'). */
  namespace: string;
  /** Shown in the header and titles (default 'Rondo administration'). */
  title: string;
  /** Builds an `@Admin` class with its dependencies (the app's container). */
  build(admin: Function): object;
  /** The permissions the app's views require (`@PermissionRequired`), read at start-up. */
  viewPermissions(): string[];
}

const CSS = readFileSync(join(__dirname, '..', '..', '..', 'src', 'admin', 'static', 'admin.css'));
const NEVER_CACHE = 'no-cache, no-store, must-revalidate, private, max-age=0';
/** Query parameters of the changelist besides the filters: search, order, page, all rows. */
const LIST_PARAMS = new Set(['q', 'o', 'p']);
/** Related objects a select offers at most; past it the ids are typed. */
const RELATED_LIMIT = 1000;
const DATE_FILTERS: ReadonlyArray<readonly [string, string, number]> = [
  ['today', 'Today', 1],
  ['7d', 'Past 7 days', 7],
  ['30d', 'Past 30 days', 30],
  ['year', 'Past year', 365],
];

const isStaff = (user: StaffUser | undefined): boolean =>
  user?.isAuthenticated === true && user.isActive !== false && (user.isStaff === true || user.isSuperuser === true);

/** How an object is named on pages and in the history. */
export function reprOf(object: Row | null | undefined, model: { entity: Function; pk: string }): string {
  if (object === null || object === undefined) return '-';
  const own = (object as { toString?: () => string }).toString;
  if (typeof own === 'function' && own !== Object.prototype.toString) return String(own.call(object)).slice(0, 200);
  for (const key of ['title', 'name', 'username', 'email', 'slug', 'label', 'text', 'body']) {
    const value = object[key];
    if (typeof value === 'string' && value !== '') return value.length > 80 ? `${value.slice(0, 79)}…` : value;
  }
  return `${model.entity.name} #${String(object[model.pk])}`;
}

export class AdminViews {
  private models: AdminModel[] = [];
  private readonly byKey = new Map<string, AdminModel>();

  constructor(
    private readonly site: AdminSiteOptions,
    private readonly database: Database,
    private readonly accounts: AdminAccounts,
  ) {}

  private get dataSource(): DataSource {
    return this.database.dataSource;
  }

  /** Reads every registration once the database is connected: a mistake fails start-up. */
  onStartup(): void {
    const registrations = this.site.models.map((entry): readonly [Function, ModelAdminOptions] => {
      if (typeof entry !== 'function') return entry as readonly [Function, ModelAdminOptions];
      const admin = adminMetaOf(entry);
      return admin === undefined ? [entry, {}] : [admin.entity, optionsOf(entry, this.site.build(entry))];
    });
    this.models = registrations.map(([entity, options]) => modelInfo(this.dataSource, entity, options));
    for (const [index, model] of this.models.entries()) {
      const key = `${model.appLabel}/${model.modelName}`;
      if (this.byKey.has(key))
        throw new ImproperlyConfigured(
          'ADMIN_INVALID',
          `adminApp: ${model.entity.name} is registered twice (as ${model.appLabel}.${model.modelName})`,
        );
      this.byKey.set(key, model);
      model.inlines = inlinesOf(this.dataSource, model, registrations[index][1].inlines ?? []);
    }
    // The permissions the site and the app's views check, offered where users and groups get theirs.
    const catalogue = [
      ...new Set([
        ...this.models.flatMap((model) =>
          (['view', 'add', 'change', 'delete'] as const).map(
            (action) => `${model.appLabel}.${action}_${model.modelName}`,
          ),
        ),
        ...this.site.viewPermissions(),
      ]),
    ].sort();
    for (const model of this.models)
      for (const field of model.fields)
        if (field.kind === 'permissions')
          field.choices = catalogue.map((permission) => [permission, permission] as const);
  }

  // ---- pages ----

  async index(request: HttpRequest): Promise<HttpResponse> {
    const user = await this.staff(request);
    if (user === undefined) return this.toLogin(request);
    const models = this.models
      .filter((model) => this.can(user, model, 'view') || this.can(user, model, 'change'))
      .map((model) => ({ model, add: this.can(user, model, 'add') }));
    return this.page(request, 'admin/index.ejs', {
      title: 'Site administration',
      models,
      recent: await this.recentActions(request, user),
      crumbs: [],
    });
  }

  async loginPage(request: HttpRequest): Promise<HttpResponse> {
    const user = (await request.auser()) as StaffUser | undefined;
    if (isStaff(user)) return redirect(this.next(request) ?? this.url(request, 'index'));
    const form: BoundForm = { values: {}, errors: {}, nonFieldErrors: [] };
    if (user?.isAuthenticated && request.method === 'GET')
      form.nonFieldErrors.push(
        `You are logged in as ${user.username ?? 'a user'}, but are not authorized to see the admin. Log in as another account?`,
      );
    if (request.method === 'POST') {
      await request.load();
      const username = request.POST.get('username', '').trim();
      const password = request.POST.get('password', '');
      form.values = { username };
      if (username === '' || password === '') form.nonFieldErrors.push(REQUIRED);
      else {
        const found = await this.accounts.authenticate(username, password);
        if (found !== undefined && isStaff({ ...found, isAuthenticated: true })) {
          await login(request, found as never);
          return redirect(this.next(request) ?? this.url(request, 'index'));
        }
        form.nonFieldErrors.push(
          'Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.',
        );
      }
    }
    return this.page(
      request,
      'admin/login.ejs',
      { title: 'Log in', form, next: this.next(request) ?? '' },
      { status: request.method === 'POST' ? 400 : 200 },
    );
  }

  async logoutPage(request: HttpRequest): Promise<HttpResponse> {
    await logout(request);
    request.messages?.info('You are logged out.');
    return redirect(this.url(request, 'login'));
  }

  stylesheet(): HttpResponse {
    return new HttpResponse(CSS, {
      headers: { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' },
    });
  }

  async changelist(request: HttpRequest, app: string, name: string): Promise<HttpResponse> {
    const user = await this.staff(request);
    if (user === undefined) return this.toLogin(request);
    const model = this.model(app, name);
    if (!this.can(user, model, 'view') && !this.can(user, model, 'change')) throw this.denied(model, 'view');
    if (request.method === 'POST') return this.runAction(request, user, model);
    const problem = this.checkQuery(request, model);
    if (problem !== undefined)
      return this.page(
        request,
        'admin/error.ejs',
        { title: 'Bad request', message: problem, crumbs: this.crumbs(request, model) },
        { status: 400 },
      );
    const query = this.listQuery(request, model);
    const count = await query.getCount();
    const pages = Math.max(1, Math.ceil(count / model.listPerPage));
    const pageText = request.GET.get('p', '1');
    const asked = /^[1-9][0-9]{0,8}$/.test(pageText) ? Number(pageText) : 1;
    const page = Math.min(asked, pages); // past the last page (or not a page): the last one
    const rows = await query
      .skip((page - 1) * model.listPerPage)
      .take(model.listPerPage)
      .getMany();
    // The unfiltered count is shown only beside a search's result count.
    const total = request.GET.has('q') ? await this.repository(model).count() : count;
    return this.page(request, 'admin/change_list.ejs', {
      title: `Select ${model.verboseName} to change`,
      model,
      rows: await Promise.all(
        rows.map(async (row) => ({
          id: String(row[model.pk]),
          cells: await Promise.all(model.listDisplay.map((field) => this.listCell(field, row))),
        })),
      ),
      columns: model.listDisplay.map((field) => this.column(request, model, field)),
      filters: await this.filters(request, model),
      hierarchy: await this.dateHierarchy(request, model),
      search: request.GET.get('q', ''),
      count,
      total,
      page,
      pages,
      pageUrl: (n: number) => this.withParams(request, { p: n === 1 ? undefined : String(n) }),
      actions: this.actionsFor(user, model),
      canAdd: this.can(user, model, 'add'),
      crumbs: this.crumbs(request, model),
    });
  }

  async add(request: HttpRequest, app: string, name: string): Promise<HttpResponse> {
    const user = await this.staff(request);
    if (user === undefined) return this.toLogin(request);
    const model = this.model(app, name);
    if (!this.can(user, model, 'add')) throw this.denied(model, 'add');
    const object = this.repository(model).create();
    return this.editor(request, user, model, object, true);
  }

  async change(request: HttpRequest, app: string, name: string, id: string): Promise<HttpResponse> {
    const user = await this.staff(request);
    if (user === undefined) return this.toLogin(request);
    const model = this.model(app, name);
    const canChange = this.can(user, model, 'change');
    if (!canChange && !this.can(user, model, 'view')) throw this.denied(model, 'view');
    const object = await this.object(model, id);
    if (request.method === 'POST' && !canChange) throw this.denied(model, 'change');
    return this.editor(request, user, model, object, false);
  }

  async remove(request: HttpRequest, app: string, name: string, id: string): Promise<HttpResponse> {
    const user = await this.staff(request);
    if (user === undefined) return this.toLogin(request);
    const model = this.model(app, name);
    if (!this.can(user, model, 'delete')) throw this.denied(model, 'delete');
    const object = await this.object(model, id);
    if (!(await this.objectAllowed(request, model, object, 'delete'))) throw this.denied(model, 'delete');
    const { cascades, blockers } = await this.consequences(model, [object]);
    if (request.method === 'POST' && blockers.length === 0) {
      await this.database.atomic(async () => {
        await this.log(user, model, object, DELETION, '');
        await this.repository(model).remove(object as never);
      });
      request.messages?.success(`The ${model.verboseName} “${reprOf(object, model)}” was deleted successfully.`);
      return redirect(this.url(request, 'changelist', { app: model.appLabel, model: model.modelName }));
    }
    return this.page(request, 'admin/delete_confirmation.ejs', {
      title: 'Are you sure?',
      model,
      objects: [{ id: String(object[model.pk]), repr: reprOf(object, model) }],
      cascades,
      blockers,
      action: undefined,
      crumbs: [...this.crumbs(request, model, object), { label: 'Delete' }],
    });
  }

  async history(request: HttpRequest, app: string, name: string, id: string): Promise<HttpResponse> {
    const user = await this.staff(request);
    if (user === undefined) return this.toLogin(request);
    const model = this.model(app, name);
    if (!this.can(user, model, 'view') && !this.can(user, model, 'change')) throw this.denied(model, 'view');
    const object = await this.object(model, id);
    const entries = await this.database.repository<LogEntry>(LogEntry).find({
      where: { contentType: `${model.appLabel}.${model.modelName}`, objectId: String(object[model.pk]) },
      order: { actionTime: 'ASC', id: 'ASC' },
    });
    return this.page(request, 'admin/object_history.ejs', {
      title: `Change history: ${reprOf(object, model)}`,
      model,
      entries,
      crumbs: [...this.crumbs(request, model, object), { label: 'History' }],
    });
  }

  // ---- the change form ----

  private async editor(
    request: HttpRequest,
    user: StaffUser,
    model: AdminModel,
    object: Row,
    adding: boolean,
  ): Promise<HttpResponse> {
    const lookup = this.lookup();
    const editable = model.fields.filter((field) => !field.readonly);
    const readOnlyView = !adding && !this.can(user, model, 'change');
    let form: BoundForm = {
      values: formValues(model, object, (target) => lookup.pkOf(target)),
      errors: {},
      nonFieldErrors: [],
    };
    let inlineForms = await this.inlineRows(model, adding ? undefined : object);
    if (request.method === 'POST') {
      if (!adding && !(await this.objectAllowed(request, model, object, 'change'))) throw this.denied(model, 'change');
      await request.load();
      const read = await readForm(editable, request.POST, lookup);
      const before = form.values;
      form = { ...read.form, values: { ...form.values, ...read.form.values } };
      Object.assign(object, read.data);
      const changed = changedLabels(
        editable,
        before,
        formValues(model, object, (target) => lookup.pkOf(target)),
      );
      if (isValid(form)) await entityRules(object, form, editable);
      const inlines = await this.readInlines(request, model);
      inlineForms = inlines.map((inline) => inline.view);
      if (isValid(form) && inlines.every((inline) => inline.valid)) {
        // Django's change message: the fields that changed, then each child added, changed or deleted.
        const children = inlines.flatMap((inline) => inline.changes);
        const message = adding
          ? ['Added.', ...children]
          : [changed.length > 0 ? `Changed ${listed(changed)}.` : '', ...children];
        await this.database.atomic(async () => {
          await model.options.beforeSave?.(request, object, { adding });
          const saved = (await this.repository(model).save(object as never)) as unknown as Row;
          for (const inline of inlines) await inline.save(saved);
          await this.log(
            user,
            model,
            saved,
            adding ? ADDITION : CHANGE,
            message.filter(Boolean).join(' ') || 'No fields changed.',
          );
        });
        const where = { app: model.appLabel, model: model.modelName };
        const link = `“${reprOf(object, model)}”`;
        if (request.POST.has('_addanother')) {
          request.messages?.success(
            `The ${model.verboseName} ${link} was ${adding ? 'added' : 'changed'} successfully. You may add another ${model.verboseName} below.`,
          );
          return redirect(this.url(request, 'add', where));
        }
        if (request.POST.has('_continue')) {
          request.messages?.success(
            `The ${model.verboseName} ${link} was ${adding ? 'added' : 'changed'} successfully. You may edit it again below.`,
          );
          return redirect(this.url(request, 'change', { ...where, id: String(object[model.pk]) }));
        }
        request.messages?.success(`The ${model.verboseName} ${link} was ${adding ? 'added' : 'changed'} successfully.`);
        return redirect(this.url(request, 'changelist', where));
      }
    }
    return this.page(
      request,
      'admin/change_form.ejs',
      {
        title: `${adding ? 'Add' : readOnlyView ? 'View' : 'Change'} ${model.verboseName}`,
        model,
        adding,
        readOnlyView,
        form,
        fieldsets: this.grouped(model, await this.widgets(model.fields, form, object, readOnlyView)),
        inlines: inlineForms,
        objectId: adding ? undefined : String(object[model.pk]),
        canDelete: !adding && this.can(user, model, 'delete'),
        crumbs: adding
          ? [...this.crumbs(request, model), { label: `Add ${model.verboseName}` }]
          : this.crumbs(request, model, object),
      },
      { status: request.method === 'POST' ? 400 : 200 },
    );
  }

  /** What each field of a form needs to render: its value, errors, and the choices of selects. */
  private async widgets(
    fields: readonly AdminField[],
    form: BoundForm,
    object: Row,
    readOnlyView: boolean,
    prefix = '',
  ) {
    const widgets = [];
    for (const field of fields) {
      const readonly = field.readonly || readOnlyView;
      widgets.push({
        field,
        name: prefix + field.name,
        value: form.values[field.name] ?? '',
        display: readonly ? this.cell(field, object).text : '',
        readonly,
        errors: form.errors[field.name] ?? [],
        ...(readonly ? { options: [], raw: false, chosen: [] } : await this.choicesOf(field, form.values[field.name])),
      });
    }
    return widgets;
  }

  /** The form's widgets in the model's fieldsets; a folded group with an error opens. */
  private grouped<W extends { field: AdminField; errors: unknown[] }>(model: AdminModel, widgets: W[]) {
    const byName = new Map(widgets.map((widget) => [widget.field.name, widget]));
    return model.fieldsets.map((set) => {
      const members = set.fields.map((name) => byName.get(name)!);
      return { ...set, widgets: members, open: !set.collapse || members.some((widget) => widget.errors.length > 0) };
    });
  }

  /** A select's options: related objects, or the permission catalogue plus what the object already has. */
  private async choicesOf(field: AdminField, value: string | string[] | undefined) {
    const none = { options: [], raw: false, chosen: [] as string[] };
    if (field.kind === 'fk' || field.kind === 'm2m') {
      const options = field.rawId ? [] : await this.options(field, RELATED_LIMIT + 1);
      if (!field.rawId && options.length <= RELATED_LIMIT) return { ...none, options };
      // Typed ids (rawIdFields, or too many rows for a select, which would drop a value it lacks).
      // An id that cannot be one (text for a number key) names nothing; its error is the form's.
      const ids = [value ?? []].flat().filter((id) => idFits(field.targetPkKind!, id));
      const pk = this.pkOf(field.target!);
      const rows = ids.length === 0 ? [] : await this.database.repository<Row>(field.target!).findBy({ [pk]: In(ids) });
      return { ...none, raw: true, chosen: rows.map((row) => reprOf(row, { entity: field.target!, pk })) };
    }
    if (field.kind !== 'permissions') return none;
    const all = new Set([...(field.choices ?? []).map(([permission]) => permission), ...[value ?? []].flat()]);
    return { ...none, options: [...all].sort().map((permission) => ({ value: permission, label: permission })) };
  }

  /** The objects a many-to-one or many-to-many may point at: at most 1,000 in a select, 100 in a sidebar filter. */
  private async options(field: AdminField, limit = 1000): Promise<Array<{ value: string; label: string }>> {
    const target = field.target!;
    const pk = this.pkOf(target);
    const rows = await this.database.repository<Row>(target).find({ take: limit, order: { [pk]: 'ASC' } });
    return rows.map((row) => ({ value: String(row[pk]), label: reprOf(row, { entity: target, pk }) }));
  }

  // ---- inlines ----

  /** The inline rows of `parent`'s page: its children, then `extra` blank rows (only those on an add page). */
  private async inlineRows(model: AdminModel, parent: Row | undefined) {
    const views = [];
    for (const inline of model.inlines) {
      const children =
        parent === undefined
          ? []
          : await this.repository(inline.model).find({
              where: { [inline.fk]: { [model.pk]: parent[model.pk] } },
              order: { [inline.model.pk]: 'ASC' },
            });
      const lookup = this.lookup();
      const rows = [];
      for (const [index, child] of children.entries()) {
        const form = {
          values: formValues(inline.model, child, (target) => lookup.pkOf(target)),
          errors: {},
          nonFieldErrors: [],
        };
        rows.push({
          id: String(child[inline.model.pk]),
          deleted: false,
          widgets: await this.widgets(inline.fields, form, child, false, `${this.inlineKey(inline)}-${index}-`),
        });
      }
      for (let extra = 0; extra < inline.extra; extra++) {
        const index = children.length + extra;
        rows.push(await this.blankRow(inline, `${this.inlineKey(inline)}-${index}-`));
      }
      views.push({ inline, key: this.inlineKey(inline), rows, total: rows.length });
    }
    return views;
  }

  /** An empty row of an inline, for a new child. */
  private async blankRow(inline: AdminInline, prefix: string) {
    const empty: BoundForm = { values: {}, errors: {}, nonFieldErrors: [] };
    return { id: '', deleted: false, widgets: await this.widgets(inline.fields, empty, {}, false, prefix) };
  }

  private inlineKey(inline: AdminInline): string {
    return `${inline.model.modelName}_set`;
  }

  /** The posted rows of each inline: validated, and a save() that applies them once the parent is saved. */
  private async readInlines(request: HttpRequest, model: AdminModel) {
    const results = [];
    const lookup = this.lookup();
    for (const inline of model.inlines) {
      const key = this.inlineKey(inline);
      const total = Math.min(1000, Math.max(0, Number.parseInt(request.POST.get(`${key}-TOTAL`, '0'), 10) || 0));
      const operations: Array<(parent: Row) => Promise<void>> = [];
      const changes: string[] = [];
      const name = inline.model.verboseName;
      const values = (row: Row) => formValues(inline.model, row, (target) => lookup.pkOf(target));
      const rows = [];
      let valid = true;
      for (let index = 0; index < total; index++) {
        const prefix = `${key}-${index}-`;
        const id = request.POST.get(`${prefix}id`, '');
        const deleted = request.POST.has(`${prefix}DELETE`);
        const blank = inline.fields.every((field) => (request.POST.get(prefix + field.name) ?? '') === '');
        const repository = this.repository(inline.model);
        const existing = id === '' ? undefined : await repository.findOneBy({ [inline.model.pk]: id });
        if (id !== '' && (existing === null || existing === undefined)) continue; // gone meanwhile
        if (id === '' && blank) {
          rows.push(await this.blankRow(inline, prefix));
          continue;
        }
        const read = await readForm(inline.fields, request.POST, lookup, prefix);
        if (deleted && existing) {
          changes.push(`Deleted ${name} “${reprOf(existing, inline.model)}”.`);
          operations.push(async () => {
            await repository.remove(existing as never);
          });
          rows.push({
            id,
            deleted: true,
            widgets: await this.widgets(inline.fields, read.form, existing, false, prefix),
          });
          continue;
        }
        const child = existing ?? repository.create();
        const before = values(child);
        Object.assign(child, read.data);
        const edited = changedLabels(inline.fields, before, values(child));
        if (existing === undefined || existing === null)
          changes.push(`Added ${name} “${reprOf(child, inline.model)}”.`);
        else if (edited.length > 0)
          changes.push(`Changed ${listed(edited)} for ${name} “${reprOf(child, inline.model)}”.`);
        if (isValid(read.form)) await entityRules(child, read.form, inline.fields);
        if (!isValid(read.form)) valid = false;
        operations.push(async (parent) => {
          child[inline.fk] = parent;
          await repository.save(child as never);
        });
        rows.push({ id, deleted: false, widgets: await this.widgets(inline.fields, read.form, child, false, prefix) });
      }
      results.push({
        valid,
        changes,
        view: { inline, key, rows, total: rows.length },
        save: async (parent: Row) => {
          for (const operation of operations) await operation(parent);
        },
      });
    }
    return results;
  }

  // ---- the changelist ----

  /** A query string the changelist cannot honour: unknown parameters, orderings or filter values (400). */
  private checkQuery(request: HttpRequest, model: AdminModel): string | undefined {
    const filters = new Map(model.listFilter.map((field) => [field.name, field]));
    const hierarchy = model.dateHierarchy;
    const drillKeys = new Set<string>(hierarchy === undefined ? [] : Object.values(drillParams(hierarchy)));
    if (hierarchy !== undefined) {
      const drill = readDrill((key) => request.GET.get(key), hierarchy);
      if (typeof drill === 'string') return drill;
    }
    for (const key of request.GET.keys()) {
      if (LIST_PARAMS.has(key) || drillKeys.has(key)) continue;
      if (!filters.has(key))
        return `Unknown parameter '${key.slice(0, 50)}': the ${model.verboseNamePlural} list takes q (search), o (order), p (page)${filters.size ? `, the filters ${[...filters.keys()].join(', ')}` : ''}${drillKeys.size ? `, and ${[...drillKeys].join(', ')}` : ''}.`;
      const value = request.GET.get(key, '');
      const field = filters.get(key)!;
      if (field.kind === 'boolean' && value !== '1' && value !== '0') return `Filter ${key} takes 1 or 0.`;
      if (field.kind === 'choice' && !field.choices!.some(([choice]) => choice === value))
        return `Filter ${key} takes one of ${field.choices!.map(([choice]) => choice).join(', ')}.`;
      if ((field.kind === 'date' || field.kind === 'datetime') && !DATE_FILTERS.some(([choice]) => choice === value))
        return `Filter ${key} takes one of ${DATE_FILTERS.map(([choice]) => choice).join(', ')}.`;
      if (field.kind === 'fk' && !/^[A-Za-z0-9_-]{1,64}$/.test(value)) return `Filter ${key} takes an id.`;
    }
    const order = request.GET.get('o');
    if (order !== undefined) {
      const name = order.startsWith('-') ? order.slice(1) : order;
      if (!model.listDisplay.some((field) => field.name === name && field.kind !== 'm2m' && field.kind !== 'computed'))
        return `Cannot order by '${order.slice(0, 50)}': order by one of the listed columns (${model.listDisplay
          .filter((field) => field.kind !== 'm2m' && field.kind !== 'computed')
          .map((field) => field.name)
          .join(', ')}).`;
    }
    if ((request.GET.get('q') ?? '').length > 200) return 'The search is longer than 200 characters.';
    return undefined;
  }

  private listQuery(request: HttpRequest, model: AdminModel): SelectQueryBuilder<Row> {
    const query = this.repository(model).createQueryBuilder('o');
    for (const field of model.listDisplay)
      if (field.kind === 'fk') query.leftJoinAndSelect(`o.${field.name}`, `r_${field.name}`);
    const search = (request.GET.get('q') ?? '').trim().toLowerCase();
    if (search !== '' && model.searchFields.length > 0) {
      // A literal contains: % and _ in the search are matched as themselves.
      const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      for (const relation of new Set(model.searchFields.map((field) => field.relation)))
        if (relation !== undefined) query.leftJoin(`o.${relation}`, `s_${relation}`);
      query.andWhere(
        new Brackets((where) => {
          for (const { relation, column } of model.searchFields)
            where.orWhere(
              `LOWER(${relation === undefined ? 'o' : `s_${relation}`}.${column}) LIKE :search ESCAPE '\\'`,
              {
                search: pattern,
              },
            );
        }),
      );
    }
    for (const field of model.listFilter) {
      const value = request.GET.get(field.name);
      if (value === undefined) continue;
      const parameter = `f_${field.name}`;
      if (field.kind === 'boolean') query.andWhere(`o.${field.name} = :${parameter}`, { [parameter]: value === '1' });
      else if (field.kind === 'choice') query.andWhere(`o.${field.name} = :${parameter}`, { [parameter]: value });
      else if (field.kind === 'fk') query.andWhere(`o.${field.name} = :${parameter}`, { [parameter]: value });
      else {
        const days = DATE_FILTERS.find(([choice]) => choice === value)![2];
        const since = new Date(Date.now() - days * 86_400_000);
        if (days === 1) since.setUTCHours(0, 0, 0, 0);
        query.andWhere(`o.${field.name} >= :${parameter}`, {
          [parameter]: field.kind === 'date' ? since.toISOString().slice(0, 10) : since,
        });
      }
    }
    const hierarchy = model.dateHierarchy;
    const range = hierarchy && rangeOf(readDrill((key) => request.GET.get(key), hierarchy) as Drill);
    if (hierarchy !== undefined && range !== undefined)
      query.andWhere(`o.${hierarchy.name} >= :h_start AND o.${hierarchy.name} < :h_end`, {
        h_start: boundFor(hierarchy, range.start),
        h_end: boundFor(hierarchy, range.end),
      });
    const order = request.GET.get('o');
    const ordering =
      order === undefined ? model.ordering : [{ field: order.replace(/^-/, ''), descending: order.startsWith('-') }];
    for (const [index, { field, descending }] of ordering.entries()) {
      const direction = descending ? 'DESC' : 'ASC';
      if (index === 0) query.orderBy(`o.${field}`, direction);
      else query.addOrderBy(`o.${field}`, direction);
    }
    // A stable order across pages: the primary key last.
    if (!ordering.some(({ field }) => field === model.pk)) query.addOrderBy(`o.${model.pk}`, 'DESC');
    return query;
  }

  /** The date drill-down above the list (Django's date_hierarchy): links to the periods that hold rows. */
  private async dateHierarchy(request: HttpRequest, model: AdminModel) {
    const field = model.dateHierarchy;
    if (field === undefined) return undefined;
    const drill = readDrill((key) => request.GET.get(key), field) as Drill; // checkQuery refused bad ones
    const names = drillParams(field);
    const link = (params: Drill) =>
      this.withParams(request, {
        [names.year]: params.year?.toString(),
        [names.month]: params.month?.toString(),
        [names.day]: params.day?.toString(),
        p: undefined,
      });
    let first: number | undefined;
    let last: number | undefined;
    if (drill.year === undefined) {
      const bounds = await this.listQuery(request, model)
        .select(`MIN(o.${field.name})`, 'first')
        .addSelect(`MAX(o.${field.name})`, 'last')
        .orderBy()
        .getRawOne<{ first: unknown; last: unknown }>();
      first = yearOf(field, bounds?.first);
      last = yearOf(field, bounds?.last);
    }
    const periods = periodsBelow(drill, first, last);
    let counts: number[] = [];
    if (periods.length > 0) {
      // Every period counted in one query: COUNT(CASE ...) per period, over the list's filters.
      const query = this.listQuery(request, model).select('COUNT(*)', 'all').orderBy();
      for (let index = 0; index < periods.length; index++)
        query.addSelect(
          `COUNT(CASE WHEN o.${field.name} >= :p${index}_start AND o.${field.name} < :p${index}_end THEN 1 END)`,
          `c${index}`,
        );
      query.setParameters(
        Object.fromEntries(
          periods.flatMap((period, index) => [
            [`p${index}_start`, boundFor(field, period.start)],
            [`p${index}_end`, boundFor(field, period.end)],
          ]),
        ),
      );
      const row = (await query.getRawOne<Record<string, unknown>>()) ?? {};
      counts = periods.map((_, index) => Number(row[`c${index}`] ?? 0));
    }
    return {
      label: field.label,
      above: periodsAbove(drill).map((period) => ({ label: period.label, url: link(period.params) })),
      periods: periods
        .filter((_, index) => counts[index] > 0)
        .map((period) => ({ label: period.label, url: link(period.params) })),
      current: dayLabel(drill),
    };
  }

  private column(request: HttpRequest, model: AdminModel, field: AdminField) {
    const order = request.GET.get('o');
    const sortable = field.kind !== 'm2m' && field.kind !== 'computed';
    const current = order === field.name ? 'asc' : order === `-${field.name}` ? 'desc' : undefined;
    return {
      label: field.label,
      sorted: current,
      url: sortable
        ? this.withParams(request, { o: current === 'asc' ? `-${field.name}` : field.name, p: undefined })
        : undefined,
    };
  }

  private async filters(request: HttpRequest, model: AdminModel) {
    const filters = [];
    for (const field of model.listFilter) {
      const current = request.GET.get(field.name);
      let choices: Array<[string, string]>;
      if (field.kind === 'boolean')
        choices = [
          ['1', 'Yes'],
          ['0', 'No'],
        ];
      else if (field.kind === 'choice') choices = field.choices!.map(([value, label]) => [value, label]);
      else if (field.kind === 'fk')
        choices = (await this.options(field, 100)).map((option) => [option.value, option.label]);
      else choices = DATE_FILTERS.map(([value, label]) => [value, label]);
      filters.push({
        label: field.label,
        choices: [
          {
            label: 'All',
            url: this.withParams(request, { [field.name]: undefined, p: undefined }),
            selected: current === undefined,
          },
          ...choices.map(([value, label]) => ({
            label,
            url: this.withParams(request, { [field.name]: value, p: undefined }),
            selected: current === value,
          })),
        ],
      });
    }
    return filters;
  }

  /** A changelist cell: a column's value, or a computed column's (a boolean shown as Yes/No). */
  private async listCell(field: AdminField, row: Row): Promise<{ text: string; boolean?: boolean }> {
    if (field.kind !== 'computed') return this.cell(field, row);
    const value = await field.compute!(row as never);
    if (typeof value === 'boolean') return { text: value ? 'Yes' : 'No', boolean: value };
    if (value instanceof Date) return this.cell({ ...field, kind: 'datetime' }, { [field.name]: value });
    return { text: value === null || value === undefined ? '-' : String(value) };
  }

  private cell(field: AdminField, row: Row): { text: string; boolean?: boolean } {
    const value = row[field.name];
    if (field.kind === 'boolean') return { text: value ? 'Yes' : 'No', boolean: Boolean(value) };
    if (value === null || value === undefined) return { text: '-' };
    if (field.kind === 'fk')
      return { text: reprOf(value as Row, { entity: field.target!, pk: this.pkOf(field.target!) }) };
    if (field.kind === 'm2m')
      return {
        text: (value as Row[])
          .map((item) => reprOf(item, { entity: field.target!, pk: this.pkOf(field.target!) }))
          .join(', '),
      };
    if (field.kind === 'datetime') {
      const date = value instanceof Date ? value : new Date(String(value));
      return {
        text: Number.isNaN(date.getTime()) ? String(value) : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      };
    }
    if (field.kind === 'json') return { text: JSON.stringify(value).slice(0, 100) };
    if (field.kind === 'permissions') return { text: Array.isArray(value) ? value.join(', ') || '-' : '-' };
    const text = String(value);
    return { text: text.length > 100 ? `${text.slice(0, 99)}…` : text };
  }

  // ---- bulk actions ----

  private actionsFor(user: StaffUser, model: AdminModel) {
    const actions = [];
    if (this.can(user, model, 'delete'))
      actions.push({ name: 'delete_selected', description: `Delete selected ${model.verboseNamePlural}` });
    for (const action of model.actions)
      if (this.can(user, model, action.permission ?? 'change'))
        actions.push({ name: action.name, description: action.description });
    return actions;
  }

  private async runAction(request: HttpRequest, user: StaffUser, model: AdminModel): Promise<HttpResponse> {
    await request.load();
    const listUrl = this.url(request, 'changelist', { app: model.appLabel, model: model.modelName });
    const name = request.POST.get('action', '');
    const ids = [...new Set(request.POST.getAll('_selected_action'))].slice(0, 10_000);
    const known = this.actionsFor(user, model).some((action) => action.name === name);
    if (!known) {
      request.messages?.warning('No action selected.');
      return redirect(listUrl);
    }
    if (ids.length === 0) {
      request.messages?.warning(
        'Items must be selected in order to perform actions on them. No items have been changed.',
      );
      return redirect(listUrl);
    }
    const objects = await this.repository(model).findBy(ids.map((id) => ({ [model.pk]: id })));
    if (name === 'delete_selected') {
      const allowed = [];
      for (const object of objects)
        if (await this.objectAllowed(request, model, object, 'delete')) allowed.push(object);
      if (allowed.length < objects.length) throw this.denied(model, 'delete');
      const { cascades, blockers } = await this.consequences(model, objects);
      if (request.POST.get('post') === 'yes' && blockers.length === 0) {
        await this.database.atomic(async () => {
          for (const object of objects) {
            await this.log(user, model, object, DELETION, '');
            await this.repository(model).remove(object as never);
          }
        });
        request.messages?.success(
          `Successfully deleted ${objects.length} ${objects.length === 1 ? model.verboseName : model.verboseNamePlural}.`,
        );
        return redirect(listUrl);
      }
      return this.page(request, 'admin/delete_confirmation.ejs', {
        title: 'Are you sure?',
        model,
        objects: objects.map((object) => ({ id: String(object[model.pk]), repr: reprOf(object, model) })),
        cascades,
        blockers,
        action: 'delete_selected',
        crumbs: [...this.crumbs(request, model), { label: 'Delete multiple objects' }],
      });
    }
    const action = model.actions.find((candidate) => candidate.name === name)!;
    const message = await action.run(request, objects);
    for (const object of objects)
      await this.log(user, model, object, CHANGE, `Ran the action “${action.description}”.`);
    request.messages?.success(
      message ||
        `${action.description}: done for ${objects.length} ${objects.length === 1 ? model.verboseName : model.verboseNamePlural}.`,
    );
    return redirect(listUrl);
  }

  /** What deleting `objects` takes with it (CASCADE) and what refuses it (related rows that would be orphaned). */
  private async consequences(model: AdminModel, objects: Row[]) {
    const cascades: string[] = [];
    const blockers: string[] = [];
    const ids = objects.map((object) => object[model.pk]);
    for (const dependent of model.dependents) {
      const pk = this.pkOf(dependent.entity);
      const related = await this.database
        .repository<Row>(dependent.entity)
        .find({ where: ids.map((id) => ({ [dependent.property]: { [model.pk]: id } })), take: 50 });
      if (related.length === 0) continue;
      const names = related.map((row) => `${dependent.label}: ${reprOf(row, { entity: dependent.entity, pk })}`);
      if (dependent.onDelete === 'cascade') cascades.push(...names);
      else if (dependent.onDelete === 'protect') blockers.push(...names);
    }
    return { cascades, blockers };
  }

  // ---- helpers ----

  private async staff(request: HttpRequest): Promise<StaffUser | undefined> {
    const user = (await request.auser()) as StaffUser | undefined;
    return isStaff(user) ? user : undefined;
  }

  private can(user: StaffUser, model: AdminModel, action: Action): boolean {
    return user.isSuperuser === true || user.hasPerm?.(`${model.appLabel}.${action}_${model.modelName}`) === true;
  }

  private denied(model: AdminModel, action: Action): PermissionDenied {
    return new PermissionDenied(`You need the permission ${model.appLabel}.${action}_${model.modelName}`);
  }

  private async objectAllowed(request: HttpRequest, model: AdminModel, object: Row, action: 'change' | 'delete') {
    const hook = action === 'change' ? model.options.hasChangePermission : model.options.hasDeletePermission;
    return hook === undefined ? true : (await hook(request, object)) === true;
  }

  private model(app: string, name: string): AdminModel {
    const model = this.byKey.get(`${app}/${name}`);
    if (model === undefined) throw new Http404(`No model ${app}.${name} in the admin`);
    return model;
  }

  private async object(model: AdminModel, id: string): Promise<Row> {
    if (!idFits(model.pkKind, id)) throw new Http404(`No ${model.verboseName} with id ${id.slice(0, 40)}`);
    const relations = Object.fromEntries(
      model.fields.filter((field) => field.kind === 'm2m' || field.kind === 'fk').map((field) => [field.name, true]),
    );
    const object = await this.repository(model).findOne({
      where: { [model.pk]: id },
      relations,
    });
    if (object === null) throw new Http404(`No ${model.verboseName} with id ${id.slice(0, 40)}`);
    return object;
  }

  private repository(model: AdminModel): Repository<Row> {
    return this.database.repository<Row>(model.entity);
  }

  private pkOf(target: Function): string {
    return this.dataSource.getMetadata(target).primaryColumns[0]?.propertyName ?? 'id';
  }

  private lookup(): Lookup {
    return {
      repository: (target) => this.database.repository<Row>(target),
      pkOf: (target) => this.pkOf(target),
    };
  }

  /** The user's last ten actions (Django's "My actions"), linked while the object and its model are here. */
  private async recentActions(request: HttpRequest, user: StaffUser) {
    const entries = await this.database
      .repository<LogEntry>(LogEntry)
      .find({ where: { userId: String(user.id) }, order: { actionTime: 'DESC', id: 'DESC' }, take: 10 });
    return entries.map((entry) => {
      const model = this.byKey.get(entry.contentType.replace('.', '/'));
      return {
        repr: entry.objectRepr,
        kind: entry.actionFlag === ADDITION ? 'added' : entry.actionFlag === CHANGE ? 'changed' : 'deleted',
        model:
          model === undefined
            ? entry.contentType
            : model.verboseName.charAt(0).toUpperCase() + model.verboseName.slice(1),
        url:
          model === undefined || entry.actionFlag === DELETION || !this.can(user, model, 'view')
            ? undefined
            : this.url(request, 'change', { app: model.appLabel, model: model.modelName, id: entry.objectId }),
      };
    });
  }

  private async log(user: StaffUser, model: AdminModel, object: Row, flag: number, message: string): Promise<void> {
    await this.database.repository<LogEntry>(LogEntry).insert({
      actionTime: new Date(),
      userId: String(user.id),
      userRepr: String(user.username ?? user.id).slice(0, 200),
      contentType: `${model.appLabel}.${model.modelName}`,
      objectId: String(object[model.pk]),
      objectRepr: reprOf(object, model),
      actionFlag: flag,
      changeMessage: message,
    });
  }

  private url(request: HttpRequest, name: string, params?: Record<string, unknown>): string {
    return request.service(URL_RESOLVER)!.reverse(`${this.site.namespace}:${name}`, params);
  }

  private next(request: HttpRequest): string | undefined {
    const next = request.GET.get('next') ?? (request.method === 'POST' ? request.POST.get('next') : undefined);
    return next !== undefined && isSafeRedirect(next, request.getHost(), request.isSecure()) && next.startsWith('/')
      ? next
      : undefined;
  }

  private toLogin(request: HttpRequest): HttpResponse {
    return redirect(`${this.url(request, 'login')}?next=${encodeURIComponent(request.getFullPath())}`);
  }

  private withParams(request: HttpRequest, changes: Record<string, string | undefined>): string {
    const params = new URLSearchParams();
    for (const [key, values] of request.GET.lists())
      for (const value of values) if (!(key in changes)) params.append(key, value);
    for (const [key, value] of Object.entries(changes)) if (value !== undefined) params.set(key, value);
    const text = params.toString();
    return `${request.path}${text ? `?${text}` : ''}`;
  }

  private crumbs(request: HttpRequest, model: AdminModel, object?: Row) {
    const crumbs: Array<{ label: string; url?: string }> = [
      {
        label: labelOfPlural(model),
        url: this.url(request, 'changelist', { app: model.appLabel, model: model.modelName }),
      },
    ];
    if (object !== undefined)
      crumbs.push({
        label: reprOf(object, model),
        url: this.url(request, 'change', { app: model.appLabel, model: model.modelName, id: String(object[model.pk]) }),
      });
    return crumbs;
  }

  /** rondo/auth's password change page, when the app mounts the account views (null otherwise). */
  private passwordChangeUrl(request: HttpRequest): string | null {
    if (this.passwordChange === undefined) {
      try {
        this.passwordChange = request.service(URL_RESOLVER)!.reverse('accounts:password_change');
      } catch {
        this.passwordChange = null;
      }
    }
    return this.passwordChange;
  }

  private passwordChange: string | null | undefined;

  private page(
    request: HttpRequest,
    template: string,
    context: Record<string, unknown>,
    init: { status?: number } = {},
  ): HttpResponse {
    const response = render(
      request,
      template,
      {
        siteTitle: this.site.title,
        ns: this.site.namespace,
        adminUrl: (name: string, params?: Record<string, unknown>) => this.url(request, name, params),
        passwordChangeUrl: this.passwordChangeUrl(request),
        ...context,
      },
      init,
    );
    response.headers.set('Cache-Control', NEVER_CACHE);
    return response;
  }
}

function labelOfPlural(model: AdminModel): string {
  return model.verboseNamePlural.charAt(0).toUpperCase() + model.verboseNamePlural.slice(1);
}
