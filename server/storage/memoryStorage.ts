/** A room's state held in memory only (STORAGE=memory), compacted as the disk log is. */
import type { RoomStorage, StoredUpdates } from './updateLog'

/**
 * What benchmarks and throwaway servers use: it survives room unloads, not restarts. Appends
 * count toward `logBytes` exactly as disk records do, so the compactor folds them into one
 * snapshot on the same triggers (before, the log size read 0 and a long-running
 * server kept every update it was ever sent). Between compactions it holds one snapshot and the
 * updates since.
 */
export class MemoryStorage implements RoomStorage {
  private snapshot: Uint8Array | null = null
  private log: Uint8Array[] = []
  logBytes = 0
  snapshotBytes = 0

  get neverStored(): boolean {
    return this.snapshot === null && this.log.length === 0
  }

  load(): Uint8Array[] {
    return this.snapshot ? [this.snapshot, ...this.log] : this.log.slice()
  }

  peek(): StoredUpdates {
    return { updates: this.load(), neverStored: this.neverStored }
  }

  append(update: Uint8Array): void {
    this.log.push(update)
    this.logBytes += update.length
  }

  async compact(state: Uint8Array): Promise<void> {
    this.replace(state)
  }

  writeInitial(state: Uint8Array): void {
    this.replace(state)
  }

  /** How many updates are held besides the snapshot; for tests and metrics. */
  get logLength(): number {
    return this.log.length
  }

  close(): void {}

  private replace(state: Uint8Array): void {
    this.snapshot = state
    this.log = []
    this.logBytes = 0
    this.snapshotBytes = state.length
  }
}
