/**
 * MetricsMiddleware (order 25, around everything but the health probes): counts requests
 * and times them per route, and serves them in Prometheus's text format at
 * `settings.metricsUrl` (/metrics) through prom-client (loaded only by apps that add this
 * middleware). Each app has its own registry:
 *
 *   rondo_http_requests_total{method, route, status}          counter
 *   rondo_http_request_duration_seconds{method, route}        histogram
 *   plus prom-client's process metrics (CPU, memory, event-loop lag, handles).
 *
 * `route` is the matched pattern (`/articles/<slug:slug>/`), or `unmatched`, so a scan of
 * random URLs cannot blow up the series. Anyone who can reach the URL can read it: keep
 * it on an internal port or block it at the proxy (`location /metrics { deny all; }`).
 */
import type { Counter, Histogram, Registry } from 'prom-client';
import type { Settings } from '../app/settings';
import { Inject, SETTINGS } from '../di/injectable';
import { isPromise } from '../http/maybe-promise';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import { Middleware } from '../middleware/middleware-decorator';
import type { Next } from '../middleware/middleware-contract';

@Middleware(25)
export class MetricsMiddleware {
  readonly registry: Registry;
  private readonly url: string;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;

  constructor(@Inject(SETTINGS) settings: Settings) {
    const prom = require('prom-client') as typeof import('prom-client');
    this.url = settings.metricsUrl;
    this.registry = new prom.Registry();
    prom.collectDefaultMetrics({ register: this.registry });
    this.requests = new prom.Counter({
      name: 'rondo_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.duration = new prom.Histogram({
      name: 'rondo_http_request_duration_seconds',
      help: 'Time from the request to its response object, by method and route pattern',
      labelNames: ['method', 'route'],
      registers: [this.registry],
    });
  }

  handle(request: HttpRequest, next: Next): HttpResponse | Promise<HttpResponse> {
    if (request.rawPath === this.url && request.method === 'GET') return this.exposition();
    const started = performance.now();
    const result = next(request);
    if (!isPromise<HttpResponse>(result)) return this.observe(request, result, started);
    return result.then((response) => this.observe(request, response, started));
  }

  private observe(request: HttpRequest, response: HttpResponse, started: number): HttpResponse {
    const route = request.resolverMatch?.route ?? 'unmatched';
    const method = request.method;
    this.requests.inc({ method, route, status: String(response.status) });
    this.duration.observe({ method, route }, (performance.now() - started) / 1000);
    return response;
  }

  private async exposition(): Promise<HttpResponse> {
    const response = new HttpResponse(await this.registry.metrics(), { contentType: this.registry.contentType });
    response.headers.set('Cache-Control', 'no-store');
    return response;
  }
}
