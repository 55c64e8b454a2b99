/**
 * A value now, or a promise of it later: the one place Rondo's steps (the middleware
 * chain, the kernel, the view invoker, the server adapter) tell the two apart. A step whose
 * input is at hand runs at once, with no microtask and no promise allocated; only work
 * that really waits (a body still arriving, a database query) pays for a then(). Lives
 * with http/, the lowest layer, because every layer above uses it.
 */

export type MaybePromise<T> = T | Promise<T>;

/** True for a promise (any thenable), false for a value at hand. */
export function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/**
 * `next(value)` once `value` is there: at once for a value, after it settles for a
 * promise (a rejection passes through, to `onError` when given).
 */
export function whenReady<T, U>(
  value: MaybePromise<T>,
  next: (value: T) => MaybePromise<U>,
  onError?: (error: unknown) => MaybePromise<U>,
): MaybePromise<U> {
  return isPromise<T>(value) ? value.then(next, onError) : next(value);
}
