/**
 * A room: one document, its presence and the connections to it. The parts live beside it, each
 * named for its concern: incoming.ts (decoding and access), roomDoc.ts (lazy stored state and
 * joins), roomWrites.ts with updateIntegrity.ts and clientOwners.ts (what a writer may apply), roomPresence.ts
 * (presence), syncAnswers.ts (one answer in flight per connection), turnFlush.ts (the turn's
 * flush: store, then relay) and compactor.ts (snapshots).
 */
import * as Y from 'yjs'
import { applyAwarenessUpdate } from 'y-protocols/awareness'
import { LOAD } from '../../shared/origins'
import { andThen } from '../storage/maybeAsync'
import { CLOSE } from '../../shared/errors'
import { writeAwarenessMessage } from '../../shared/protocol'
import type { RoomStorage } from '../storage/updateLog'
import type { Connection } from './connection'
import { createCompactor } from './compactor'
import type { Compactor } from './compactor'
import { FrameError, readIncoming } from './incoming'
import { RoomDoc } from './roomDoc'
import { RoomPresence } from './roomPresence'
import { TurnFlush } from './turnFlush'
import { ClientOwners } from './clientOwners'
import { MemoryOwnerStore } from '../storage/ownerStore'
import type { OwnerStore } from '../storage/ownerStore'
import { WORKSPACE_TEXTS } from './updateIntegrity'
import { parseRoomName } from '../../shared/roomNames'
import { SyncAnswers } from './syncAnswers'
import { staticRulesFor } from './writeRules'
import type { WriteRules } from './writeRules'
import { syncActivity } from './roomActivity'
import type { RoomActivity } from './roomActivity'
import { RefusedDeletes } from './refusedWrites'
import { RoomWrites } from './roomWrites'

/** The most bytes of updates one append to a shared log carries (turnFlush.ts says why). */
const MAX_SHARED_APPEND_BYTES = 1024 * 1024
/** An update another instance committed to the shared log: relayed, never stored again. */
const COMMITTED = Object.freeze({ source: 'committed' as const })
/** Where a room reports what it cannot handle itself. */
export interface RoomLog {
  warn(message: string, detail?: Record<string, unknown>): void
  error(message: string, err: unknown, detail?: Record<string, unknown>): void
}

/**
 * What a room tells its owner. Every hook gets the room last, so one hooks object serves every
 * room of a server (rooms.ts) instead of a set of closures per room.
 */
export interface RoomHooks {
  /** After a turn's document changes were stored and relayed. */
  onChange?: (room: Room) => void
  /** After a compaction stored the whole document in a snapshot. */
  onStored?: (room: Room) => void
  /** A store failed (the room is degraded until one succeeds). */
  onStoreFailed?: (err: unknown, room: Room) => void
  /** A store succeeded. */
  onStoreOk?: (room: Room) => void
  /**
   * An append failed: the room closed its connections (1012) and must be dropped without being
   * stored, so the next join reloads it from what storage holds.
   */
  onReset?: (room: Room) => void
  /**
   * What a frame said of its sender's activity (roomActivity.ts), for time on task: the room has
   * decoded the frame, so nothing else reads the wire. Its errors are logged, never the sender's.
   */
  onActivity?: (conn: Connection, activity: RoomActivity, room: Room) => void
}

/** Runs a room's turn flush once the current event-loop turn is over; tests pass their own trigger. */
export type TurnScheduler = (flush: () => void) => void

/** The reason a read-only writer is given, once per connection. */

/**
 * One loaded room. Its invariants: nothing is answered before the room is loaded; nothing is
 * applied that fails the integrity check; nothing is relayed before it is stored; a connection
 * speaks only for its own presence.
 */
export class Room {
  readonly conns = new Set<Connection>()
  private readonly state: RoomDoc
  private readonly presence: RoomPresence
  private readonly owners: ClientOwners
  private readonly turn: TurnFlush
  private readonly compactor: Compactor
  private readonly answers: SyncAnswers
  /** What a writer may change here beyond write access (writeRules.ts); null: anything. */
  private readonly rules: WriteRules | null
  /** Judges and applies writers' updates; made on the first write (most rooms are only read). */
  private writes: RoomWrites | null = null
  destroyed = false
  /** A failed append reset it: it serves nobody and stores nothing more. */
  discarded = false
  /**
   * The document may hold more than what was last saved from it (progress, see LiveHub): someone
   * changed it since it was loaded, or it was loaded from a log that was never compacted.
   */
  changed = false

