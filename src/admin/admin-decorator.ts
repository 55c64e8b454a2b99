/**
 * `@Admin(Entity, options)`: a model's admin as a class (Django's ModelAdmin), for what
 * needs the app's services. The container builds it (constructor injection); its
 * `@AdminAction()` methods are bulk actions, its `hasChangePermission` /
 * `hasDeletePermission` methods the object-level checks and its `beforeSave` method runs
 * before an add or change is saved. List the class where the entity
 * would go: `adminApp({ models: [ArticleAdmin, Tag] })`.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { HttpRequest } from '../http/request';
import { INJECTABLE_KEY, type InjectableMeta } from '../metadata/keys';
import type { BulkAction as Action, ModelAdminOptions } from './options';

const ADMIN_KEY = Symbol.for('rondo:admin');
const ACTIONS_KEY = Symbol.for('rondo:admin-actions');

interface AdminMeta {
  entity: Function;
  options: ModelAdminOptions<never>;
}

export interface AdminActionOptions {
  /** The label in the changelist's action menu. */
  description: string;
  /** The permission the user needs: 'change' (default), 'delete', 'view' or 'add'. */
  permission?: Action['permission'];
  /** The form value (default: the method's name). */
  name?: string;
}

/**
 * Registers `entity` with the admin through the decorated class.
 *
 * @example
 * @Admin(Article, { listDisplay: ['id', 'title', 'author'], searchFields: ['title'] })
 * export class ArticleAdmin {
 *   constructor(private readonly mailer: Mailer) {}
 *
 *   @AdminAction({ description: 'E-mail the authors' })
 *   async notify(request: HttpRequest, articles: Article[]) { ... return `${articles.length} sent`; }
 * }
 */
export function Admin<T>(entity: new (...args: never[]) => T, options: ModelAdminOptions<T> = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(ADMIN_KEY, { entity, options } satisfies AdminMeta, target);
    const injectable: InjectableMeta = { scope: 'singleton' };
    Reflect.defineMetadata(INJECTABLE_KEY, injectable, target);
  };
}

/** Makes a method of an `@Admin` class a bulk action: it gets the request and the selected objects; a returned string is the user's message. */
export function AdminAction(options: AdminActionOptions): MethodDecorator {
  return (target, propertyKey) => {
    const actions = [
      ...((Reflect.getOwnMetadata(ACTIONS_KEY, target.constructor) as Array<[string, AdminActionOptions]>) ?? []),
    ];
    actions.push([String(propertyKey), options]);
    Reflect.defineMetadata(ACTIONS_KEY, actions, target.constructor);
  };
}

/** The entity and options of an `@Admin` class; undefined for anything else (an entity). */
export function adminMetaOf(entry: Function): AdminMeta | undefined {
  return Reflect.getOwnMetadata(ADMIN_KEY, entry) as AdminMeta | undefined;
}

type Hook = (request: HttpRequest, object: never, ...rest: never[]) => unknown;

/** The options an `@Admin` class stands for: the decorator's, its action methods and its permission hooks, bound to `instance`. */
export function optionsOf(admin: Function, instance: object): ModelAdminOptions {
  const { options } = adminMetaOf(admin)!;
  const methods = instance as Record<string, unknown>;
  const actions = ((Reflect.getOwnMetadata(ACTIONS_KEY, admin) as Array<[string, AdminActionOptions]>) ?? []).map(
    ([method, action]): Action<never> => ({
      name: action.name ?? method,
      description: action.description,
      permission: action.permission,
      run: (request, objects) => (methods[method] as Action<never>['run']).call(instance, request, objects),
    }),
  );
  const hook = (name: 'hasChangePermission' | 'hasDeletePermission' | 'beforeSave'): Hook | undefined => {
    const method = methods[name];
    if (method === undefined) return options[name];
    if (typeof method !== 'function')
      throw new ImproperlyConfigured('ADMIN_INVALID', `adminApp: ${admin.name}.${name} is not a method`);
    return (...args) => (method as Hook).apply(instance, args);
  };
  // The decorator typed the options against the entity; here they are read as any model's.
  return {
    ...options,
    actions: [...(options.actions ?? []), ...actions],
    hasChangePermission: hook('hasChangePermission'),
    hasDeletePermission: hook('hasDeletePermission'),
    beforeSave: hook('beforeSave'),
  } as unknown as ModelAdminOptions;
}
