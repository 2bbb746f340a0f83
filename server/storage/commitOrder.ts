/**
 * Puts a room's updates from other instances back in commit order. The shared log numbers every
 * append of a room 1, 2, 3… in commit order, and an update can depend only on updates with lower
 * numbers (its instance held them when it accepted it). Instances publish after their commit, so
 * the bus may carry 7 before 6; this applies 6, then 7, each once, and its own appends (which the
 * document holds already) only advance the count. A number still missing after `holeWaitMs`,
 * or a gap the bus reported, is read from the log itself (`catchUp`).
 */

/** Applies one update another instance committed. */
export type ApplyCommitted = (update: Uint8Array) => void

export class CommitOrder {
  /** Every update numbered up to this one is in the document. */
  private applied: number
  /** Numbers above `applied + 1` already here: the update to apply, or null for one of ours. */
  private readonly ahead = new Map<number, Uint8Array | null>()
  private hole: NodeJS.Timeout | null = null
  private apply: ApplyCommitted | null = null
  private closed = false

  constructor(
    head: number,
    /** Reads what is missing from the log; called when a hole outlives `holeWaitMs`. */
    private readonly catchUp: (since: number) => void,
    private readonly holeWaitMs = 200,
  ) {
    this.applied = head
  }

  /** The highest number below which nothing is missing. */
  get head(): number {
    return this.applied
  }

  /** Starts applying; updates that arrived before are held until now. */
  follow(apply: ApplyCommitted): void {
    this.apply = apply
    this.drain()
  }

  /** One of this instance's appends committed at `seq`: the document already holds it. */
  own(seq: number): void {
    if (seq <= this.applied || this.closed) return
    this.ahead.set(seq, null)
    this.drain()
  }

  /** Another instance committed `update` at `seq`. Duplicates and old numbers are ignored. */
  committed(seq: number, update: Uint8Array): void {
    if (seq <= this.applied || this.ahead.has(seq) || this.closed) return
    this.ahead.set(seq, update)
    this.drain()
  }

  /**
   * A whole state read from the log (the log folded what was missing into a snapshot): applied
   * as it is (Yjs merges it with what the document holds), and everything up to `head` counts.
   */
  replaced(state: readonly Uint8Array[], head: number): void {
    if (this.closed || !this.apply) return
    for (const update of state) this.apply(update)
    for (const seq of [...this.ahead.keys()]) if (seq <= head) this.ahead.delete(seq)
    this.applied = Math.max(this.applied, head)
    this.drain()
  }

  close(): void {
    this.closed = true
    this.ahead.clear()
    this.clearHole()
  }

  private drain(): void {
    if (!this.apply) return
    for (;;) {
      const next = this.applied + 1
      if (!this.ahead.has(next)) break
      const update = this.ahead.get(next)!
      this.ahead.delete(next)
      this.applied = next
      if (update) this.apply(update)
    }
    if (this.ahead.size === 0) this.clearHole()
    else if (!this.hole) {
      this.hole = setTimeout(() => {
        this.hole = null
        if (this.closed || !this.ahead.size) return
        this.catchUp(this.applied)
        this.drain() // asks again after another wait while the hole lasts
      }, this.holeWaitMs)
      this.hole.unref()
    }
  }

  private clearHole(): void {
    if (this.hole) clearTimeout(this.hole)
    this.hole = null
  }
}