  constructor(
    readonly name: string,
    private readonly storage: RoomStorage,
    private readonly log: RoomLog,
    private readonly hooks: RoomHooks = {},
    ownerStore: OwnerStore = new MemoryOwnerStore(),
    rules?: WriteRules | null,
    /** Deletes refused to each user; pass one that outlives the room (RefusedDeletesByRoom). */
    private readonly refusedDeletes: RefusedDeletes = new RefusedDeletes(),
    /** When the turn's flush runs: after the current event-loop turn (setImmediate) unless given. */
    scheduleTurn?: TurnScheduler,
  ) {
    this.rules = rules === undefined ? staticRulesFor(parseRoomName(name)) : rules
    // Bound methods, not arrow functions: a loaded room keeps each of these for its whole life.
    this.state = new RoomDoc(this.onUndecodable.bind(this))
    // A shared store keeps the owners itself: its claims commit with the append that writes with them.
    this.owners = new ClientOwners(storage.ownerStore ?? ownerStore)
    this.presence = new RoomPresence(this.state.ydoc, this.owners)
    this.compactor = createCompactor({
      storage,
      encodeState: this.state.encodeState.bind(this.state),
      onStored: this.afterCompaction.bind(this),
      onError: this.onCompactionFailed.bind(this),
    })
    this.turn = new TurnFlush({
      conns: this.conns,
      store: storage.append.bind(storage),
      afterStore: this.afterStore.bind(this),
      afterRelay: this.afterRelay.bind(this),
      onStoreFailed: this.resetAfterFailedStore.bind(this),
      encodePresence: this.presence.encode.bind(this.presence),
      schedule: scheduleTurn,
      ...(storage.follow ? { maxAppendBytes: MAX_SHARED_APPEND_BYTES } : {}),
    })
    // Everything in the doc is stored before it is handed out (y-websocket#81 spirit).
    this.answers = new SyncAnswers(this.answerFor.bind(this), this.canAnswer.bind(this), this.onAnswerFailed.bind(this))
    this.state.ydoc.on('update', this.onDocUpdate.bind(this))
    this.presence.awareness.on('update', this.onPresenceUpdate.bind(this))
  }

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === LOAD) return
    this.changed = true
    if (origin === COMMITTED) {
      // Another instance stored it: relayed here, never stored again.
      this.state.noteStored(update)
      this.turn.addCommitted(update)
      return
    }
    this.turn.addUpdate(update, origin)
  }

  /** Applies another instance's presence update (it checked who speaks for whom). */
  private applyRemotePresence(update: Uint8Array): void {
    if (this.destroyed || this.discarded) return
    try {
      applyAwarenessUpdate(this.presence.awareness, update, COMMITTED)
    } catch (err) {
      this.log.error('applying presence from another instance failed', err, { room: this.name })
    }
  }

  /** Tells the other instances the presence of this instance's own connections (never relayed states). */
  private answerPresenceQuery(): void {
    if (this.destroyed || this.discarded || !this.storage.publishPresence) return
    const own = this.presence.ownIds()
    if (own.length) this.storage.publishPresence(this.presence.encode(own))
  }

  /** Applies an update another instance committed to this room's log (a shared store's `follow`). */
  private applyCommitted(update: Uint8Array): void {
    if (this.destroyed || this.discarded || this.broken) return
    try {
      Y.applyUpdate(this.state.doc, update, COMMITTED)
    } catch (err) {
      this.log.error('applying an update another instance stored failed', err, { room: this.name })
    }
  }

  private onPresenceUpdate(change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void {
    const ids = [...change.added, ...change.updated, ...change.removed]
    this.turn.addPresence(ids)
    // What this instance's connections said (or their leaving) goes to the other instances; not
    // what came from them, and not states the awareness timed out (each instance does that).
    if (this.storage.publishPresence && origin !== COMMITTED && origin !== 'timeout') {
      this.storage.publishPresence(this.presence.encode(ids))
    }
  }

  private afterCompaction(): void {
    this.hooks.onStoreOk?.(this)
    try {
      this.hooks.onStored?.(this)
    } catch (err) {
      this.log.error('after storing the room', err, { room: this.name })
    }
  }

  private onCompactionFailed(err: unknown): void {
    this.log.error('storing the room failed; it stays in memory', err, { room: this.name })
    this.hooks.onStoreFailed?.(err, this)
  }

  private afterStore(update: Uint8Array): void {
    this.compactor.noteAppend()
    this.state.noteStored(update)
    this.hooks.onStoreOk?.(this)
  }

  private afterRelay(): void {
    try {
      this.hooks.onChange?.(this)
    } catch (err) {
      this.log.error('after relaying a change', err, { room: this.name })
    }
  }

  /** What answers a state vector, once everything in the doc is stored; null: nothing now. */
  private answerFor(stateVector: Uint8Array, conn: Connection): Uint8Array[] | null {
    if (this.turn.hasUpdates && !this.turn.flush()) return null
    // A shared store's append still in flight: answer once it committed.
    if (this.turn.busy) {
      this.answerWhenStored(conn, stateVector)
      return null
    }
    return this.state.answer(stateVector)
  }

  /** Whether `conn` is still here to be answered. */
  private canAnswer(conn: Connection): boolean {
    return !conn.closed && this.conns.has(conn) && !this.discarded
  }

  /** An answer could not be made; the connection is closed. */
  private onAnswerFailed(conn: Connection, err: unknown): void {
    this.log.warn('closing a connection after a failed sync answer', { room: this.name, user: conn.user.id, error: (err as Error).message })
    conn.close(CLOSE.badMessage)
  }

  /**
   * Reads everything stored (at once from files, later from a shared store). Must complete before
   * the first sync message is answered.
   */
  load(): void | Promise<void> {
    return andThen(this.storage.load(), (updates) => {
      if (this.state.load(updates)) this.changed = true
      this.storage.follow?.({
        committed: this.applyCommitted.bind(this),
        presence: this.applyRemotePresence.bind(this),
        presenceQuery: this.answerPresenceQuery.bind(this),
      })
    })
  }

  /** Its storage is shared with other instances (a database, not files). */
  get shared(): boolean {
    return this.storage.follow !== undefined
  }

  /** The document, with everything stored applied. */
  get doc(): Y.Doc {
    return this.state.doc
  }

  get awareness() {
    return this.presence.awareness
  }

  /** Its stored state could not be decoded: it serves nobody and writes nothing until unloaded. */
  get broken(): boolean {
    return this.state.broken
  }

  /** True while the room holds its stored state as bytes only. */
  get deferred(): boolean {
    return this.state.deferred
  }

  /** Adds a connection and opens the sync: our state vector, then everyone's presence. */
  join(conn: Connection): void {
    if (this.discarded) throw new Error(`room ${this.name} was reset after a failed store`)
    const step1 = this.state.writeStep1()
    this.conns.add(conn)
    conn.send(step1)
    const everyone = this.presence.encodeAll()
    if (everyone) conn.send(writeAwarenessMessage(everyone))
  }

  /** Removes a connection and releases its presence. */
  leave(conn: Connection): void {
    if (!this.conns.delete(conn)) return
    this.presence.leave(conn)
  }

  /**
   * Handles one frame. Never throws: a frame that cannot be decoded or applied closes that
   * connection alone (4400, or 4413 for an oversized state vector), and the room goes on serving
   * the others.
   */
  receive(conn: Connection, bytes: Uint8Array): void {
    if (conn.closed || this.destroyed || this.discarded || this.broken) return
    try {
      const message = readIncoming(bytes, conn.access)
      const activity = syncActivity(message)
      if (activity) this.noteActivity(conn, activity)
      switch (message.kind) {
        case 'syncStep1':
          return this.answerWhenStored(conn, message.stateVector)
        case 'update':
          this.judge().apply(conn, message.update, message.resync)
          if (message.resync) conn.answeredStep1 = true
          return
        case 'denied':
          // Never applied; the connection tells its client once why (LiveAccess's reason).
          conn.refuseWrite()
          if (message.resync) conn.answeredStep1 = true
          return this.judge().seal(conn, message.update, null)
        case 'awareness': {
          const presence = this.presence.receive(conn, message.update)
          if (presence) this.noteActivity(conn, presence)
          return
        }
        case 'queryAwareness':
          return conn.send(writeAwarenessMessage(this.presence.encode(this.awareness.getStates().keys())))
        case 'nothing':
          if (message.step2) conn.answeredStep1 = true
          return
      }
    } catch (err) {
      const close = err instanceof FrameError ? err.close : CLOSE.badMessage
      this.log.warn('closing a connection after a bad message', {
        room: this.name,
        user: conn.user.id,
        code: close.code,
        error: (err as Error).message,
      })
      conn.close(close)
    }
  }

  /**
   * Answers a state vector from a document whose every change is stored: at once when nothing is
   * in flight (the file store always), else once the append in flight committed.
   */
  private answerWhenStored(conn: Connection, stateVector: Uint8Array): void {
    if (!this.turn.busy) return this.answers.request(conn, stateVector)
    void this.turn.settled().then((ok) => {
      if (ok && this.canAnswer(conn)) this.answerWhenStored(conn, stateVector)
    })
  }

  private noteActivity(conn: Connection, activity: RoomActivity): void {
    if (!this.hooks.onActivity) return
    try {
      this.hooks.onActivity(conn, activity, this)
    } catch (err) {
      this.log.error('noting activity failed', err, { room: this.name, user: conn.user.id })
    }
  }

  private judge(): RoomWrites {
    return (this.writes ??= new RoomWrites({
      room: this.name,
      doc: () => this.state.doc,
      owners: this.owners,
      rules: this.rules,
      texts: parseRoomName(this.name)?.kind === 'workspace' ? WORKSPACE_TEXTS : null,
      refusedDeletes: this.refusedDeletes,
      log: this.log,
      onOwnersFailed: (err) => this.hooks.onStoreFailed?.(err, this),
    }))
  }

  /**
   * The stored state turned out undecodable: everyone is sent away (1012, as on a failed load)
   * and the room keeps its bytes, so nothing partial is ever stored over them.
   */
  private onUndecodable(err: unknown): void {
    this.log.error('decoding a stored room failed; it serves nobody until it is reloaded', err, { room: this.name })
    for (const conn of [...this.conns]) conn.close(CLOSE.restart)
  }

  /**
   * An append failed, so the document holds updates that storage does not: nothing of the turn
   * was relayed, and the document must serve no one. Every connection is closed with 1012 (stock
   * clients reconnect and resend their edits) and the owner drops the room without storing it.
   */
  private resetAfterFailedStore(err: unknown): void {
    this.log.error('storing a turn failed; nothing of it was relayed and the room reloads from storage', err, {
      room: this.name,
    })
    this.discarded = true
    this.turn.stop()
    this.compactor.stop()
    this.hooks.onStoreFailed?.(err, this)
    for (const conn of [...this.conns]) conn.close(CLOSE.restart)
    this.hooks.onReset?.(this)
  }

  /**
   * Stores and relays what this turn changed now. Returns false when storing failed (the room is
   * then reset, see resetAfterFailedStore).
   */
  flush(): boolean {
    return this.turn.flush()
  }

  /**
   * Everything stored so far, on any instance, applied and relayed here: what this instance
   * applied is stored, and what others committed is read from the log.
   */
  async catchUp(): Promise<void> {
    if (!(await this.turn.settled()) && this.discarded) throw new Error(`room ${this.name} was reset after a failed store`)
    await this.storage.catchUp?.()
    this.turn.flush()
  }

  /** Resolves once everything applied is stored and relayed (true), or a store failed (false). */
  settled(): Promise<boolean> {
    return this.turn.settled()
  }

  /** True when nothing waits to be relayed or stored. */
  get idle(): boolean {
    return this.turn.idle && this.compactor.idle
  }

  /** Flushes, compacts what the log holds, and frees the document. */
  async unload(): Promise<void> {
    if (!this.turn.idle) await this.turn.settled()
    if (!this.discarded) await this.compactor.finish()
    this.discard()
  }

  /** Frees the document without storing anything (after a reset, or at the end of an unload). */
  discard(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.turn.stop()
    this.compactor.stop()
    this.storage.close()
    this.presence.destroy()
    this.state.destroy()
  }
}
