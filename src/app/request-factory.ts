/**
 * Builds an app's HttpRequests: the limits, host policy, cookie signer and body parsers
 * from settings (once, at start-up), and the services requests carry by typed key
 * (templates, validation options, the URL resolver; see `request.service`).
 */
import { SIGNALS, Signals } from '../signals/signals';
import { HostPolicy } from '../http/host-validation';
import type { CookieSigning } from '../http/cookie-signing';
import { multipartParser } from '../http/multipart';
import { HttpRequest, type RequestInit, type RequestOptions, type ServiceKey } from '../http/request';
import type { AppContainer } from '../di/container-builder';
import type { RouteTable } from '../routing/route-table';
import { URL_RESOLVER } from '../routing/url-resolver';
import { TEMPLATES, type Templates } from '../templates/templates';
import { VALIDATION } from '../validation/dto-arguments';
import { DEFAULT_VALIDATION_MESSAGES } from '../validation/messages';
import type { Settings } from './settings';

export class RequestFactory {
  private readonly options: RequestOptions;
  private readonly services = new Map<symbol, unknown>();

  constructor(settings: Readonly<Settings>, signing: CookieSigning) {
    this.options = {
      maxBodySize: settings.dataUploadMaxMemorySize,
      maxFields: settings.dataUploadMaxNumberFields,
      jsonMaxDepth: settings.jsonMaxDepth,
      maxUrlLength: settings.maxUrlLength,
      maxHeaderCount: settings.maxHeaderCount,
      hostPolicy: new HostPolicy(settings),
      cookieSigner: settings.secretKey ? signing.signer : undefined,
      bodyParsers: new Map([
        [
          'multipart/form-data',
          multipartParser({
            fileMemorySize: settings.fileUploadMaxMemorySize,
            fileMaxSize: settings.fileUploadMaxSize,
            filesMaxTotal: settings.fileUploadMaxTotalSize,
            fieldBytes: settings.dataUploadMaxMemorySize,
            maxFields: settings.dataUploadMaxNumberFields,
            maxFiles: settings.dataUploadMaxNumberFiles,
            tempDir: settings.fileUploadTempDir,
            maxFileNameLength: settings.fileUploadMaxNameLength,
          }),
        ],
      ]),
      services: this.services,
    };
  }

  /** Makes `service` reachable as `request.service(key)` (replaced on each app build). */
  provide<T>(key: ServiceKey<T>, service: T): void {
    this.services.set(key, service);
  }

  /** What layers reach through the request (typed keys, no casts): templates, the URL resolver, validation. */
  provideAppServices(app: {
    settings: Readonly<Settings>;
    templates: Templates;
    routes: RouteTable<unknown>;
    container: AppContainer;
  }): void {
    const { settings, routes, container } = app;
    this.provide(TEMPLATES, app.templates);
    this.provide(SIGNALS, container.get(Signals));
    this.provide(URL_RESOLVER, {
      resolves: (rawPath) => routes.match('GET', rawPath).kind !== 'none',
      reverse: (name, params) => routes.reverse(name, params),
    });
    this.provide(VALIDATION, {
      forbidUnknown: settings.validationForbidUnknown,
      maxDepth: settings.validationMaxDepth,
      messages: { ...DEFAULT_VALIDATION_MESSAGES, ...settings.validationMessages },
      resolve: (cls) => (container.container.isBound(cls as never) ? container.get(cls as never) : undefined),
    });
  }

  create(init: RequestInit): HttpRequest {
    return new HttpRequest(init, this.options);
  }
}
