/**
 * A room: one Y.Doc, its awareness, and the connections to it.
 *
 * Updates are applied as they arrive, then stored and relayed once per event-loop turn: the turn's
 * updates are merged into one, appended to the log, then sent, framed once, to every connection
 * that did not write in the turn; each writer gets the others' edits of the turn (or, past a few
 * writers, everything). Awareness changes are batched the same way and sent to every connection,
 * the sender included (clients drop a socket that stays silent for 30 s). Each connection gets
 * its share of the turn in one write.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import { LOAD } from '../../shared/origins'
import { CLOSE } from '../../shared/errors'
import { Access } from '../../shared/permissions'
import {
  MessageType,
  SyncType,
  readAwarenessUpdate,
  writeAwarenessMessage,
  writeUpdateMessage,
} from '../../shared/protocol'
import { PresenceStates } from './presenceStates'
import type { StampedState } from './presenceStates'
import type { RoomStorage } from '../storage/updateLog'
import { MAX_AWARENESS_STATE_BYTES } from '../config'
import type { Connection } from './connection'
import { createCompactor } from './compactor'
import { outgoing } from './frames'
import { JoinStateCache } from './joinState'
import type { JoinState } from './joinState'
import type { Compactor } from './compactor'

/** Where a room reports what it cannot handle itself. */
export interface RoomLog {
  warn(message: string, detail?: Record<string, unknown>): void
  error(message: string, err: unknown, detail?: Record<string, unknown>): void
}

interface Pending {
  update: Uint8Array
  origin: unknown
}

/** What a room tells its owner. */
export interface RoomHooks {
  /** After a turn's document changes were stored and relayed. */
  onChange?: () => void
  /** After a compaction stored the whole document in a snapshot. */
  onStored?: () => void
}

/** Above this many originating connections in one turn, everyone gets the whole merged update. */
const MAX_EXCLUSIVE_MERGES = 4

