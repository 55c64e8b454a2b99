/**
 * HealthMiddleware (order 20, before every other middleware, so a probe needs no allowed
 * Host, session or CSRF): `GET settings.healthLiveUrl` (/healthz) is 200 while the process
 * answers; `GET settings.healthReadyUrl` (/readyz) is 200 when the app can serve: not
 * shutting down (503 from the first moment of a graceful stop, so the balancer drains it
 * first), its database answers `SELECT 1`, and Redis answers PING when sessions or rate
 * limits live there. Each check has 2 s. Bodies say which check failed, never why (the
 * log says why); nothing is cached.
 */
import type { Settings } from '../app/settings';
import { Inject, LOGGER, Optional, SETTINGS } from '../di/injectable';
import { DATABASE } from '../db/database-token';
import type { Database } from '../db/database';
import { ServiceUnavailable } from '../http/errors';
import type { HttpRequest } from '../http/request';
import { JsonResponse, type HttpResponse } from '../http/response';
import { Middleware } from '../middleware/middleware-decorator';
import { AppStatus } from '../server/app-status';
import type { Logger } from './logger';

const CHECK_TIMEOUT = 2000;

type Check = () => Promise<unknown>;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ServiceUnavailable(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

@Middleware(20)
export class HealthMiddleware {
  private readonly live: string;
  private readonly ready: string;
  private readonly checks: Array<[string, Check]> = [];
  private redis: import('ioredis').default | undefined;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly status: AppStatus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(DATABASE) database?: Database,
  ) {
    this.live = settings.healthLiveUrl;
    this.ready = settings.healthReadyUrl;
    if (database !== undefined) this.checks.push(['database', () => database.dataSource.query('SELECT 1')]);
    if (settings.sessionEngine === 'redis' || settings.rateLimitStore === 'redis')
      this.checks.push(['redis', () => this.pingRedis()]);
  }

  processRequest(request: HttpRequest): HttpResponse | Promise<HttpResponse> | undefined {
    if (request.rawPath !== this.live && request.rawPath !== this.ready) return undefined;
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined; // the router says 405/404
    if (request.rawPath === this.live) return answer(200, { status: 'ok' });
    return this.readiness();
  }

  onShutdown(): void {
    this.redis?.disconnect();
  }

  private async readiness(): Promise<HttpResponse> {
    if (this.status.shuttingDown) return answer(503, { status: 'shutting down' });
    const results: Record<string, string> = {};
    await Promise.all(
      this.checks.map(async ([name, check]) => {
        try {
          await within(check(), CHECK_TIMEOUT);
          results[name] = 'ok';
        } catch (error) {
          results[name] = 'unavailable';
          this.logger.warn(`Readiness check '${name}' failed: ${(error as Error).message}`);
        }
      }),
    );
    const ok = Object.values(results).every((r) => r === 'ok');
    return answer(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks: results });
  }

  /** PING on a client of its own (made at the first probe), waiting for it to connect. */
  private async pingRedis(): Promise<void> {
    if (this.redis === undefined) {
      const Redis = (require('ioredis') as typeof import('ioredis')).default;
      const client = new Redis(this.settings.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: CHECK_TIMEOUT });
      client.on('error', () => undefined); // each probe reports it
      this.redis = client;
    }
    await this.redis.ping();
  }
}

function answer(status: number, body: Record<string, unknown>): HttpResponse {
  const response = new JsonResponse(body, { status });
  response.headers.set('Cache-Control', 'no-store');
  return response;
}
