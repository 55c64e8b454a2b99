/**
 * TimingMiddleware: adds a Server-Timing header with the time spent inside the app.
 */
import { HttpRequest, Middleware, type Next } from 'rondo';

@Middleware(160)
export class TimingMiddleware {
  async handle(request: HttpRequest, next: Next) {
    const started = performance.now();
    const response = await next(request);
    response.headers.set('Server-Timing', `app;dur=${(performance.now() - started).toFixed(2)}`);
    return response;
  }
}
