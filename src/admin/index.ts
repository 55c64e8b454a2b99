/**
 * `rondo/admin`: Django's admin for TypeORM entities. Mount it like the account pages:
 *
 * ```ts
 * import { authApp } from 'rondo/auth';
 * import { adminApp } from 'rondo/admin';
 * createApp({ apps: [authApp({ views: true }), adminApp({ models: [Article, [Comment, { listDisplay: ['id', 'body'] }]] })] });
 * ```
 *
 * Then `rondo createsuperuser` and open /admin/. It needs rondo/auth (staff users and
 * their permissions) and the app's database.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { Accounts } from '../accounts/accounts';
import type { AppModule } from '../app/create-app';
import { DATABASE } from '../db/database-token';
import type { Database } from '../db/database';
import { PERMISSION_REQUIRED } from '../auth/decorators';
import { APP, Inject } from '../di/injectable';
import type { HttpRequest } from '../http/request';
import { Get, Post, Route } from '../routing/route-decorators';
import { Param, Req } from '../views/param-decorators';
import { viewOptions } from '../views/view-options';
import { adminMetaOf } from './admin-decorator';
import { CreateAdminLog1700000000003, LogEntry } from './log-entry';
import type { AdminRegistration } from './options';
import { AdminViews } from './views';

export type { AdminRegistration, BulkAction, Fieldset, ListColumn, InlineOptions, ModelAdminOptions } from './options';
export { LogEntry } from './log-entry';
export { Admin, AdminAction, type AdminActionOptions } from './admin-decorator';

/** The admin's templates (`admin/*.ejs`); an app's own templates of the same names override them. */
export const ADMIN_TEMPLATES_DIR = join(__dirname, '..', '..', '..', 'src', 'admin', 'templates');

export interface AdminAppOptions {
  /** The models, each alone, with its options or as an `@Admin` class: `[Article, [Comment, { listDisplay: ['id'] }], TagAdmin]`. */
  models: readonly AdminRegistration[];
  /** Where it is mounted (default '/admin'). */
  path?: string;
  /** Route namespace (default 'admin'): a second site needs its own. */
  name?: string;
  /** The header and the page titles (default 'Rondo administration'). */
  title?: string;
}

/** What the site needs of the app: its container (for `@Admin` classes) and its routes (their permissions). */
interface AdminHost {
  readonly container: { get(token: Function): unknown };
  routes(): Array<{ controller: Function; methodName: string }>;
}

/** The admin site as an app part: `createApp({ apps: [authApp(), adminApp({ models: [...] })] })`. */
export function adminApp(options: AdminAppOptions): Required<AppModule> {
  const site = {
    models: options.models,
    namespace: options.name ?? 'admin',
    title: options.title ?? 'Rondo administration',
  };
  const adminClasses = options.models.filter(
    (entry): entry is Function => typeof entry === 'function' && adminMetaOf(entry) !== undefined,
  );

  @Route(options.path ?? '/admin', { name: site.namespace })
  class MountedAdmin extends AdminViews {
    constructor(
      @Inject(DATABASE) database: Database,
      @Inject(Accounts) accounts: Accounts,
      @Inject(APP) app: AdminHost,
    ) {
      super(
        {
          ...site,
          build: (admin) => app.container.get(admin) as object,
          viewPermissions: () =>
            app
              .routes()
              .flatMap(
                ({ controller, methodName }) =>
                  (viewOptions(controller, methodName)[PERMISSION_REQUIRED] as readonly string[] | undefined) ?? [],
              ),
        },
        database,
        accounts,
      );
    }

    @Get('/', { name: 'index' })
    indexPage(@Req() request: HttpRequest) {
      return this.index(request);
    }

    @Route('/login/', { name: 'login', methods: ['GET', 'POST'] })
    loginView(@Req() request: HttpRequest) {
      return this.loginPage(request);
    }

    @Post('/logout/', { name: 'logout' })
    logoutView(@Req() request: HttpRequest) {
      return this.logoutPage(request);
    }

    @Get('/static/admin.css', { name: 'css' })
    css() {
      return this.stylesheet();
    }

    @Route('/<slug:app>/<slug:model>/', { name: 'changelist', methods: ['GET', 'POST'] })
    listView(@Req() request: HttpRequest, @Param('app') app: string, @Param('model') model: string) {
      return this.changelist(request, app, model);
    }

    @Route('/<slug:app>/<slug:model>/add/', { name: 'add', methods: ['GET', 'POST'] })
    addView(@Req() request: HttpRequest, @Param('app') app: string, @Param('model') model: string) {
      return this.add(request, app, model);
    }

    @Route('/<slug:app>/<slug:model>/<str:id>/change/', { name: 'change', methods: ['GET', 'POST'] })
    changeView(
      @Req() request: HttpRequest,
      @Param('app') app: string,
      @Param('model') model: string,
      @Param('id') id: string,
    ) {
      return this.change(request, app, model, id);
    }

    @Route('/<slug:app>/<slug:model>/<str:id>/delete/', { name: 'delete', methods: ['GET', 'POST'] })
    deleteView(
      @Req() request: HttpRequest,
      @Param('app') app: string,
      @Param('model') model: string,
      @Param('id') id: string,
    ) {
      return this.remove(request, app, model, id);
    }

    @Get('/<slug:app>/<slug:model>/<str:id>/history/', { name: 'history' })
    historyView(
      @Req() request: HttpRequest,
      @Param('app') app: string,
      @Param('model') model: string,
      @Param('id') id: string,
    ) {
      return this.history(request, app, model, id);
    }
  }

  return {
    controllers: [MountedAdmin],
    entities: [LogEntry],
    migrations: [CreateAdminLog1700000000003],
    templateDirs: [ADMIN_TEMPLATES_DIR],
    providers: adminClasses as Array<new (...args: never[]) => object>,
    middleware: [],
    commands: [],
  };
}
