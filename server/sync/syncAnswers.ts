/**
 * Sync answers, one in flight per connection. A reader slower than its asks (50 reviewers asking
 * for a 900 KB document 40 times each took RSS from 329 to 1,285 MB) gets its next
 * answer only when the previous one has left the process; asks made meanwhile are coalesced into
 * the latest, which is answered from the room as it is then (a superset of every earlier answer).
 */
import type { Connection } from './connection'

interface AnswerQueue {
  queued: boolean
  next: Uint8Array | null
}

/** The sync answers of one room's connections, at most one in flight to each. */
export class SyncAnswers {
  private readonly queues = new WeakMap<Connection, AnswerQueue>()

  /**
   * @param answerFor the messages answering a state vector, or null when nothing may be sent
   * @param canSend whether the connection is still there to answer
   * @param onError an answer could not be made (the connection is then closed by the caller)
   */
  constructor(
    private readonly answerFor: (stateVector: Uint8Array, conn: Connection) => Uint8Array[] | null,
    private readonly canSend: (conn: Connection) => boolean,
    private readonly onError: (conn: Connection, err: unknown) => void,
  ) {}

  /** Answers `stateVector` now, or once the connection's previous answer was written. */
  request(conn: Connection, stateVector: Uint8Array): void {
    let queue = this.queues.get(conn)
    if (queue?.queued) {
      queue.next = stateVector
      return
    }
    const messages = this.answerFor(stateVector, conn)
    if (!messages) return
    if (!queue) this.queues.set(conn, (queue = { queued: false, next: null }))
    const q = queue
    q.queued = true
    const written = () => {
      q.queued = false
      const next = q.next
      q.next = null
      if (!next || !this.canSend(conn)) return
      try {
        this.request(conn, next)
      } catch (err) {
        this.onError(conn, err)
      }
    }
    messages.forEach((m, i) => conn.send(m, i === messages.length - 1 ? written : undefined))
  }
}
