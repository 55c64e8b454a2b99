/**
 * Django's transactions for views: `@Atomic()` (or `settings.atomicRequests`) runs a view
 * in one transaction, committed when it answers below 500 and rolled back when it throws
 * or answers 5xx; `@NonAtomic()` opts a view out of `atomicRequests`. The wrap is chosen per
 * view at start-up, so a view without it runs exactly as before.
 */
import type { HttpRequest } from '../http/request';
import { HttpResponse } from '../http/response';
import type { CompiledView } from '../kernel/view-compiler';
import { wrapView } from '../views/view-wrappers';
import type { RouteTable } from '../routing/route-table';
import { toResponse } from '../views/result-mapper';
import { ViewOption } from '../views/view-options';
import type { Database } from './database';

/** Runs the view (or every view of the controller) in one transaction. */
export const Atomic = (): ClassDecorator & MethodDecorator => ViewOption('atomic', true);
/** Keeps this view out of `settings.atomicRequests`. */
export const NonAtomic = (): ClassDecorator & MethodDecorator => ViewOption('atomic', false);

/** Carries a 5xx response out of the transaction so that it rolls back. */
class RollBack extends Error {
  constructor(readonly response: HttpResponse) {
    super('the view answered 5xx: its transaction is rolled back');
  }
}

export function wrapAtomicViews(routes: RouteTable<CompiledView>, database: Database, atomicRequests: boolean): void {
  for (const { handler: view } of routes.list()) {
    const wanted = view.info.options.atomic;
    if (wanted === false || (wanted !== true && !atomicRequests)) continue;
    const source = view.info.source;
    wrapView(
      view,
      'atomic (one transaction)',
      (call) => (request: HttpRequest, params) =>
        database
          .atomic(async () => {
            const response = toResponse(await call(request, params), source);
            if (response.status >= 500) throw new RollBack(response);
            return response;
          })
          .catch((error: unknown) => {
            if (error instanceof RollBack) return error.response;
            throw error;
          }),
    );
  }
}
