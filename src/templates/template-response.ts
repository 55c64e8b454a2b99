/**
 * TemplateResponse and `render()`: a response that renders late, after middleware
 * `processTemplateResponse` hooks could change `templateName` or `context` (Django's
 * SimpleTemplateResponse semantics). The kernel renders it before it travels back out.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { HttpRequest } from '../http/request';
import { HttpResponse, type ResponseInit } from '../http/response';
import { TEMPLATES, type Templates } from './templates';

function templatesOf(request: HttpRequest): Templates {
  const templates = request.service(TEMPLATES);
  if (templates === undefined) {
    throw new ImproperlyConfigured(
      'TEMPLATES_UNAVAILABLE',
      "render() needs a request served by a Rondo app (it carries the app's templates); build requests with app.createRequest or TestClient",
    );
  }
  return templates;
}

export class TemplateResponse extends HttpResponse {
  isRendered = false;

  constructor(
    readonly request: HttpRequest,
    public templateName: string,
    public context: Record<string, unknown>,
    init: ResponseInit = {},
  ) {
    super('', {
      contentType: init.contentType ?? templatesOf(request).contentTypeOf(templateName),
      status: init.status,
      headers: init.headers,
    });
  }

  /** Renders the template into `content` (once). */
  async render(): Promise<this> {
    if (!this.isRendered) {
      this.content = await templatesOf(this.request).renderForRequest(this.request, this.templateName, this.context);
      this.isRendered = true;
    }
    return this;
  }
}

/**
 * Renders a template for a view, lazily (middleware may still change it).
 *
 * @example return render(request, 'posts/detail.ejs', { post }, { status: 200 });
 */
export function render(
  request: HttpRequest,
  templateName: string,
  context: Record<string, unknown> = {},
  init: ResponseInit = {},
): TemplateResponse {
  return new TemplateResponse(request, templateName, context, init);
}
