/**
 * The whole document, encoded once for the clients that join holding nothing, and kept while
 * joins keep coming. Every update the room stores afterwards is added to it, so a joiner gets the
 * encoding plus those updates (merged once) instead of a fresh encoding of the whole document:
 * 200 people opening a 1.75 MB document within two seconds while ten others type
 * cost the server one encoding per turn of typing, not one per joiner.
 *
 * The kept encoding is dropped once the updates since outgrow a quarter of it, or when no one has
 * joined for JOIN_STATE_IDLE_MS; small documents are cheap to encode and are never kept.
 */
import * as Y from 'yjs'

const MIN_KEPT_BYTES = 32 * 1024
const JOIN_STATE_IDLE_MS = 5_000
const MAX_UPDATES_SINCE = 256

export interface JoinState {
  /** The document as of some moment, as one update. */
  state: Uint8Array
  /** Everything stored since that moment, merged, or null when nothing was. */
  since: Uint8Array | null
}

export class JoinStateCache {
  private state: Uint8Array | null = null
  private since: Uint8Array[] = []
  private sinceBytes = 0
  private sinceMerged: Uint8Array | null = null
  private usedAt = 0

  constructor(
    private readonly encode: () => Uint8Array,
    private readonly now: () => number = Date.now,
  ) {}

  /** What to send a client that holds nothing. */
  get(): JoinState {
    this.usedAt = this.now()
    if (!this.state) {
      const state = this.encode()
      if (state.length < MIN_KEPT_BYTES) return { state, since: null }
      this.state = state
    }
    if (this.since.length && !this.sinceMerged) {
      this.sinceMerged = this.since.length === 1 ? this.since[0] : Y.mergeUpdates(this.since)
    }
    return { state: this.state, since: this.since.length ? this.sinceMerged : null }
  }

  /** Called with every update the room stores, in order. */
  add(update: Uint8Array): void {
    if (!this.state) return
    const stale =
      this.now() - this.usedAt > JOIN_STATE_IDLE_MS ||
      this.since.length >= MAX_UPDATES_SINCE ||
      this.sinceBytes + update.length > this.state.length / 4
    if (stale) return this.clear()
    this.since.push(update)
    this.sinceBytes += update.length
    this.sinceMerged = null
  }

  clear(): void {
    this.state = null
    this.since = []
    this.sinceBytes = 0
    this.sinceMerged = null
  }
}
