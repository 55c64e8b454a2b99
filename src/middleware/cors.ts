/**
 * CorsMiddleware (order 150, off by default): Cross-Origin Resource Sharing for listed
 * origins (`corsAllowedOrigins`, or ['*']) and origin regexes; answers preflight OPTIONS
 * requests with 204 and the allowed methods and headers; always sets `Vary: Origin`.
 * With credentials allowed, the origin is echoed (never '*', as browsers require).
 */
import type { Settings } from '../app/settings';
import { Inject, SETTINGS } from '../di/injectable';
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import { Middleware, type Next } from './middleware-decorator';

@Middleware(150)
export class CorsMiddleware {
  private readonly any: boolean;
  private readonly origins: Set<string>;
  private readonly patterns: RegExp[];
  private readonly methods: string;
  private readonly headers: string;
  private readonly expose: string;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    this.any = settings.corsAllowedOrigins.includes('*');
    this.origins = new Set(settings.corsAllowedOrigins.map((o) => o.toLowerCase()));
    this.patterns = settings.corsAllowedOriginRegexes.map((p) => new RegExp(p, 'i'));
    this.methods = settings.corsAllowMethods.join(', ');
    this.headers = settings.corsAllowHeaders.join(', ');
    this.expose = settings.corsExposeHeaders.join(', ');
  }

  async handle(request: HttpRequest, next: Next): Promise<HttpResponse> {
    const origin = request.headers.get('origin');
    const allowed = origin !== undefined && this.allows(origin);
    const preflight = request.method === 'OPTIONS' && request.headers.has('access-control-request-method');
    const response = preflight && allowed ? new HttpResponse('', { status: 204 }) : await next(request);
    response.headers.appendToken('Vary', 'Origin');
    if (!allowed) return response;
    response.headers.set('Access-Control-Allow-Origin', this.any && !this.settings.corsAllowCredentials ? '*' : origin);
    if (this.settings.corsAllowCredentials) response.headers.set('Access-Control-Allow-Credentials', 'true');
    if (this.expose) response.headers.set('Access-Control-Expose-Headers', this.expose);
    if (preflight) {
      response.headers.delete('content-type');
      response.headers.set('Access-Control-Allow-Methods', this.methods);
      response.headers.set('Access-Control-Allow-Headers', this.headers);
      response.headers.set('Access-Control-Max-Age', this.settings.corsPreflightMaxAge);
    }
    return response;
  }

  private allows(origin: string): boolean {
    return this.any || this.origins.has(origin.toLowerCase()) || this.patterns.some((re) => re.test(origin));
  }
}