export class Room {
  private readonly ydoc = new Y.Doc({ gc: true })
  readonly awareness = new awarenessProtocol.Awareness(this.ydoc)
  /**
   * The stored state while nobody has needed it as a document: a room loaded from one snapshot
   * keeps the bytes and answers fresh clients with them, and applies them only when it must
   * (a write, a client that already holds part of the document, a server read). Opening a room
   * to read it from a fresh client (a reviewer's first visit, the CLI, a benchmark's cold load)
   * then costs a file read, not a decode and a re-encode of the whole document (issue 4, W3).
   */
  private stored: Uint8Array | null = null
  private storedStateVector: Uint8Array | null = null
  private readonly joinState = new JoinStateCache(() => Y.encodeStateAsUpdate(this.doc))
  private readonly presence = new PresenceStates(this.awareness)
  readonly conns = new Set<Connection>()
  private pending: Pending[] = []
  private pendingAwareness = new Set<number>()
  private flushScheduled = false
  private readonly compactor: Compactor
  destroyed = false
  /** Its stored state could not be decoded: it serves nobody and writes nothing until unloaded. */
  broken = false
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
  ) {
    this.awareness.setLocalState(null)
    this.compactor = createCompactor({
      storage,
      encodeState: () => this.stored ?? Y.encodeStateAsUpdate(this.ydoc),
      onStored: () => {
        try {
          hooks.onStored?.()
        } catch (err) {
          log.error('after storing the room', err, { room: name })
        }
      },
      onError: (err) => log.error('storing the room failed; it stays in memory', err, { room: name }),
    })
    this.ydoc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === LOAD) return
      this.changed = true
      this.pending.push({ update, origin })
      this.scheduleFlush()
    })
    this.awareness.on('update', (change: { added: number[]; updated: number[]; removed: number[] }) => {
      for (const id of change.added) this.pendingAwareness.add(id)
      for (const id of change.updated) this.pendingAwareness.add(id)
      for (const id of change.removed) this.pendingAwareness.add(id)
      this.scheduleFlush()
    })
  }

  /**
   * Reads everything stored. Must complete before the first sync message is answered. A single
   * stored update (a snapshot, as a successful unload leaves on disk) is kept as bytes until needed.
   */
  load(): void {
    const updates = this.storage.load()
    if (updates.length === 0) return
    if (updates.length === 1) {
      this.stored = updates[0]
      return
    }
    // a log survived (a crash, or a compaction that failed): what was saved may be behind it
    this.changed = true
    this.ydoc.transact(() => {
      for (const u of updates) Y.applyUpdate(this.ydoc, u, LOAD)
    }, LOAD)
  }

  /** The document, with everything stored applied. */
  get doc(): Y.Doc {
    if (this.stored) {
      this.assertUsable()
      try {
        Y.applyUpdate(this.ydoc, this.stored, LOAD)
      } catch (err) {
        this.fail(err)
        throw err
      }
      this.stored = null
      this.storedStateVector = null
    }
    return this.ydoc
  }

  /**
   * The stored state turned out undecodable: everyone is sent away (1012, as on a failed load)
   * and the room keeps its bytes, so nothing partial is ever stored over them.
   */
  private fail(err: unknown): void {
    this.broken = true
    this.log.error('decoding a stored room failed; it serves nobody until it is reloaded', err, { room: this.name })
    for (const conn of [...this.conns]) conn.close(CLOSE.restart)
  }

  private assertUsable(): void {
    if (this.broken) throw new Error(`room ${this.name}: its stored state cannot be decoded`)
  }

  /** True while the room holds its stored state as bytes only. */
  get deferred(): boolean {
    return this.stored !== null
  }

  private stateVector(): Uint8Array {
    if (!this.stored) return Y.encodeStateVector(this.ydoc)
    return (this.storedStateVector ??= Y.encodeStateVectorFromUpdate(this.stored))
  }

  /** Adds a connection and opens the sync: our state vector, then everyone's presence. */
  join(conn: Connection): void {
    this.assertUsable()
    let stateVector: Uint8Array
    try {
      stateVector = this.stateVector()
    } catch (err) {
      this.fail(err)
      throw err
    }
    this.conns.add(conn)
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.sync)
    encoding.writeVarUint(enc, SyncType.step1)
    encoding.writeVarUint8Array(enc, stateVector)
    conn.send(encoding.toUint8Array(enc))
    if (this.awareness.getStates().size > 0) conn.send(writeAwarenessMessage(this.presence.encodeAll()))
  }

  /** Removes a connection and its presence. */
  leave(conn: Connection): void {
    if (!this.conns.delete(conn)) return
    if (conn.clientId !== null && this.awareness.getStates().has(conn.clientId)) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [conn.clientId], null)
    }
  }

  /**
   * Handles one frame. Never throws: a frame that cannot be decoded or applied closes that
   * connection alone (4400), and the room goes on serving the others.
   */
  receive(conn: Connection, bytes: Uint8Array): void {
    if (conn.closed || this.destroyed || this.broken) return
    try {
      const dec = decoding.createDecoder(bytes)
      const type = decoding.readVarUint(dec)
      switch (type) {
        case MessageType.sync:
          return this.receiveSync(conn, dec)
        case MessageType.awareness:
          return this.receiveAwareness(conn, decoding.readVarUint8Array(dec))
        case MessageType.queryAwareness:
          return conn.send(writeAwarenessMessage(this.presence.encodeAll()))
        case MessageType.auth:
          return // clients have nothing to say on this channel
        default:
          throw new RangeError(`unknown message type ${type}`)
      }
    } catch (err) {
      this.log.warn('closing a connection after a bad message', {
        room: this.name,
        user: conn.user.id,
        error: (err as Error).message,
      })
      conn.close(CLOSE.badMessage)
    }
  }

  private receiveSync(conn: Connection, dec: decoding.Decoder): void {
    const syncType = decoding.readVarUint(dec)
    if (syncType === SyncType.step1) {
      // Everything in the doc must be stored before we hand it out (y-websocket#81 spirit).
      if (this.pending.length) this.flush()
      const { state, since } = this.missingFrom(decoding.readVarUint8Array(dec))
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, MessageType.sync)
      encoding.writeVarUint(enc, SyncType.step2)
      encoding.writeVarUint8Array(enc, state)
      conn.send(encoding.toUint8Array(enc))
      if (since) conn.send(writeUpdateMessage(since))
      return
    }
    if (syncType !== SyncType.step2 && syncType !== SyncType.update) {
      throw new RangeError(`unknown sync message type ${syncType}`)
    }
    // Read-only: drop writes before decoding them; never applied, stored or relayed.
    if (conn.access !== Access.write) return
    const update = decoding.readVarUint8Array(dec)
    // A fresh client's answer to our step 1 is the empty update: nothing to apply.
    if (update.length === 2 && update[0] === 0 && update[1] === 0) return
    Y.applyUpdate(this.doc, update, conn.origin)
  }

  /**
   * What a client with `stateVector` lacks. One that holds nothing yet gets the stored bytes as
   * they are, or the document as encoded for the joiners before it plus what changed since.
   */
  private missingFrom(stateVector: Uint8Array): JoinState {
    const holdsNothing = stateVector.length === 1 && stateVector[0] === 0
    if (!holdsNothing) return { state: Y.encodeStateAsUpdate(this.doc, stateVector), since: null }
    if (this.stored) return { state: this.stored, since: null }
    return this.joinState.get()
  }

  private receiveAwareness(conn: Connection, update: Uint8Array): void {
    const accepted: StampedState[] = []
    for (const entry of readAwarenessUpdate(update)) {
      if (conn.clientId === null) {
        const taken = [...this.conns].some((c) => c !== conn && c.clientId === entry.clientID)
        if (taken) continue
        conn.clientId = entry.clientID
      }
      // One clientID per connection: a connection cannot speak for another client.
      if (entry.clientID !== conn.clientId) continue
      if (entry.state === 'null') {
        accepted.push({ clientID: entry.clientID, clock: entry.clock, state: null, json: 'null' })
        continue
      }
      if (entry.state.length > MAX_AWARENESS_STATE_BYTES) continue
      const state: unknown = JSON.parse(entry.state)
      if (state === null || typeof state !== 'object' || Array.isArray(state)) continue
      // The server, not the client, says who this is.
      const stamped = state as Record<string, unknown>
      stamped.user = conn.presence
      accepted.push({ clientID: entry.clientID, clock: entry.clock, state: stamped, json: JSON.stringify(stamped) })
    }
    if (accepted.length) this.presence.apply(accepted, conn.origin)
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => this.flush())
  }

  /**
   * Stores, then relays, everything that changed since the last flush: the turn's document
   * updates merged into one and appended to the log, and the turn's presence changes. Each
   * connection gets its share in one write, framed once for the whole room.
   */
  flush(): void {
    this.flushScheduled = false
    if (this.destroyed) return
    const pending = this.pending
    this.pending = []
    let awareness: Uint8Array | null = null
    if (this.pendingAwareness.size) {
      awareness = writeAwarenessMessage(this.presence.encode(this.pendingAwareness))
      this.pendingAwareness.clear()
    }
    if (pending.length) {
      this.relayUpdates(pending, awareness)
      this.hooks.onChange?.()
    } else if (awareness) {
      const out = outgoing(awareness)
      for (const conn of this.conns) conn.sendOutgoing(out)
    }
  }

  /** Stores the turn's updates, then sends them (with the turn's presence) to every connection. */
  private relayUpdates(pending: Pending[], awareness: Uint8Array | null): void {
    const merged = pending.length === 1 ? pending[0].update : Y.mergeUpdates(pending.map((p) => p.update))
    try {
      this.storage.append(merged)
    } catch (err) {
      this.log.error('appending to the update log failed; a snapshot will be retried', err, {
        room: this.name,
      })
      this.compactor.requestNow()
    }
    this.compactor.noteAppend()
    this.joinState.add(merged)
    const message = writeUpdateMessage(merged)
    const common = awareness ? outgoing(message, awareness) : outgoing(message)
    const origins = new Set(pending.map((p) => p.origin))
    const senders = [...this.conns].filter((c) => origins.has(c.origin))
    if (senders.length === 0 || senders.length > MAX_EXCLUSIVE_MERGES) {
      // The server's own write, or so many writers that echoing their own edits is cheaper.
      for (const conn of this.conns) conn.sendOutgoing(common)
      return
    }
    for (const conn of this.conns) {
      if (!senders.includes(conn)) conn.sendOutgoing(common)
    }
    // A sender gets everyone else's edits of the turn, never its own back.
    for (const sender of senders) {
      const others = pending.filter((p) => p.origin !== sender.origin).map((p) => p.update)
      const messages: Uint8Array[] = []
      if (others.length) messages.push(writeUpdateMessage(others.length === 1 ? others[0] : Y.mergeUpdates(others)))
      if (awareness) messages.push(awareness)
      if (messages.length) sender.sendOutgoing(outgoing(...messages))
    }
  }

  /** True when nothing waits to be relayed or stored. */
  get idle(): boolean {
    return this.pending.length === 0 && !this.flushScheduled && this.compactor.idle
  }

  /** Flushes, compacts what the log holds, and frees the document. */
  async unload(): Promise<void> {
    if (this.pending.length || this.flushScheduled) this.flush()
    await this.compactor.finish()
    this.destroyed = true
    this.storage.close()
    this.awareness.destroy()
    this.stored = null
    this.joinState.clear()
    this.ydoc.destroy()
  }
}
