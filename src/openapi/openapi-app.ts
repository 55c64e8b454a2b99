/**
 * openapiApp(): the app part that publishes the document (`GET /openapi.json`) and an
 * interactive page for it (Swagger UI, served from the swagger-ui-dist package's files:
 * no CDN, works offline, and no inline script, so a strict Content-Security-Policy holds).
 * Served when debug is on, or with `public: true`; otherwise those URLs are 404s.
 */
import { dirname, join } from 'node:path';
import type { App } from '../app/app';
import type { AppModule } from '../app/create-app';
import { APP, Inject, SETTINGS } from '../di/injectable';
import { Http404 } from '../http/errors';
import { FileResponse } from '../http/file-response';
import { HttpResponse, JsonResponse } from '../http/response';
import type { Settings } from '../app/settings';
import { Get, Route } from '../routing/route-decorators';
import { ApiExclude } from './decorators';
import type { OpenApiDocument, OpenApiOptions } from './document';

export interface OpenApiAppOptions extends OpenApiOptions {
  /** The document's URL; default `/openapi.json`. */
  path?: string;
  /** The docs page's URL (a folder, ending in `/`); default `/docs/`; false for none. */
  docs?: string | false;
  /** Serve both with debug off too (a public API's contract); default false: debug only. */
  public?: boolean;
}

/** The options the app was given, for `rondo openapi` and `rondo check`. */
export const OPENAPI_OPTIONS = Symbol.for('rondo:OPENAPI_OPTIONS');

/** Swagger UI's files the page loads; nothing else of the package is served. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** swagger-ui-dist's folder, found on the first asset request (an app that never serves the page never looks). */
let swaggerDist: string | undefined;

export function openapiApp(options: OpenApiAppOptions = {}): Required<AppModule> {
  const path = options.path ?? '/openapi.json';
  const docs = options.docs ?? '/docs/';
  const { path: _path, docs: _docs, public: isPublic = false, ...documentOptions } = options;

  @Route('', { name: 'openapi' })
  @ApiExclude()
  class OpenApiViews {
    private document: OpenApiDocument | undefined;

    constructor(
      @Inject(APP) private readonly app: App,
      @Inject(SETTINGS) private readonly settings: Settings,
    ) {}

    private visible(): void {
      if (!isPublic && !this.settings.debug)
        throw new Http404('The API documents are served with debug on, or with openapiApp({ public: true })');
    }

    @Get(path, { name: 'document' })
    json() {
      this.visible();
      this.document ??= this.app.openapi(documentOptions);
      return new JsonResponse(this.document, { contentType: 'application/vnd.oai.openapi+json;version=3.1' });
    }

    @Get(docs === false ? `${path}/no-docs` : docs, { name: 'docs' })
    page() {
      this.visible();
      if (docs === false) throw new Http404('No docs page');
      const title = escapeHtml(documentOptions.title ?? 'API');
      return new HttpResponse(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
          `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>` +
          `<link rel="stylesheet" href="${docs}swagger-ui.css"><link rel="icon" href="${docs}favicon-32x32.png"></head>` +
          `<body><div id="swagger-ui"></div><script src="${docs}swagger-ui-bundle.js"></script>` +
          `<script src="${docs}init.js"></script></body></html>\n`,
      );
    }

    @Get(docs === false ? `${path}/no-docs/init.js` : `${docs}init.js`, { name: 'docs_init' })
    init() {
      this.visible();
      // A file of its own, not an inline script: a strict CSP (script-src 'self') allows it.
      const script = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(path)}, dom_id: '#swagger-ui', deepLinking: true });\n`;
      return new HttpResponse(script, { contentType: 'text/javascript; charset=utf-8' });
    }

    @Get(docs === false ? `${path}/no-docs/<str:file>` : `${docs}<str:file>`, { name: 'docs_asset' })
    asset(request: unknown, params: { file: string }) {
      this.visible();
      const type = ASSETS[params.file];
      if (type === undefined || docs === false) throw new Http404(`No docs asset ${params.file}`);
      swaggerDist ??= dirname(require.resolve('swagger-ui-dist/package.json'));
      const response = new FileResponse(join(swaggerDist, params.file), { contentType: type });
      response.headers.set('Cache-Control', 'public, max-age=86400');
      return response;
    }
  }

  return {
    controllers: [OpenApiViews],
    entities: [],
    providers: [{ provide: OPENAPI_OPTIONS, useValue: documentOptions }],
    middleware: [],
    templateDirs: [],
    migrations: [],
    commands: [],
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
