/**
 * View wrappers: what parts of Rondo put around a view's call at start-up (a transaction
 * for `@Atomic`, a limit for `@RateLimit`). `wrapView` is the one way to do it, and it
 * records each wrapper's name on the view, so the pipeline of a request stays visible
 * (`rondo routes --explain`) instead of being replaced out of sight.
 */
import type { HttpRequest } from '../http/request';
import type { Params } from './argument-resolvers';

export type ViewCall = (request: HttpRequest, params: Params) => unknown;

/** What a wrapper needs of a compiled view. */
export interface WrappableView {
  call: ViewCall;
  /** The wrappers around the call, outermost first. */
  readonly wrappers: string[];
}

/** Puts `wrap` around the view's call, outside the wrappers it has, and lists it by `name`. */
export function wrapView(view: WrappableView, name: string, wrap: (call: ViewCall) => ViewCall): void {
  view.call = wrap(view.call);
  view.wrappers.unshift(name);
}
