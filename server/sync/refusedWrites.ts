/**
 * What a room refused never lands later. A stock y-websocket client keeps a refused edit in its
 * own document and sends it again: in its next update, and in its sync step 2 when it reconnects
 * (after a submitted ballot is withdrawn, or a lead requests changes and the room is writable
 * again). Two rules close that door:
 *
 * - Structs: a refused update's new clock ranges are sealed. The room writes a GC struct over
 *   each writer-owned range it does not hold (client id, from the room's clock for it to the
 *   update's end), stores and relays it like any change. The room then holds those clocks, so the
 *   same structs sent again are a no-op, and the seal is kept in the room's own log: it outlives
 *   an unload and a restart. Later structs of that client that sit next to the refused ones
 *   integrate as deleted (Yjs drops an item whose neighbour was collected); other ones land.
 * - Deletes: a delete set names no writer, so the deletes of live items a refused update asked
 *   for are remembered per room and per user (RefusedDeletes, bounded), and a later sync step 2
 *   of the same user (a reconnect replaying its whole delete set) that deletes any of those
 *   items still live is refused whole. A plain update that deletes them again is a new edit,
 *   made while the room takes edits (after our client reloaded the room, say), and is judged
 *   like any other; another person may delete them too.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'

/** One clock range of one client. */
export interface ClockRange {
  readonly client: number
  readonly clock: number
  readonly len: number
}

/** GC struct's info byte in the V1 update format. */
const GC_INFO = 0

/**
 * The clock ranges of `update` the room does not hold, for the client ids `mayWrite` allows:
 * from the room's clock for that client (so a seal never leaves a gap) to the update's end.
 * Empty when the update cannot be read or holds nothing new.
 */
export function unheldRanges(doc: Y.Doc, update: Uint8Array, mayWrite: (client: number) => boolean): ClockRange[] {
  let to: Map<number, number>
  try {
    to = Y.parseUpdateMeta(update).to
  } catch {
    return []
  }
  const out: ClockRange[] = []
  for (const [client, end] of to) {
    const held = Y.getState(doc.store, client)
    if (end > held && Number.isSafeInteger(end) && mayWrite(client)) out.push({ client, clock: held, len: end - held })
  }
  return out
}

/** A V1 update holding one GC struct per range and no deletes: what seals the ranges. */
export function encodeSeal(ranges: readonly ClockRange[]): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, ranges.length)
  for (const r of ranges) {
    encoding.writeVarUint(enc, 1) // structs of this client
    encoding.writeVarUint(enc, r.client)
    encoding.writeVarUint(enc, r.clock)
    encoding.writeUint8(enc, GC_INFO)
    encoding.writeVarUint(enc, r.len)
  }
  encoding.writeVarUint(enc, 0) // delete set: no clients
  return encoding.toUint8Array(enc)
}

/** The parts of `ds` that delete items `doc` holds live, as clock ranges. */
export function liveDeletes(doc: Y.Doc, ds: ReturnType<typeof Y.decodeUpdate>['ds']): ClockRange[] {
  const out: ClockRange[] = []
  for (const [client, ranges] of ds.clients) {
    const held = doc.store.clients.get(client)
    if (!held || held.length === 0) continue
    const heldEnd = Y.getState(doc.store, client)
    for (const r of ranges) {
      const end = Math.min(r.clock + r.len, heldEnd)
      for (let i = r.clock < end ? Y.findIndexSS(held, r.clock) : held.length; i < held.length && held[i].id.clock < end; i++) {
        const s = held[i]
        if (!(s instanceof Y.Item) || s.deleted) continue
        const from = Math.max(s.id.clock, r.clock)
        out.push({ client, clock: from, len: Math.min(s.id.clock + s.length, end) - from })
      }
    }
  }
  return out
}

/** Most remembered delete ranges per room and user; older ones are forgotten first. */
export const MAX_REFUSED_DELETES = 10_000
/** Most rooms whose refused deletes are remembered; the room least recently refused is forgotten. */
export const MAX_ROOMS_REMEMBERED = 5_000

/** The deletes each user of one room was refused. */
export class RefusedDeletes {
  /** Made on the first refusal: most rooms never refuse a delete. */
  private byUser: Map<string, ClockRange[]> | null = null

  remember(userId: string, ranges: readonly ClockRange[]): void {
    if (ranges.length === 0) return
    const byUser = (this.byUser ??= new Map())
    const list = byUser.get(userId) ?? []
    list.push(...ranges)
    if (list.length > MAX_REFUSED_DELETES) list.splice(0, list.length - MAX_REFUSED_DELETES)
    byUser.set(userId, list)
  }

  /** Whether `deletes` (live deletes of an update by `userId`) touch any range refused to that user. */
  touches(userId: string, deletes: readonly ClockRange[]): boolean {
    const list = this.byUser?.get(userId)
    if (!list || deletes.length === 0) return false
    return deletes.some((d) => list.some((r) => r.client === d.client && d.clock < r.clock + r.len && r.clock < d.clock + d.len))
  }

  /** Whether anything is remembered for `userId` (so updates of others skip the check). */
  has(userId: string): boolean {
    return this.byUser?.has(userId) ?? false
  }
}

/** The refused deletes of every room of one server, kept across a room's unload. */
export class RefusedDeletesByRoom {
  private readonly rooms = new Map<string, RefusedDeletes>()

  forRoom(name: string): RefusedDeletes {
    let r = this.rooms.get(name)
    if (r) {
      this.rooms.delete(name) // most recently used last
    } else {
      r = new RefusedDeletes()
      if (this.rooms.size >= MAX_ROOMS_REMEMBERED) this.rooms.delete(this.rooms.keys().next().value as string)
    }
    this.rooms.set(name, r)
    return r
  }
}
