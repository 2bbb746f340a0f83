/** The bytes queued to slow readers, summed server-wide and per user, and kept under two caps. */

/** What the backlog needs to know of a connection. */
export interface BacklogMember {
  readonly userId: string
  /** Bytes the socket holds that the peer has not read yet (`ws` bufferedAmount). */
  readonly bufferedAmount: number
  /** Closes the connection as too slow (1013); it resyncs when it reconnects. */
  shed(): void
}

/** The two caps, in bytes. */
export interface BacklogLimits {
  maxQueuedBytes: number
  maxQueuedBytesPerUser: number
}

/**
 * Bytes queued to readers that stop reading are capped server-wide and per user: without a cap,
 * fifty such readers asking for a large document again and again took RSS from 329 to 1,285 MB. Every send reports its connection's queue here; the sums are
 * kept by deltas, so a send costs two map updates at most. When a sum passes its cap, the queues
 * are read afresh (the ones not sent to since may have drained) and the connections with the
 * largest queues, the slowest readers, are closed with 1013 until the sum is back under.
 */
export class Backlog {
  private total = 0
  private readonly perUser = new Map<string, number>()
  private readonly members = new Map<BacklogMember, number>()

  constructor(private readonly limits: BacklogLimits) {}

  /** Bytes queued to every connection, as last reported. */
  get queuedBytes(): number {
    return this.total
  }

  /** Records a connection's current queue; sheds the slowest readers if a cap is passed. */
  note(member: BacklogMember): void {
    const now = member.bufferedAmount
    const before = this.members.get(member) ?? 0
    if (now === before && this.members.has(member)) return
    this.members.set(member, now)
    this.add(member.userId, now - before)
    if (this.total > this.limits.maxQueuedBytes || this.userTotal(member.userId) > this.limits.maxQueuedBytesPerUser) {
      this.shed()
    }
  }

  /** Stops counting a connection (it closed). */
  forget(member: BacklogMember): void {
    const before = this.members.get(member)
    if (before === undefined) return
    this.members.delete(member)
    this.add(member.userId, -before)
  }

  private userTotal(userId: string): number {
    return this.perUser.get(userId) ?? 0
  }

  private add(userId: string, delta: number): void {
    if (delta === 0) return
    this.total += delta
    const next = this.userTotal(userId) + delta
    if (next === 0) this.perUser.delete(userId)
    else this.perUser.set(userId, next)
  }

  /**
   * Re-reads every queue, then closes the largest of each user over their cap until they are
   * under it, then the largest of all until the total is under its cap.
   */
  private shed(): void {
    for (const m of this.members.keys()) {
      const now = m.bufferedAmount
      this.add(m.userId, now - (this.members.get(m) ?? 0))
      this.members.set(m, now)
    }
    const slowestFirst = [...this.members.entries()].filter(([, q]) => q > 0).sort((a, b) => b[1] - a[1])
    const overUser = (m: BacklogMember) => this.userTotal(m.userId) > this.limits.maxQueuedBytesPerUser
    const overAll = () => this.total > this.limits.maxQueuedBytes
    for (const pass of [overUser, overAll]) {
      for (const [m] of slowestFirst) {
        if (!this.members.has(m) || !pass(m)) continue
        this.forget(m)
        m.shed()
      }
    }
  }
}
