/**
 * Templates: an app's template engine plus its context processors, built once at
 * start-up from `settings.templates`. Views reach it through `render(request, ...)`
 * (through `request.service(TEMPLATES)`); services inject it with the TEMPLATES token (e.g. for mail).
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import { LazyCspNonce } from '../http/csp-nonce';
import { serviceKey, type HttpRequest, type ServiceKey } from '../http/request';
import { TemplateEngine } from './engine';
import type { ContextProcessor, TemplateSettings } from './template-settings';

export { DEFAULT_TEMPLATE_SETTINGS, type ContextProcessor, type TemplateSettings } from './template-settings';

/** What built-in processors need from the app. */
export interface TemplateHost {
  debug: boolean;
  staticUrl: string;
  reverse(name: string, params?: Record<string, unknown>): string;
}

/** The DI token of an app's Templates, and the key requests carry them under. */
export const TEMPLATES: ServiceKey<Templates> = serviceKey<Templates>('rondo:TEMPLATES');

function builtIn(name: string, host: TemplateHost): ContextProcessor {
  switch (name) {
    case 'request':
      return (request) => ({ request });
    case 'user':
      return async (request) => ({ user: await request.auser() });
    case 'csrf':
      return (request) => ({
        csrfToken: () => {
          if (typeof request.csrfToken !== 'function') {
            throw new ImproperlyConfigured(
              'CSRF_NOT_INSTALLED',
              'csrfToken() was called in a template, but CsrfViewMiddleware is not installed: add it to settings.middleware (it is in the default stack)',
            );
          }
          return request.csrfToken();
        },
      });
    case 'messages':
      return async (request) => ({
        messages: typeof request.messages?.peek === 'function' ? await request.messages.peek() : [],
      });
    case 'url':
      return () => ({ url: (route: string, params?: Record<string, unknown>) => host.reverse(route, params) });
    case 'static':
      return () => ({ static: (path: string) => host.staticUrl + String(path).replace(/^\/+/, '') });
    case 'debug':
      return () => ({ debug: host.debug });
    default:
      throw new ImproperlyConfigured(
        'TEMPLATES_PROCESSOR_UNKNOWN',
        `settings.templates.contextProcessors lists '${name}', which is not a built-in processor (request, user, csrf, messages, url, static, debug); pass a function (request) => ({ ... }) for your own`,
      );
  }
}

export class Templates {
  readonly engine: TemplateEngine;
  private readonly processors: ContextProcessor[];

  /** @internal Made by the app from settings.templates. */
  constructor(settings: TemplateSettings, host: TemplateHost) {
    if (!Array.isArray(settings.dirs) || !Array.isArray(settings.contextProcessors)) {
      throw new ImproperlyConfigured(
        'TEMPLATES_SETTINGS',
        'settings.templates needs { dirs: string[], contextProcessors: [...] }',
      );
    }
    this.engine = new TemplateEngine({ dirs: settings.dirs, cache: settings.cache ?? !host.debug });
    this.processors = settings.contextProcessors.map((p) => (typeof p === 'function' ? p : builtIn(p, host)));
  }

  /**
   * Renders `name` for a request: `cspNonce` (the request's Content-Security-Policy nonce,
   * made only if the template writes it), processors' variables, the view's context over them.
   */
  async renderForRequest(request: HttpRequest, name: string, context: Record<string, unknown>): Promise<string> {
    const merged: Record<string, unknown> = { cspNonce: new LazyCspNonce(request) };
    for (const processor of this.processors) Object.assign(merged, await processor(request));
    return this.engine.render(name, { ...merged, ...context });
  }

  /** Renders `name` without a request (mail, exports). */
  renderToString(name: string, context: Record<string, unknown> = {}): string {
    return this.engine.render(name, context);
  }

  contentTypeOf(name: string): string {
    return this.engine.contentTypeOf(name);
  }
}
