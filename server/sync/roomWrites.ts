/**
 * What a room does with a writer's update: the integrity check (the plain-edit fast path first),
 * the room's write rules, the client-id claims, then applying it; and for a refused write, the
 * seal that keeps it from ever landing later. Made by the room on its first write.
 */
import * as Y from 'yjs'
import { CLOSE } from '../../shared/errors'
import { REFUSED_PREFIX } from '../../shared/refusals'
import type { Connection } from './connection'
import type { ClientOwners } from './clientOwners'
import { MAX_CLIENT_IDS_PER_CONNECTION } from './clientOwners'
import { checkUpdate, dropPending } from './updateIntegrity'
import type { TextSchema } from './updateIntegrity'
import { SERVER_ROOTS, workspaceRules } from './writeRules'
import type { WriteRules } from './writeRules'
import { UpdateView } from './updateView'
import { checkPlainEdit } from './plainEdit'
import { encodeSeal, liveDeletes, unheldRanges } from './refusedWrites'
import type { RefusedDeletes } from './refusedWrites'

/** The workspace roots only the server writes, for the plain-edit fast path. */
const SERVER_ROOT_SET: ReadonlySet<string> = new Set(SERVER_ROOTS)
/** The server sealing what a room refused (refusedWrites.ts): relayed to everyone, its writer included. */
const SEAL = Object.freeze({ source: 'seal' as const })

/** Where refusals are reported (the room's log). */
export interface WritesLog {
  warn(message: string, detail?: Record<string, unknown>): void
  error(message: string, err: unknown, detail?: Record<string, unknown>): void
}

export interface RoomWritesDeps {
  room: string
  /** The room's document (decoded on first use). */
  doc(): Y.Doc
  owners: ClientOwners
  /** What a writer may change beyond write access; null: anything. */
  rules: WriteRules | null
  /** The room's texts, which hold nothing but text (the workspace's; other rooms have none). */
  texts: TextSchema | null
  /** Deletes refused to each user, kept across unloads. */
  refusedDeletes: RefusedDeletes
  log: WritesLog
  /** Recording client-id owners failed (the room's store is failing). */
  onOwnersFailed(err: unknown): void
}

export class RoomWrites {
  /** The client ids each connection has written structs for. */
  private readonly writers = new WeakMap<Connection, Set<number>>()

  constructor(private readonly deps: RoomWritesDeps) {}

  /**
   * Applies a writer's update once it passed the integrity check: never a gap, a missing
   * dependency or a delete past what the room holds, never structs for another user's client id,
   * never anything but text inside a workspace text.
   * A refused update is not applied, stored or relayed; its sender is closed with 4400. An update
   * the room's write rules refuse is dropped the same way, and its sender is told why (auth
   * message) and stays connected: its client loads the room afresh.
   */
  apply(conn: Connection, update: Uint8Array, resync = false): void {
    const doc = this.deps.doc()
    // A plain keystroke (strings and deletes) skips the full decode when the fast path can tell
    // the full path would accept it; a sync step 2 may replay refused deletes: full path.
    const plain = !resync && this.deps.rules === workspaceRules ? checkPlainEdit(update, doc, this.deps.owners, conn.user.id, SERVER_ROOT_SET) : null
    if (plain) return this.commit(conn, update, plain, null)
    const verdict = checkUpdate(update, doc, (client) => this.deps.owners.mayWrite(client, conn.user.id), this.deps.texts)
    if (!verdict.ok) {
      // An edit sent before the client answered our step 1 may build on its offline edits, which
      // that answer carries: dropped, not refused (refusing closes a stock client for good).
      if (verdict.missing && !resync && !conn.answeredStep1) {
        this.deps.log.warn('dropped an edit that builds on what its client has not sent yet; its sync answer carries it', {
          room: this.deps.room,
          user: conn.user.id,
          reason: verdict.reason,
        })
        return
      }
      return this.refuse(conn, verdict.reason)
    }
    const view = this.deps.rules ? new UpdateView(doc, verdict.decoded.structs, verdict.decoded.ds) : null
    const writer = { id: conn.user.id, role: conn.user.role }
    // A sync step 2 replays the sender's whole history, refused deletes included; a new edit that
    // deletes the same thing again is a new decision and is judged like any other.
    const replays = resync && this.deps.refusedDeletes.has(writer.id) && this.deps.refusedDeletes.touches(writer.id, liveDeletes(doc, verdict.decoded.ds))
    const ruled = replays
      ? `${REFUSED_PREFIX}it deletes what was refused to you before; reload the room`
      : view && this.deps.rules ? this.deps.rules.check(view, writer) : null
    if (ruled !== null) {
      this.deps.log.warn('refused a write the room\'s rules forbid', { room: this.deps.room, user: conn.user.id, reason: ruled })
      conn.refuseUpdate(ruled)
      return this.seal(conn, update, verdict.decoded.ds)
    }
    this.commit(conn, update, verdict.writes, view)
  }

