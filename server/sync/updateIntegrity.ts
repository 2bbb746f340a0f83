/**
 * The integrity check every client update passes before a room applies it. Yjs
 * applies whatever a writer sends: structs whose dependencies the room lacks park in
 * `store.pendingStructs`, deletes over unknown clocks in `pendingDs`, both forever, re-sent to every
 * joiner; a GC struct for another person's client id at that id's next clock, with a huge length,
 * silently swallows every later edit of theirs. So an update is refused, whole, when it
 *
 * - starts a client's structs past what the room holds of that client (a gap), or contains a Skip,
 * - references (origin, right origin, parent) a struct neither the room nor the update holds, or
 *   one of its own client at or after its own clock (even from a struct the room holds),
 * - overlaps what the room holds of its client but names another type or key than the room's last
 *   struct of that client, where Yjs links it (see overlap.ts),
 * - deletes a range of a client past what the room and the update hold, or
 * - adds structs for a client id that another user already wrote (see clientOwners.ts), or
 * - puts anything but text into a text (see TextSchema): y-codemirror counts every item of a Y.Text
 *   as positions, so one embedded object or map shifts every later keystroke to the wrong place.
 *
 * Structs the room already holds are no-ops and need no ownership: a client that re-sends others'
 * content the room has is never refused for it. Cost: one V1 decode of the update (never merged,
 * never V2); figures in README ("Security").
 */
import * as Y from 'yjs'
import { TEXT_ROOTS, WorkspaceRoot } from '../../shared/schema'
import { overlapAgrees } from './overlap'

/** The verdict on one update: the client ids it writes new structs for, or why it is refused. */
export type IntegrityVerdict =
  | { readonly ok: true; readonly writes: readonly number[]; readonly decoded: DecodedUpdate }
  | { readonly ok: false; readonly reason: string; readonly missing?: true }

/** An update as `Y.decodeUpdate` gives it, kept so that write rules need not decode it again. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>

const refuse = (reason: string): IntegrityVerdict => ({ ok: false, reason })
/** Refused only for building on structs the room does not hold (yet). */
const missing = (reason: string): IntegrityVerdict => ({ ok: false, reason, missing: true })

/**
 * Which types of a room are texts: root Y.Texts by name, and maps whose values are Y.Texts (the
 * workspace's notes). Items inside them may carry only text, formats and deleted content.
 */
export interface TextSchema {
  /** Root names of Y.Text roots. */
  readonly texts: ReadonlySet<string>
  /** Root names of Y.Maps whose every value is a Y.Text. */
  readonly textMaps: ReadonlySet<string>
}

/** The workspace room's texts (`task:<id>`): the three editors' roots and every note. */
export const WORKSPACE_TEXTS: TextSchema = {
  texts: new Set<string>(TEXT_ROOTS),
  textMaps: new Set<string>([WorkspaceRoot.notes]),
}

/** Content that may sit in a text: what y-codemirror writes (strings) and what Yjs makes of it. */
const isTextContent = (content: unknown): boolean =>
  content instanceof Y.ContentString || content instanceof Y.ContentFormat || content instanceof Y.ContentDeleted

/**
 * Checks `update` (V1) against `doc` without changing it. `mayWrite(client)` says whether the
 * sender may add structs for that client id. Throws on bytes that do not decode.
 */
