/**
 * Builds an app's HttpRequests: the limits, host policy, cookie signer and body parsers
 * from settings (once, at start-up), and the services requests carry by typed key
 * (templates, validation options, the URL resolver; see `request.service`).
 */
import { HostPolicy } from '../http/host-validation';
import type { CookieSigning } from '../http/cookie-signing';
import { multipartParser } from '../http/multipart';
import { HttpRequest, type RequestInit, type RequestOptions, type ServiceKey } from '../http/request';
import type { Settings } from './settings';

export class RequestFactory {
  private readonly options: RequestOptions;
  private readonly services = new Map<symbol, unknown>();

  constructor(settings: Readonly<Settings>, signing: CookieSigning) {
    this.options = {
      maxBodySize: settings.dataUploadMaxMemorySize,
      maxFields: settings.dataUploadMaxNumberFields,
      jsonMaxDepth: settings.jsonMaxDepth,
      hostPolicy: new HostPolicy(settings),
      cookieSigner: settings.secretKey ? signing.signer : undefined,
      bodyParsers: new Map([['multipart/form-data', multipartParser({
        fileMemorySize: settings.fileUploadMaxMemorySize,
        fileMaxSize: settings.fileUploadMaxSize,
        filesMaxTotal: settings.fileUploadMaxTotalSize,
        fieldBytes: settings.dataUploadMaxMemorySize,
        maxFields: settings.dataUploadMaxNumberFields,
        maxFiles: settings.dataUploadMaxNumberFiles,
        tempDir: settings.fileUploadTempDir,
      })]]),
      services: this.services,
    };
  }

  /** Makes `service` reachable as `request.service(key)` (replaced on each app build). */
  provide<T>(key: ServiceKey<T>, service: T): void {
    this.services.set(key, service);
  }

  create(init: RequestInit): HttpRequest {
    return new HttpRequest(init, this.options);
  }
}
