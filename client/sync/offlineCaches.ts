/** Offline caches: IndexedDB copies of rooms, named per user, and wiped at sign-out. */

// No import of y-indexeddb or yjs here: sign-out lives in the always-loaded session module,
// and this file must stay tiny.
import { clearApiCache } from './serviceWorker'

/**
 * The IndexedDB name of `userId`'s copy of `room`. Per user, so two people who share a browser
 * never read each other's cached workspace.
 */
export function cacheName(userId: string, room: string): string {
  return `${userId}:${room}`
}

// Every cache database this app writes has a room name in it (`<userId>:task:…`); the bare
// `task:…` form is what older builds wrote.
const CACHE_NAME_RE = /(^|:)task:/

/** The localStorage prefix of the persisted offline-edit counters (createRoomDoc.ts). */
export const UNSENT_KEY_PREFIX = 'codejury:unsent:'

function clearUnsentCounts(): void {
  try {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(UNSENT_KEY_PREFIX)) localStorage.removeItem(key)
    }
  } catch {
    // Storage disabled: nothing was persisted.
  }
}

const closers = new Set<() => Promise<void>>()

/** Registers how to close an open cache, so sign-out can close it before deleting it. */
export function trackOpenCache(close: () => Promise<void>): () => void {
  closers.add(close)
  return () => closers.delete(close)
}

const DELETE_WAIT_MS = 2_000

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name)
    // A tab of the same user may still hold it open; the delete then finishes when it closes.
    const timer = setTimeout(resolve, DELETE_WAIT_MS)
    const done = () => {
      clearTimeout(timer)
      resolve()
    }
    req.onsuccess = done
    req.onerror = done
  })
}

/**
 * Closes the open caches and deletes every cached room of this origin. Called at sign-out: the
 * next person at this browser must not find the previous one's work on disk.
 */
export async function clearOfflineCaches(): Promise<void> {
  await Promise.allSettled([...closers].map((close) => close()))
  closers.clear()
  await clearApiCache()
  clearUnsentCounts()
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return
  const dbs = await indexedDB.databases().catch(() => [])
  const names = dbs.map((db) => db.name ?? '').filter((name) => CACHE_NAME_RE.test(name))
  await Promise.all(names.map(deleteDatabase))
}
