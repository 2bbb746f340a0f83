/**
 * The integrity check every client update passes before a room applies it (issue 9.2). Yjs
 * applies whatever a writer sends: structs whose dependencies the room lacks park in
 * `store.pendingStructs`, deletes over unknown clocks in `pendingDs`, both forever, re-sent to every
 * joiner; a GC struct for another person's client id at that id's next clock, with a huge length,
 * silently swallows every later edit of theirs. So an update is refused, whole, when it
 *
 * - starts a client's structs past what the room holds of that client (a gap), or contains a Skip,
 * - references (origin, right origin, parent) a struct neither the room nor the update holds,
 * - deletes a range of a client past what the room and the update hold, or
 * - adds structs for a client id that another user already wrote (see clientOwners.ts).
 *
 * Structs the room already holds are no-ops and need no ownership: a client that re-sends others'
 * content the room has is never refused for it. Cost: one V1 decode of the update (never merged,
 * never V2); figures in README ("Security").
 */
import * as Y from 'yjs'

/** The verdict on one update: the client ids it writes new structs for, or why it is refused. */
export type IntegrityVerdict =
  | { readonly ok: true; readonly writes: readonly number[] }
  | { readonly ok: false; readonly reason: string }

const refuse = (reason: string): IntegrityVerdict => ({ ok: false, reason })

/**
 * Checks `update` (V1) against `doc` without changing it. `mayWrite(client)` says whether the
 * sender may add structs for that client id. Throws on bytes that do not decode.
 */
export function checkUpdate(update: Uint8Array, doc: Y.Doc, mayWrite: (client: number) => boolean): IntegrityVerdict {
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
    if (clock > known) return refuse(`structs of client ${client} start at clock ${clock}; the room holds ${known}`)
    const end = clock + s.length
    if (end > known) {
      reach.set(client, end)
      writes.add(client)
    }
  }
  for (const client of writes) {
    if (!mayWrite(client)) return refuse(`structs for client id ${client}, which another user owns`)
  }
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue
    if (s.id.clock + s.length <= Y.getState(store, s.id.client)) continue // held already: a no-op
    const parent = s.parent instanceof Y.ID ? s.parent : null
    for (const dep of [s.origin, s.rightOrigin, parent]) {
      if (dep && dep.clock >= reachOf(dep.client)) {
        return refuse(`a struct of client ${s.id.client} depends on ${dep.client}:${dep.clock}, which the room lacks`)
      }
    }
  }
  for (const [client, ranges] of ds.clients) {
    const known = reachOf(client)
    for (const r of ranges) {
      if (r.clock + r.len > known) return refuse(`a delete of ${client}:${r.clock}+${r.len} past what the room holds (${known})`)
    }
  }
  return { ok: true, writes: [...writes] }
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
