/**
 * When a room's log is folded into its snapshot: on a debounce with a max wait once the log
 * outgrows the snapshot, at once past LOG_COMPACT_BYTES, after a failed store, and on unload.
 * Only one compaction is in flight per room; requests during one coalesce into one more.
 */
import { LOG_COMPACT_BYTES, SAVE_DEBOUNCE_MS, SAVE_MAX_WAIT_MS } from '../config'
import type { RoomStorage } from '../storage/updateLog'
import { compactions } from './turnQueue'

/** Below this, a log is cheap to replay and not worth a snapshot until unload. */
const MIN_COMPACT_BYTES = 64 * 1024

export interface CompactorOptions {
  storage: RoomStorage
  encodeState: () => Uint8Array
  /** After a snapshot was stored. */
  onStored?: () => void
  onError: (err: unknown) => void
}

export interface Compactor {
  /** Called after each append. */
  noteAppend(): void
  /** Compacts as soon as possible (after a failed append). */
  requestNow(): void
  /** Waits for any compaction in flight, then compacts what is left. */
  finish(): Promise<void>
  /** Schedules nothing more: the room was reset or freed (a compaction in flight still ends). */
  stop(): void
  readonly idle: boolean
}

export function createCompactor({ storage, encodeState, onStored, onError }: CompactorOptions): Compactor {
  let timer: NodeJS.Timeout | null = null
  let firstRequestAt = 0
  let running: Promise<void> | null = null
  let again = false
  let failed = false
  let stopped = false

  const clear = () => {
    if (timer) clearTimeout(timer)
    timer = null
  }

  const run = (): Promise<void> => {
    clear()
    if (running) {
      again = true
      return running
    }
    firstRequestAt = 0
    // Encoded synchronously with the rotation inside compact(): the state covers exactly what
    // the log holds when it is rotated.
    running = compactions
      .run(() => storage.compact(encodeState()))
      .then(() => {
        failed = false
        onStored?.()
      })
      .catch((err) => {
        failed = true
        onError(err)
      })
      .finally(() => {
        running = null
        if (again) {
          again = false
          schedule(SAVE_DEBOUNCE_MS)
        }
      })
    return running
  }

  const schedule = (delayMs: number) => {
    if (stopped) return
    const now = Date.now()
    if (!firstRequestAt) firstRequestAt = now
    const wait = Math.max(0, Math.min(delayMs, firstRequestAt + SAVE_MAX_WAIT_MS - now))
    clear()
    timer = setTimeout(() => void run(), wait)
    timer.unref()
  }

  return {
    noteAppend() {
      if (storage.logBytes > LOG_COMPACT_BYTES) schedule(0)
      else if (storage.logBytes > Math.max(MIN_COMPACT_BYTES, storage.snapshotBytes)) {
        schedule(SAVE_DEBOUNCE_MS)
      }
    },
    requestNow() {
      failed = true
      schedule(SAVE_DEBOUNCE_MS)
    },
    async finish() {
      clear()
      if (running) await running
      if (storage.logBytes > 0 || failed) await run()
    },
    stop() {
      stopped = true
      clear()
    },
    get idle() {
      return running === null && timer === null
    },
  }
}
