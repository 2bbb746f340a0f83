/**
 * The turn's flush: a room's document updates and presence changes are collected during an
 * event-loop turn, then stored, then relayed, once. The turn's updates are merged into one and
 * appended to storage; only when the append succeeded are they sent, framed once, to every
 * connection that did not write in the turn, while each writer gets the others' edits of the turn
 * (or, past a few writers, everything). Presence goes to every connection, the sender included
 * (clients drop a socket that stays silent for 30 s). Each connection gets its share in one write.
 *
 * Nothing is relayed that was not stored: when the append throws (a full disk), the turn's updates
 * go nowhere and the owner is told, so it can drop the document that applied them.
 *
 * A shared store's append resolves later (once PostgreSQL committed): one append is in flight per
 * room, the turns that arrive meanwhile wait and go in the next one, and the relay of each happens
 * when its commit resolved. Updates other instances committed are relayed at the next flush
 * without being stored again (`addCommitted`).
 */
import * as Y from 'yjs'
import { writeAwarenessMessage, writeUpdateMessage } from '../../shared/protocol'
import type { Connection } from './connection'
import { outgoing } from './frames'
import { isPromise } from '../storage/maybeAsync'

/** Above this many originating connections in one turn, everyone gets the whole merged update. */
const MAX_EXCLUSIVE_MERGES = 4

interface Pending {
  update: Uint8Array
  origin: unknown
}

/** What a flush needs from its room. */
export interface TurnFlushOptions {
  /** Everyone to relay to. */
  conns: ReadonlySet<Connection>
  /** Appends the turn's merged update durably; throws (rejects) when it cannot. */
  store(update: Uint8Array): void | Promise<void>
  /** After the turn's update was stored and before it is relayed. */
  afterStore(update: Uint8Array): void
  /** After the turn's update was relayed. */
  afterRelay(): void
  /** The append threw: nothing of the turn was relayed. */
  onStoreFailed(err: unknown): void
  /** Encodes the presence entries of `ids` for a broadcast. */
  encodePresence(ids: Iterable<number>): Uint8Array
  /** Runs the flush once the current turn is over; setImmediate unless a test drives turns itself. */
  schedule?: (flush: () => void) => void
  /**
   * A shared store: the most bytes of updates one append carries (one update may be more). What
   * arrived during a commit then goes out in appends of this size, not as one relay of everything
   * (which one slow reader's backlog cap would count whole).
   */
  maxAppendBytes?: number
}

/** One room's collected changes and their flush. */
export class TurnFlush {
  private pending: Pending[] = []
  /** Presence ids changed this turn; made on the first change. */
  private presence: Set<number> | null = null
  private scheduled = false
  private stopped = false
  /** The append in flight (a shared store), resolving false when it failed. */
  private storing: Promise<boolean> | null = null
  /** Updates already committed by another instance, to relay at the next flush. */
  private committed: Uint8Array[] = []

  constructor(private readonly options: TurnFlushOptions) {}

  /** A document update applied in this turn (never one replayed from storage). */
  addUpdate(update: Uint8Array, origin: unknown): void {
    this.pending.push({ update, origin })
    this.schedule()
  }

  /** An update another instance committed: relayed to everyone at the next flush, never stored. */
  addCommitted(update: Uint8Array): void {
    this.committed.push(update)
    this.schedule()
  }

  /** Presence entries that changed in this turn. */
  addPresence(ids: Iterable<number>): void {
    const presence = (this.presence ??= new Set())
    for (const id of ids) presence.add(id)
    this.schedule()
  }

  /** True when nothing waits to be stored or relayed. */
  get idle(): boolean {
    return this.pending.length === 0 && !this.scheduled && this.storing === null && this.committed.length === 0
  }

  /** True while an append is in flight: what the document holds is not all stored yet. */
  get busy(): boolean {
    return this.storing !== null
  }

  /**
   * Resolves once everything applied so far is stored and relayed (true), or a store failed or
   * the flush was stopped (false).
   */
  async settled(): Promise<boolean> {
    for (;;) {
      if (this.stopped) return false
      if (this.storing) {
        if (!(await this.storing)) return false
        continue
      }
      if (this.pending.length === 0) return true
      if (!this.flush()) return false
    }
  }