export function checkUpdate(
  update: Uint8Array,
  doc: Y.Doc,
  mayWrite: (client: number) => boolean,
  schema: TextSchema | null = null,
): IntegrityVerdict {
  const { structs, ds } = Y.decodeUpdate(update)
  const store = doc.store
  // How far each client's clocks are covered by the room plus the update, once it is applied.
  const reach = new Map<number, number>()
  const reachOf = (client: number) => reach.get(client) ?? Y.getState(store, client)
  const writes = new Set<number>()
  // Structs come grouped by client, each group in ascending, contiguous clocks (V1 format).
  for (const s of structs) {
    const { client, clock } = s.id
    if (s instanceof Y.Skip) return refuse(`a gap in the structs of client ${client} at clock ${clock}`)
    const known = reachOf(client)
    if (clock > known) {
      // Ahead of what the room holds in a client id the writer may write: its own earlier edits,
      // not sent yet (roomWrites.ts); in anyone else's, an attempt.
      const reason = `structs of client ${client} start at clock ${clock}; the room holds ${known}`
      return mayWrite(client) ? missing(reason) : refuse(reason)
    }
    const end = clock + s.length
    if (end > known) {
      reach.set(client, end)
      writes.add(client)
    }
  }
  for (const client of writes) {
    if (!mayWrite(client)) return refuse(`structs for client id ${client}, which another user owns`)
  }
  let own: Map<string, Y.Item> | undefined // the update's type items by ID, built when needed
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue
    // Yjs resolves the dependencies of every struct, held ones included, and those of the struct's
    // own client without looking: they must come before it.
    const parent = s.parent instanceof Y.ID ? s.parent : null
    for (const dep of [s.origin, s.rightOrigin, parent]) {
      if (dep && dep.client === s.id.client && dep.clock >= s.id.clock) {
        return refuse(`a struct of client ${s.id.client} depends on ${dep.client}:${dep.clock}, which comes after it`)
      }
      if (dep && dep.clock >= reachOf(dep.client)) {
        const reason = `a struct of client ${s.id.client} depends on ${dep.client}:${dep.clock}, which the room lacks`
        return dep.client === s.id.client && mayWrite(dep.client) ? missing(reason) : refuse(reason)
      }
    }
    const held = Y.getState(store, s.id.client)
    if (s.id.clock + s.length <= held) continue // held already: a no-op
    if (s.id.clock < held && !overlapAgrees(s, doc)) {
      return refuse(`a struct of client ${s.id.client} overlaps what the room holds but names another place`)
    }
    if (schema && !isTextContent(s.content) && inText(s, doc, (own ??= typeItems(structs)), schema)) {
      return refuse(`a ${s.content.constructor.name} of client ${s.id.client} inside a text`)
    }
  }
  for (const [client, ranges] of ds.clients) {
    const known = reachOf(client)
    for (const r of ranges) {
      if (r.clock + r.len > known) return refuse(`a delete of ${client}:${r.clock}+${r.len} past what the room holds (${known})`)
    }
  }
  return { ok: true, writes: [...writes], decoded: { structs, ds } }
}

/**
 * Whether `item`'s parent is a text of `schema`. An item names its parent by root name, or by the
 * ID of the item that holds its parent type: for a note, the Y.Text item whose parent is the notes
 * map, found in the room's store or in the update itself (checked above to be in one of them).
 */
function inText(item: Y.Item, doc: Y.Doc, own: ReadonlyMap<string, Y.Item>, schema: TextSchema): boolean {
  const parent = item.parent
  if (typeof parent === 'string') return schema.texts.has(parent)
  if (!(parent instanceof Y.ID) || schema.textMaps.size === 0) return false
  if (parent.clock < Y.getState(doc.store, parent.client)) {
    const held = Y.getItem(doc.store, parent)
    if (!(held instanceof Y.Item) || !(held.content instanceof Y.ContentType) || !(held.content.type instanceof Y.Text)) {
      return false
    }
    const map = held.parent
    return [...schema.textMaps].some((name) => doc.share.get(name) === map)
  }
  // The parent arrives in this update: a type item (length 1) that starts at exactly that clock.
  const held = own.get(`${parent.client}:${parent.clock}`)
  return held !== undefined && held.content instanceof Y.ContentType && held.content.type instanceof Y.Text &&
    typeof held.parent === 'string' && schema.textMaps.has(held.parent)
}

/** The update's items that hold a type, by `client:clock`. */
function typeItems(structs: ReadonlyArray<Y.Item | Y.GC | Y.Skip>): Map<string, Y.Item> {
  const items = new Map<string, Y.Item>()
  for (const s of structs) {
    if (s instanceof Y.Item && s.content instanceof Y.ContentType) items.set(`${s.id.client}:${s.id.clock}`, s)
  }
  return items
}

/**
 * The backstop after applying: drops anything an update left pending and says whether it did.
 * Pending structs were never integrated, so no `update` event carried them: nothing of them was
 * stored or relayed, and dropping them leaves the document as if they had never arrived.
 */
export function dropPending(doc: Y.Doc): boolean {
  const store = doc.store
  if (store.pendingStructs === null && store.pendingDs === null) return false
  store.pendingStructs = null
  store.pendingDs = null
  return true
}
