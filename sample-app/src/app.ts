/**
 * The sample blog: HTML pages and the RealWorld "Conduit" API under /api, on models
 * (SQLite by default, PostgreSQL by DATABASE_URL) with rondo/auth's accounts.
 */
import { join } from 'node:path';
import { CSP, CorsMiddleware, HealthMiddleware, createApp, type App, type CreateAppOptions } from 'rondo';
import { adminApp } from 'rondo/admin';
import { authApp } from 'rondo/auth';
import { openapiApp } from 'rondo/openapi';
import { GENERIC_ERROR } from './dtos/conduit-responses';
import { ConduitErrors } from './controllers/api-support';
import { StatsCommand } from './commands/stats.command';
import { ArticlesController } from './controllers/articles.controller';
import { PagesController } from './controllers/pages.controller';
import { UsersController } from './controllers/users.controller';
import { TimingMiddleware } from './middleware/timing.middleware';
import { Article, BLOG_ENTITIES, Comment, Tag } from './models/article';
import { Member } from './models/member';
import { secretKey } from './secret-key';
import { BlogService } from './services/blog-service';
import { CommentNews } from './services/comment-news';
import { LiveController } from './controllers/live.controller';
import { NotificationTasks } from './tasks/notification-tasks';

const ROOT = join(__dirname, '../../../sample-app');

/** Builds the blog app; tests pass their own settings and logger. */
export default function buildApp(options: Omit<CreateAppOptions, 'apps'> = {}): Promise<App> {
  return createApp({
    ...options,
    apps: [
      authApp({ views: true, tokens: true, user: Member }),
      // /admin/: staff users manage the articles, comments, tags and members (rondo createsuperuser first).
      adminApp({
        title: 'Rondo blog administration',
        models: [
          [
            Article,
            {
              listDisplay: ['id', 'title', 'author', 'createdAt'],
              listFilter: ['author', 'createdAt'],
              searchFields: ['title', 'description', 'body', 'author.username'],
              dateHierarchy: 'createdAt',
              ordering: ['-createdAt'],
              listPerPage: 50,
              inlines: [{ model: Comment, fields: ['body', 'author'] }],
            },
          ],
          [Comment, { listDisplay: ['id', 'body', 'author', 'article', 'createdAt'], searchFields: ['body'] }],
          [Tag, { listDisplay: ['id', 'name'], searchFields: ['name'], ordering: ['name'] }],
          [
            Member,
            {
              listDisplay: ['id', 'username', 'email', 'isStaff', 'isActive'],
              listFilter: ['isStaff', 'isSuperuser', 'isActive'],
              searchFields: ['username', 'email'],
              ordering: ['username'],
            },
          ],
        ],
      }),
      // The Conduit API's contract: GET /openapi.json and its page at /docs/ (public: a published API).
      openapiApp({
        title: 'Conduit API',
        version: '1.0.0',
        description: "The RealWorld API as this sample serves it; errors are {errors: {field: ['...']}}.",
        include: ['/api/'],
        errors: { body: GENERIC_ERROR, validationStatus: 422 },
        public: true,
      }),
    ],
    entities: [...BLOG_ENTITIES, ...(options.entities ?? [])],
    controllers: [PagesController, UsersController, ArticlesController, LiveController, ...(options.controllers ?? [])],
    providers: [BlogService, CommentNews, NotificationTasks, ...(options.providers ?? [])],
    commands: [StatsCommand, ...(options.commands ?? [])],
    middleware: [HealthMiddleware, CorsMiddleware, TimingMiddleware, ...(options.middleware ?? [])],
    exceptionHandler: options.exceptionHandler ?? ConduitErrors,
    settings: {
      // RONDO_SECRET_KEY in production; else a generated, git-ignored development key.
      secretKey: secretKey(),
      allowedHosts: ['127.0.0.1', 'localhost'],
      database: `sqlite:${join(ROOT, 'db.sqlite3')}`,
      migrations: [join(__dirname, 'migrations/*.js')],
      migrationsSourceDir: join(ROOT, 'src/migrations'),
      authLoginField: 'email',
      // Revocable sessions (Django's default): a logout ends every copy of the session cookie.
      sessionEngine: 'database',
      // A strict Content-Security-Policy: only this site's own files, and inline scripts or
      // styles only with the request's nonce (<style nonce="<%= cspNonce %>">). Article
      // images may be any https URL (Conduit's `image` fields point anywhere).
      csp: {
        'default-src': [CSP.SELF],
        'script-src': [CSP.SELF, CSP.NONCE],
        'style-src': [CSP.SELF, CSP.NONCE],
        'img-src': [CSP.SELF, 'data:', 'https:'],
        'object-src': [CSP.NONE],
        'base-uri': [CSP.SELF],
        'form-action': [CSP.SELF],
        'frame-ancestors': [CSP.NONE],
      },
      accessLog: true, // one line per request on stderr (RONDO_ACCESS_LOG=false to silence)
      // Conduit front-ends call the API from other origins with a token (no cookies: credentials stay off).
      corsAllowedOrigins: ['*'],
      templates: { dirs: [join(ROOT, 'templates')] },
      staticDirs: [join(ROOT, 'static')],
      serveStatic: true,
      ...options.settings,
    },
  });
}
