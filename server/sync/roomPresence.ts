/**
 * A room's presence: who is here and where their cursor is. The server decides who each state
 * speaks for: one awareness client id per connection, bound by its first state and released when
 * it closes; an id another user has used in this room (for presence or for edits) is never theirs
 * to take, while a reconnect by the same user takes its id back from its stale connection. The
 * server stamps `user` (name, role, colour) from the session, and counts the size limit in bytes.
 */
import * as awarenessProtocol from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { MAX_AWARENESS_STATE_BYTES } from '../config'
import { readAwarenessUpdate } from '../../shared/protocol'
import { lightColor, pickRoomColor } from '../../shared/presence'
import type { Connection } from './connection'
import { PresenceStates } from './presenceStates'
import type { StampedState } from './presenceStates'
import type { RoomActivity } from './roomActivity'

const utf8 = new TextEncoder()

/** A room's record of who speaks for which awareness client id. */
interface PresenceBook {
  /** Each awareness client id used in this room, and the user who used it first. */
  readonly users: Map<number, string>
  /** Which connection currently speaks for each client id. */
  readonly speakers: Map<number, Connection>
  /** Connections that have bound an id: they never bind another, even after losing theirs. */
  readonly bound: WeakSet<Connection>
  /** Each connection's last accepted state as its client sent it, to tell a change from a renewal. */
  readonly lastSent: WeakMap<Connection, string>
  /** The colour each present user has in this room: distinct while they are here. */
  readonly colors: Map<string, string>
}

/** Who first wrote each client id of the room's document (ClientOwners). */
export interface OwnerLookup {
  ownerOf(client: number): string | undefined
}

/** The awareness of one room and the rule of who may speak for which client id. */
export class RoomPresence {
  readonly awareness: awarenessProtocol.Awareness
  private readonly states: PresenceStates
  /** Who speaks for which id: made on the first awareness message (an idle room never needs it). */
  private book: PresenceBook | null = null

  /**
   * @param docOwners who owns a client id in the document (clientOwners.ts): a client id someone
   *   edits with is theirs for presence too
   */
  constructor(
    doc: Y.Doc,
    private readonly docOwners: OwnerLookup,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc)
    this.awareness.setLocalState(null)
    this.states = new PresenceStates(this.awareness)
  }

  /**
   * Applies a connection's awareness update, keeping only the states it may speak for. Returns
   * what it says of its sender: a changed state, a renewal of the same state, or nothing (a
   * removal, or no state it may speak for).
   */
  receive(conn: Connection, update: Uint8Array): RoomActivity | null {
    const book = (this.book ??= { users: new Map(), speakers: new Map(), bound: new WeakSet(), lastSent: new WeakMap(), colors: new Map() })
    const accepted: StampedState[] = []
    let activity: RoomActivity | null = null
    for (const entry of readAwarenessUpdate(update)) {
      if (conn.clientId === null && !this.bind(book, conn, entry.clientID)) continue
      // One clientID per connection: a connection cannot speak for another client.
      if (entry.clientID !== conn.clientId) continue
      if (entry.state === 'null') {
        accepted.push({ clientID: entry.clientID, clock: entry.clock, state: null, json: 'null' })
        continue
      }
      // Bytes, not characters: a state of 16 K emoji is 64 KB on the wire.
      if (entry.state.length > MAX_AWARENESS_STATE_BYTES) continue
      if (utf8.encode(entry.state).length > MAX_AWARENESS_STATE_BYTES) continue
      const state: unknown = JSON.parse(entry.state)
      if (state === null || typeof state !== 'object' || Array.isArray(state)) continue
      // The server, not the client, says who this is.
      activity = book.lastSent.get(conn) === entry.state ? 'presenceRenewal' : 'presenceChange'
      book.lastSent.set(conn, entry.state)
      const stamped = state as Record<string, unknown>
      stamped.user = { ...conn.presence, ...colorOf(book, conn) }
      accepted.push({ clientID: entry.clientID, clock: entry.clock, state: stamped, json: JSON.stringify(stamped) })
    }
    if (accepted.length) this.states.apply(accepted, conn.origin)
    return activity
  }

  /** Binds `conn` to `clientId` when no other user has used it; a same-user stale connection yields it. */
  private bind(book: PresenceBook, conn: Connection, clientId: number): boolean {
    if (book.bound.has(conn)) return false
    const user = book.users.get(clientId) ?? this.docOwners.ownerOf(clientId)
    if (user !== undefined && user !== conn.user.id) return false
    const holder = book.speakers.get(clientId)
    if (holder && holder !== conn) holder.clientId = null
    book.users.set(clientId, conn.user.id)
    book.speakers.set(clientId, conn)
    book.bound.add(conn)
    conn.clientId = clientId
    return true
  }

  /** Releases the connection's client id and removes its state; the last one frees the colour. */
  leave(conn: Connection): void {
    const id = conn.clientId
    const book = this.book
    if (id === null || !book || book.speakers.get(id) !== conn) return
    book.speakers.delete(id)
    if (this.awareness.getStates().has(id)) awarenessProtocol.removeAwarenessStates(this.awareness, [id], null)
    const stays = [...book.speakers.values()].some((c) => c.user.id === conn.user.id)
    if (!stays) book.colors.delete(conn.user.id)
  }

  /** Encodes the current entries of `ids` (removed ones as null) for a broadcast. */
  encode(ids: Iterable<number>): Uint8Array {
    return this.states.encode(ids)
  }

  /** The client ids this instance's connections speak for and have a state under. */
  ownIds(): number[] {
    const states = this.awareness.getStates()
    return [...(this.book?.speakers.keys() ?? [])].filter((id) => states.has(id))
  }

  /** Every present client, for a joiner or a query; null when nobody is present. */
  encodeAll(): Uint8Array | null {
    if (this.awareness.getStates().size === 0) return null
    return this.states.encodeAll()
  }

  destroy(): void {
    this.awareness.destroy()
  }
}

/** The user's colour in this room, picked on their first state and kept while they stay. */
function colorOf(book: PresenceBook, conn: Connection): { color: string; colorLight: string } {
  let color = book.colors.get(conn.user.id)
  if (color === undefined) {
    color = pickRoomColor(conn.presence.color, new Set(book.colors.values()))
    book.colors.set(conn.user.id, color)
  }
  return { color, colorLight: lightColor(color) }
}
