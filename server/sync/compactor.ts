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

/**
 * Builds a room's compactor. A class rather than closures: a loaded room keeps one, so its state
 * sits in fields and its methods on the prototype, not in a context and eight functions per room.
 */
export function createCompactor(options: CompactorOptions): Compactor {
  return new RoomCompactor(options)
}

class RoomCompactor implements Compactor {
  private timer: NodeJS.Timeout | null = null
  private firstRequestAt = 0
  private running: Promise<void> | null = null
  private again = false
  private failed = false
  private stopped = false

  constructor(private readonly options: CompactorOptions) {}

  noteAppend(): void {
    const { storage } = this.options
    if (storage.logBytes > LOG_COMPACT_BYTES) this.schedule(0)
    else if (storage.logBytes > Math.max(MIN_COMPACT_BYTES, storage.snapshotBytes)) {
      this.schedule(SAVE_DEBOUNCE_MS)
    }
  }

  requestNow(): void {
    this.failed = true
    this.schedule(SAVE_DEBOUNCE_MS)
  }

  async finish(): Promise<void> {
    this.clear()
    if (this.running) await this.running
    if (this.options.storage.logBytes > 0 || this.failed) await this.run()
  }

  stop(): void {
    this.stopped = true
    this.clear()
  }

  get idle(): boolean {
    return this.running === null && this.timer === null
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private run(): Promise<void> {
    this.clear()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.firstRequestAt = 0
    const { storage, encodeState, onStored, onError } = this.options
    // Encoded synchronously with the rotation inside compact(): the state covers exactly what
    // the log holds when it is rotated.
    this.running = compactions
      .run(() => storage.compact(encodeState()))
      .then(() => {
        this.failed = false
        onStored?.()
      })
      .catch((err) => {
        this.failed = true
        onError(err)
      })
      .finally(() => {
        this.running = null
        if (this.again) {
          this.again = false
          this.schedule(SAVE_DEBOUNCE_MS)
        }
      })
    return this.running
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return
    const now = Date.now()
    if (!this.firstRequestAt) this.firstRequestAt = now
    const wait = Math.max(0, Math.min(delayMs, this.firstRequestAt + SAVE_MAX_WAIT_MS - now))
    this.clear()
    this.timer = setTimeout(() => void this.run(), wait)
    this.timer.unref()
  }
}
