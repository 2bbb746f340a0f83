/** A room storage that gives a task's room its first state when the room is first loaded. */
import type { RemoteChanges, RoomStorage } from './updateLog'
import { andThen } from './maybeAsync'

/**
 * Wraps `inner` so that the first load of a room that was never stored returns `seed()` (the
 * seeded workspace or meta of its task), written as the room's first snapshot before anyone can
 * receive it. Imports therefore write one task pack instead of two room files per task, and a
 * room is seeded exactly once: from then on it is stored like any other, so a seed computed
 * later (from a task record that changed since) never meets a client holding an earlier one.
 * A room whose files were damaged is not "never stored", and is never re-seeded. When writing
 * the seed fails (a full disk), the load fails and nobody is served a state that is not stored.
 */
/**
 * `catchUp`, when given, sees what a stored room loads and may return one more update (the meta
 * room learning assignees that changed while it was not loaded): it is appended durably before
 * the room is served, and loaded with the rest; a failed append fails the load.
 */
export function seededStorage(
  inner: RoomStorage,
  seed: () => Uint8Array | null,
  catchUp?: (updates: readonly Uint8Array[]) => Uint8Array | null,
): RoomStorage {
  return {
    load() {
      return andThen(inner.load(), (updates) => {
        if (updates.length || !inner.neverStored) {
          const extra = updates.length ? catchUp?.(updates) : null
          if (!extra) return updates
          return andThen(inner.append(extra), () => [...updates, extra])
        }
        const state = seed()
        if (!state) return updates
        // Another instance seeded the room first: serve its seed, never a second one beside it.
        return andThen(inner.writeInitial(state), (wrote) => (wrote === false ? inner.load() : [state]))
      })
    },
    // The same state a load would serve, with nothing written: a seed or catch-up stays in memory.
    peek() {
      return andThen(inner.peek(), (stored) => {
        if (!stored) return null
        if (!stored.neverStored) {
          const extra = stored.updates.length ? catchUp?.(stored.updates) : null
          return extra ? { updates: [...stored.updates, extra], neverStored: false } : stored
        }
        const state = seed()
        return { updates: state ? [state] : [], neverStored: true }
      })
    },
    get neverStored() {
      return inner.neverStored
    },
    append: (update) => inner.append(update),
    compact: (state) => inner.compact(state),
    writeInitial: (state) => inner.writeInitial(state),
    get logBytes() {
      return inner.logBytes
    },
    get snapshotBytes() {
      return inner.snapshotBytes
    },
    ...(inner.ownerStore ? { ownerStore: inner.ownerStore } : {}),
    ...(inner.catchUp ? { catchUp: () => inner.catchUp!() } : {}),
    ...(inner.follow ? { follow: (from: RemoteChanges) => inner.follow!(from) } : {}),
    ...(inner.publishPresence ? { publishPresence: (update: Uint8Array) => inner.publishPresence!(update) } : {}),
    close: () => inner.close(),
  }
}
