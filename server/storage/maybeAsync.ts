/**
 * Values that are ready now for the file store and later for a shared one. The file path stays
 * synchronous (a room loaded from disk is served in the same turn, an append is done when it
 * returns); a store over the network returns promises, and the same code waits for them.
 */
export type MaybePromise<T> = T | Promise<T>

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** `next(value)` now when `value` is ready, else once it resolves. */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromise(value) ? value.then(next) : next(value)
}
