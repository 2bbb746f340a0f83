/**
 * The loaded rooms. Concurrent joins share one load (a `Map<name, Promise<Room>>`); a room is
 * loaded completely before anyone joins it; it unloads after `idleMs` with no connections and
 * nothing pending; a join that arrives during an unload waits for it, then loads afresh. A room
 * whose append failed is dropped at once without being stored, and reloads on the next join; the
 * rooms whose storage failed are listed by `degraded()` until a store of theirs succeeds.
 */
import * as Y from 'yjs'
import { CLOSE } from '../../shared/errors'
import { SERVER } from '../../shared/origins'
import type { RoomStorage } from '../storage/updateLog'
import type { Connection } from './connection'
import { Room } from './room'
import type { RoomHooks, RoomLog } from './room'
import type { RoomActivity } from './roomActivity'
import type { OwnerStore } from '../storage/ownerStore'
import type { WriteRules } from './writeRules'
import { unloads } from './turnQueue'
import { RefusedDeletesByRoom } from './refusedWrites'

export interface RoomsOptions {
  storageFor(name: string): RoomStorage
  /** The room's client-id owner record (clientOwners.ts); in memory for the room's life if absent. */
  ownersFor?(name: string): OwnerStore
  /** The room's write rules (writeRules.ts); the built-in ones of its kind when absent or undefined. */
  rulesFor?(name: string): WriteRules | null | undefined
  /** How long an empty room stays loaded; Infinity keeps rooms forever (memory storage). */
  idleMs: number
  log: RoomLog
  /** Called after a turn's document changes in a room were stored and relayed. */
  onChange?: (room: Room) => void
  /** Called after a room's whole document was stored in a snapshot. */
  onStored?: (room: Room) => void
  /** What a frame said of its sender's activity (roomActivity.ts), for time on task. */
  onActivity?: (room: Room, conn: Connection, activity: RoomActivity) => void
  /** Called after a connection joins or leaves a room. */
  onPresence?: (room: Room) => void
  /** Called before a room's document is freed, to save what is derived from it. */
  beforeUnload?: (room: Room) => Promise<void> | void
}

/** A room whose storage failed, as `/api/health` shows it. */
export interface DegradedRoom {
  room: string
  error: string
  since: string
}

export class Rooms {
  private readonly rooms = new Map<string, Promise<Room>>()
  /** Rooms whose load has finished, for synchronous reads (presence, live progress). */
  private readonly ready = new Map<string, Room>()
  private readonly unloading = new Map<string, Promise<void>>()
  /** What each room refused to delete, per user: kept across unloads (refusedWrites.ts). */
  private readonly refusedDeletes = new RefusedDeletesByRoom()
  private readonly idleTimers = new Map<string, NodeJS.Timeout>()
  private closing = false
  private readonly failures = new Map<string, DegradedRoom>()
  /** The error of each failing room's last failed store, rethrown to server writes. */
  private readonly lastErrors = new Map<string, unknown>()

  /** What every room tells the rooms: one object for all of them, each hook told which room. */
  private readonly roomHooks: RoomHooks = {
    onChange: (room) => this.options.onChange?.(room),
    onStored: (room) => this.options.onStored?.(room),
    onStoreFailed: (err, room) => this.noteFailure(room.name, err),
    onStoreOk: (room) => {
      if (this.failures.size) {
        this.failures.delete(room.name)
        this.lastErrors.delete(room.name)
      }
    },
    onReset: (room) => this.drop(room),
    onActivity: (conn, activity, room) => this.options.onActivity?.(room, conn, activity),
  }

  constructor(private readonly options: RoomsOptions) {}

  /** The loaded room, loading it first if needed. */
  async open(name: string): Promise<Room> {
    const existing = this.rooms.get(name)
    if (existing) return existing
    this.refuseWhenClosing(name)
    const wait = this.unloading.get(name)
    if (wait) await wait
    const again = this.rooms.get(name)
    if (again) return again
    this.refuseWhenClosing(name)
    const loading = (async () => {
      const room: Room = new Room(
        name,
        this.options.storageFor(name),
        this.options.log,
        this.roomHooks,
        this.options.ownersFor?.(name),
        this.options.rulesFor?.(name),
        this.refusedDeletes.forRoom(name),
      )
      try {
        await room.load()
      } catch (err) {
        room.discard() // its compactor and presence must not outlive a load that failed
        throw err
      }
      // A shared store that answers a load works again: its failed append may even have been
      // committed (lost only its answer), and then no later store would ever clear the failure.
      if (room.shared) this.roomHooks.onStoreOk?.(room)
      this.ready.set(name, room)
      return room
    })()
    this.rooms.set(name, loading)
    loading.catch(() => this.rooms.delete(name))
    const room = await loading
    this.scheduleIdleCheck(room)
    return room
  }

  /** Joins a connection to a room; the room stays loaded while it has connections. */
  async join(name: string, conn: Connection): Promise<Room> {
    const room = await this.open(name)
    this.cancelIdle(name)
    try {
      room.join(conn)
    } catch (err) {
      this.scheduleIdleCheck(room)
      throw err
    }
    this.options.onPresence?.(room)
    return room
  }

  leave(room: Room, conn: Connection): void {
    room.leave(conn)
    // a room dropped after a failed store: its name may belong to a fresh room by now
    if (room.discarded) return
    this.options.onPresence?.(room)
    this.scheduleIdleCheck(room)
  }