  /** True when document updates wait for the flush. */
  get hasUpdates(): boolean {
    return this.pending.length > 0
  }

  /** Drops whatever waits and flushes nothing more (the room was reset or unloaded). */
  stop(): void {
    this.stopped = true
    this.pending = []
    this.committed = []
    this.presence?.clear()
  }

  /**
   * Stores, then relays, everything collected. Returns false when storing failed; with a shared
   * store, true means the append is under way (see `settled`).
   */
  flush(): boolean {
    this.scheduled = false
    if (this.stopped) return true
    this.relayCommitted()
    // One append in flight: what arrives meanwhile goes in the next, once this one resolved.
    if (this.storing) return true
    const pending = this.takePending()
    let presence: Uint8Array | null = null
    if (this.presence?.size) {
      presence = writeAwarenessMessage(this.options.encodePresence(this.presence))
      this.presence.clear()
    }
    if (pending.length === 0) {
      if (presence) {
        const out = outgoing(presence)
        for (const conn of this.options.conns) conn.sendOutgoing(out)
      }
      return true
    }
    const merged = pending.length === 1 ? pending[0].update : Y.mergeUpdates(pending.map((p) => p.update))
    let stored: void | Promise<void>
    try {
      stored = this.options.store(merged)
    } catch (err) {
      this.options.onStoreFailed(err)
      return false
    }
    if (isPromise(stored)) {
      this.storing = stored.then(
        () => {
          this.storing = null
          if (this.stopped) return false
          this.stored(pending, merged, presence)
          if (this.pending.length || this.presence?.size || this.committed.length) this.schedule()
          return true
        },
        (err: unknown) => {
          this.storing = null
          if (!this.stopped) this.options.onStoreFailed(err)
          return false
        },
      )
      return true
    }
    this.stored(pending, merged, presence)
    return true
  }

  /** What the next append carries: everything, or a prefix of at most maxAppendBytes (at least one). */
  private takePending(): Pending[] {
    const all = this.pending
    const max = this.options.maxAppendBytes
    let n = all.length
    if (max !== undefined) {
      let bytes = 0
      n = 0
      while (n < all.length && (n === 0 || bytes + all[n].update.length <= max)) bytes += all[n++].update.length
    }
    this.pending = n === all.length ? [] : all.slice(n)
    return n === all.length ? all : all.slice(0, n)
  }

  private stored(pending: Pending[], merged: Uint8Array, presence: Uint8Array | null): void {
    this.options.afterStore(merged)
    this.relay(pending, merged, presence)
    this.options.afterRelay()
  }

  /** Relays what other instances committed: already durable, so it waits for no append of ours. */
  private relayCommitted(): void {
    if (this.committed.length === 0) return
    const updates = this.committed
    this.committed = []
    const out = outgoing(writeUpdateMessage(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)))
    for (const conn of this.options.conns) conn.sendOutgoing(out)
    this.options.afterRelay()
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return
    this.scheduled = true
    const flush = () => {
      if (this.scheduled) this.flush()
    }
    if (this.options.schedule) this.options.schedule(flush)
    else setImmediate(flush)
  }

  private relay(pending: Pending[], merged: Uint8Array, presence: Uint8Array | null): void {
    const conns = this.options.conns
    const message = writeUpdateMessage(merged)
    const common = presence ? outgoing(message, presence) : outgoing(message)
    const origins = new Set(pending.map((p) => p.origin))
    const senders = [...conns].filter((c) => origins.has(c.origin))
    if (senders.length === 0 || senders.length > MAX_EXCLUSIVE_MERGES) {
      // The server's own write, or so many writers that echoing their own edits is cheaper.
      for (const conn of conns) conn.sendOutgoing(common)
      return
    }
    for (const conn of conns) {
      if (!senders.includes(conn)) conn.sendOutgoing(common)
    }
    // A sender gets everyone else's edits of the turn, never its own back.
    for (const sender of senders) {
      const others = pending.filter((p) => p.origin !== sender.origin).map((p) => p.update)
      const messages: Uint8Array[] = []
      if (others.length) messages.push(writeUpdateMessage(others.length === 1 ? others[0] : Y.mergeUpdates(others)))
      if (presence) messages.push(presence)
      if (messages.length) sender.sendOutgoing(outgoing(...messages))
    }
  }
}
