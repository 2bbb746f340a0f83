/**
 * Compare-and-set writes against the latest state across instances: a write is built from what
 * memory holds, stored only if the record is still at that version, and on VersionConflictError
 * built again once memory holds the version that won. Memory changes only through the feed.
 */
import { VersionConflictError } from './recordDocs'
import type { RecordFeed } from './recordFeed'

/** How many times a write is built again after losing a compare-and-set before it gives up. */
export const MAX_WRITE_ATTEMPTS = 10

/**
 * Runs `attempt` until it stores without a version conflict; after each conflict, waits until
 * memory holds the version that won (or everything committed so far). Rethrows the last conflict
 * after MAX_WRITE_ATTEMPTS, and any other error at once: either way nothing of that attempt was
 * stored, so memory is as it was.
 */
export async function withRetry<R>(feed: RecordFeed, attempt: () => Promise<R>): Promise<R> {
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (err) {
      if (!(err instanceof VersionConflictError) || n >= MAX_WRITE_ATTEMPTS) throw err
      if (err.actual > 0) await feed.reach(err.actual)
      else await feed.catchUp()
    }
  }
}

/** Whether two JSON values are the same (bodies come from JSON, so their text compares them). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * `next` rebased onto `latest`: the fields the caller changed (those where `next` differs from
 * the `original` it was built from) applied to the latest stored record, so a concurrent change
 * of other fields by another instance stays. Without an original or a latest, `next` as given.
 * Built with data properties only: a field named `__proto__` is a field.
 */
export function rebaseFields<T extends object>(original: T | undefined, next: T, latest: T | undefined): T {
  if (!original || !latest) return next
  const o = new Map(Object.entries(original))
  const n = new Map(Object.entries(next))
  const out = new Map(Object.entries(latest))
  for (const key of new Set([...o.keys(), ...n.keys()])) {
    if (sameJson(o.get(key), n.get(key)) && o.has(key) === n.has(key)) continue
    if (n.has(key)) out.set(key, n.get(key))
    else out.delete(key)
  }
  return Object.fromEntries(out) as T
}