  /**
   * After closeAll began, no room is loaded again: closeAll would never store or destroy it, and
   * its presence timer would keep the process alive (a workflow write racing a shutdown did).
   */
  private refuseWhenClosing(name: string): void {
    if (this.closing) throw new Error(`the server is shutting down; ${name} is not loaded again`)
  }

  /** The room if it is loaded, without loading it. */
  peek(name: string): Room | undefined {
    return this.ready.get(name)
  }

  /**
   * A document to read room `name` from without loading the room: the loaded room's own (read
   * it, never write it), else one built from what storage holds, with nothing written and nothing
   * kept, not even a seed. Files that need the repair only a load makes are read by loading.
   */
  async readDoc(name: string): Promise<Y.Doc> {
    const loading = this.rooms.get(name)
    if (loading) return (await loading).doc
    const storage = this.options.storageFor(name)
    let stored
    try {
      stored = await storage.peek()
    } finally {
      storage.close()
    }
    if (!stored) return (await this.open(name)).doc
    const doc = new Y.Doc({ gc: true })
    if (stored.updates.length) Y.applyUpdate(doc, Y.mergeUpdates(stored.updates), SERVER)
    return doc
  }

  /**
   * Runs a server write (meta, seeding) in a room, loading it if needed, and stores it before
   * returning: throws when the append fails (the write is then relayed to no one, and the room
   * reloads from storage without it).
   */
  async transact(name: string, fn: (doc: Y.Doc) => void): Promise<void> {
    const room = await this.open(name)
    room.doc.transact(() => fn(room.doc), SERVER)
    // A failed store answers like any other failed write (507 on a full disk): nothing was kept.
    if (!(await room.settled())) throw this.lastErrors.get(name) ?? new Error(`storing a write to ${name} failed`)
    this.scheduleIdleCheck(room)
  }

  /** The loaded room `name` made current with everything stored on any instance (a no-op with files). */
  async catchUp(name: string): Promise<void> {
    const loading = this.rooms.get(name)
    if (loading) await (await loading).catchUp()
  }

  /** Rooms whose last store failed, with the error: the server is degraded while any are listed. */
  degraded(): DegradedRoom[] {
    return [...this.failures.values()]
  }

  private noteFailure(name: string, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err)
    const since = this.failures.get(name)?.since ?? new Date().toISOString()
    this.failures.set(name, { room: name, error, since })
    this.lastErrors.set(name, err)
  }

  /** Forgets a room at once, storing nothing: its next join loads what storage holds. */
  private drop(room: Room): void {
    if (this.ready.get(room.name) === room) {
      this.rooms.delete(room.name)
      this.ready.delete(room.name)
      this.cancelIdle(room.name)
    }
    room.discard()
    // A dropped shared room holds nothing unstored and reloads from the database when joined;
    // while the database is away, health says so itself (its probe), not through this room.
    if (room.shared) this.failures.delete(room.name)
    this.options.onPresence?.(room)
  }

  /** Every loaded room; for metrics and permission changes. */
  async loaded(): Promise<Room[]> {
    return Promise.all(this.rooms.values())
  }

  get size(): number {
    return this.rooms.size
  }

  /** Rooms whose unload (saving progress, the last snapshot) has begun and not yet finished. */
  get unloadingCount(): number {
    return this.unloading.size
  }

  private cancelIdle(name: string): void {
    const t = this.idleTimers.get(name)
    if (t) clearTimeout(t)
    this.idleTimers.delete(name)
  }

  private scheduleIdleCheck(room: Room): void {
    if (room.conns.size > 0 || this.closing || !Number.isFinite(this.options.idleMs)) return
    this.cancelIdle(room.name)
    const timer = setTimeout(() => {
      this.idleTimers.delete(room.name)
      // Rooms left by the same batch of disconnects fall due together: unload one per turn.
      void unloads.run(() => {
        // gone, joined again, or left again since (a newer timer owns it now)
        if (this.ready.get(room.name) !== room || room.conns.size > 0 || this.closing) return
        if (this.idleTimers.has(room.name)) return
        if (!room.idle) return this.scheduleIdleCheck(room)
        void this.unload(room)
      })
    }, this.options.idleMs)
    timer.unref()
    this.idleTimers.set(room.name, timer)
  }

  private async unload(room: Room): Promise<void> {
    if (this.rooms.get(room.name) === undefined) return
    this.rooms.delete(room.name)
    this.ready.delete(room.name)
    const done = Promise.resolve()
      .then(() => this.options.beforeUnload?.(room))
      .catch((err) => this.options.log.error('saving before unload failed', err, { room: room.name }))
      .then(() => room.unload())
      .catch((err) => this.options.log.error('unloading failed', err, { room: room.name }))
    this.unloading.set(room.name, done)
    await done
    this.unloading.delete(room.name)
  }

  /**
   * Shutdown: closes every connection with 1012 (clients retry elsewhere or later), then stores
   * every room. Nothing is dropped: frames already received were applied and are flushed here.
   */
  async closeAll(): Promise<void> {
    this.closing = true
    for (const t of this.idleTimers.values()) clearTimeout(t)
    this.idleTimers.clear()
    const rooms = await Promise.allSettled(this.rooms.values())
    // Each room's last commit first, then its sockets close: a client reconnecting elsewhere
    // finds every edit it sent.
    await Promise.all(
      rooms.map(async (r) => {
        if (r.status !== 'fulfilled') return
        await r.value.settled()
        for (const conn of [...r.value.conns]) conn.close(CLOSE.restart)
      }),
    )
    await Promise.all(
      rooms.map(async (r) => {
        if (r.status === 'fulfilled') await this.unload(r.value)
      }),
    )
    await Promise.all(this.unloading.values())
  }
}