  /** Claims the client ids an accepted update writes, applies it, and runs the rules' bookkeeping. */
  private commit(conn: Connection, update: Uint8Array, writes: readonly number[], view: UpdateView | null): void {
    if (!this.countWrites(conn, writes)) return
    try {
      this.deps.owners.claim(writes, conn.user.id)
    } catch (err) {
      this.deps.log.error('recording client id owners failed; the update was refused', err, { room: this.deps.room, user: conn.user.id })
      this.deps.onOwnersFailed(err)
      return conn.close(CLOSE.restart)
    }
    const doc = this.deps.doc()
    Y.applyUpdate(doc, update, conn.origin)
    // The backstop: anything left pending was never integrated, stored or relayed (see dropPending).
    if (dropPending(doc)) return this.refuse(conn, 'it left structs or deletes pending')
    if (view && this.deps.rules?.afterApply) {
      try {
        this.deps.rules.afterApply(view, { id: conn.user.id, role: conn.user.role })
      } catch (err) {
        this.deps.log.error('after applying an update', err, { room: this.deps.room, user: conn.user.id })
      }
    }
  }

  /**
   * Makes sure a refused write never lands later (refusedWrites.ts): its live deletes are
   * remembered for its writer, and its new clock ranges of client ids the writer may write are
   * sealed with GC structs, stored and relayed like any change.
   */
  seal(conn: Connection, update: Uint8Array, ds: ReturnType<typeof Y.decodeUpdate>['ds'] | null): void {
    const doc = this.deps.doc()
    const user = conn.user.id
    try {
      this.deps.refusedDeletes.remember(user, liveDeletes(doc, ds ?? Y.decodeUpdate(update).ds))
    } catch {
      // undecodable: it carries nothing Yjs would ever apply
    }
    const ranges = unheldRanges(doc, update, (client) => this.deps.owners.mayWrite(client, user))
    if (ranges.length === 0) return
    if (!this.countWrites(conn, ranges.map((r) => r.client))) return
    try {
      this.deps.owners.claim(ranges.map((r) => r.client), user)
    } catch (err) {
      this.deps.log.error('recording client id owners failed; a refused write was not sealed', err, { room: this.deps.room, user })
      return
    }
    Y.applyUpdate(doc, encodeSeal(ranges), SEAL)
    dropPending(doc)
  }

  /** Adds `clients` to what `conn` wrote; past the bound the connection is refused (false). */
  private countWrites(conn: Connection, clients: readonly number[]): boolean {
    let ids = this.writers.get(conn)
    if (!ids) this.writers.set(conn, (ids = new Set()))
    for (const id of clients) ids.add(id)
    if (ids.size <= MAX_CLIENT_IDS_PER_CONNECTION) return true
    this.refuse(conn, `structs for over ${MAX_CLIENT_IDS_PER_CONNECTION} client ids`)
    return false
  }

  private refuse(conn: Connection, reason: string): void {
    this.deps.log.warn('refused an update', { room: this.deps.room, user: conn.user.id, reason })
    conn.close(CLOSE.badMessage)
  }
}
