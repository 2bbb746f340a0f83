/**
 * An update read against a room before it is applied: the items it adds, the live items it
 * deletes, and where each of them sits (its parent and map key, up to the root). Write rules
 * (writeRules.ts) judge an update by these, so a writer's update is accepted or refused whole
 * without applying it to a copy of the room.
 *
 * V1 updates leave out an item's parent when it has an origin: it sits where its origin (or right
 * origin) sits, which is what Yjs does when it integrates it. Everything an item names was checked
 * by updateIntegrity.ts to be in the room or in the update; anything not found here is `lost` (a
 * collected parent: Yjs integrates such an item as deleted, a no-op).
 */
import * as Y from 'yjs'

/** What holds an item: a root (by name), a type held in an item, or nothing live. */
export type Holder = { readonly root: string } | { readonly item: Y.Item } | { readonly lost: true }

/** Where an item sits: its holder and, in a map, its key (null in a list or a text). */
export interface Placement {
  readonly holder: Holder
  readonly key: string | null
}

const LOST: Placement = { holder: { lost: true }, key: null }
const idKey = (client: number, clock: number) => `${client}:${clock}`

/** One decoded update as the room sees it: what it adds and deletes, and where those sit. */
export class UpdateView {
  /** Items the room does not hold yet, in update order (a partly held item counts as new). */
  readonly added: Y.Item[] = []
  /** Items the room holds, not deleted yet, that the update's delete set deletes. */
  readonly deleted: Y.Item[] = []
  /** The update's new items per client, ascending by clock (V1 groups them so). */
  private readonly byClient = new Map<number, Y.Item[]>()
  private readonly placements = new Map<Y.Item, Placement>()

  constructor(
    readonly doc: Y.Doc,
    structs: ReadonlyArray<Y.Item | Y.GC | Y.Skip>,
    ds: ReturnType<typeof Y.decodeUpdate>['ds'],
  ) {
    const store = doc.store
    for (const s of structs) {
      if (!(s instanceof Y.Item)) continue
      if (s.id.clock + s.length <= Y.getState(store, s.id.client)) continue // held already: a no-op
      this.added.push(s)
      let list = this.byClient.get(s.id.client)
      if (!list) this.byClient.set(s.id.client, (list = []))
      list.push(s)
    }
    for (const [client, ranges] of ds.clients) {
      const held = store.clients.get(client)
      if (!held || held.length === 0) continue
      const heldEnd = Y.getState(store, client)
      for (const r of ranges) {
        const end = Math.min(r.clock + r.len, heldEnd)
        if (r.clock >= end) continue
        for (let i = Y.findIndexSS(held, r.clock); i < held.length && held[i].id.clock < end; i++) {
          const s = held[i]
          if (s instanceof Y.Item && !s.deleted) this.deleted.push(s)
        }
      }
    }
  }

  /** Whether `item` is one of the room's own (integrated) items rather than the update's. */
  isHeld(item: Y.Item): boolean {
    return item.parent instanceof Y.AbstractType
  }

  /** Where `item` (held, or new in this update) sits. */
  placementOf(item: Y.Item): Placement {
    const known = this.placements.get(item)
    if (known) return known
    const found = this.place(item, 0)
    this.placements.set(item, found)
    return found
  }

  /** The root name `item` sits under, or null when it sits under nothing live. */
  rootOf(item: Y.Item): string | null {
    let at: Y.Item = item
    for (let depth = 0; depth < 1_000; depth++) {
      const holder = this.placementOf(at).holder
      if ('root' in holder) return holder.root
      if ('lost' in holder) return null
      at = holder.item
    }
    return null
  }

  /** The chain of items from just under the root down to `item`, each with its key; null when lost. */
  pathOf(item: Y.Item): { root: string; steps: { item: Y.Item; key: string | null }[] } | null {
    const steps: { item: Y.Item; key: string | null }[] = []
    let at: Y.Item = item
    for (let depth = 0; depth < 1_000; depth++) {
      const p = this.placementOf(at)
      steps.unshift({ item: at, key: p.key })
      if ('root' in p.holder) return { root: p.holder.root, steps }
      if ('lost' in p.holder) return null
      at = p.holder.item
    }
    return null
  }

  /** The item holding the struct that contains `id`: the room's, else the update's; null if neither. */
  itemAt(id: Y.ID): Y.Item | null {
    if (id.clock < Y.getState(this.doc.store, id.client)) {
      const s = Y.getItem(this.doc.store, id)
      return s instanceof Y.Item ? s : null
    }
    const list = this.byClient.get(id.client)
    if (!list) return null
    // Binary search: the struct whose clock range contains id.clock.
    let lo = 0
    let hi = list.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = list[mid]
      if (id.clock < s.id.clock) hi = mid - 1
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1
      else return s
    }
    return null
  }

  private place(item: Y.Item, depth: number): Placement {
    if (depth > 1_000) return LOST
    const parent = item.parent
    if (parent instanceof Y.AbstractType) {
      // Held: integrated, its parent is a type (a root, or a type held in an item).
      if (parent._item) return { holder: { item: parent._item }, key: item.parentSub }
      const root = rootName(this.doc, parent)
      return root === null ? LOST : { holder: { root }, key: item.parentSub }
    }
    // Partly held: Yjs integrates only the new part, with the room's last struct of that client as
    // its origin, and every replica of the re-encoded update puts it where that struct sits.
    const held = Y.getState(this.doc.store, item.id.client)
    if (item.id.clock < held) {
      const beside = this.itemAt(Y.createID(item.id.client, held - 1))
      if (!beside) return LOST
      const p = this.placements.get(beside) ?? this.place(beside, depth + 1)
      return { holder: p.holder, key: beside.parentSub }
    }
    if (typeof parent === 'string') return { holder: { root: parent }, key: item.parentSub }
    if (parent instanceof Y.ID) {
      const holder = this.itemAt(parent)
      if (!holder || !(holder.content instanceof Y.ContentType)) return LOST
      return { holder: { item: holder }, key: item.parentSub }
    }
    // No parent info: it sits beside its origin, as Yjs integrates it.
    const ref = item.origin ?? item.rightOrigin
    const beside = ref ? this.itemAt(ref) : null
    if (!beside) return LOST
    const p = this.placements.get(beside) ?? this.place(beside, depth + 1)
    return { holder: p.holder, key: beside.parentSub }
  }
}

/** The name under which `type` is a root of `doc`, or null. */
function rootName(doc: Y.Doc, type: Y.AbstractType<unknown>): string | null {
  for (const [name, root] of doc.share) if (root === type) return name
  return null
}

/** `client:clock` of an item's first clock: a stable key for items held or new. */
export function itemKey(item: Y.Item): string {
  return idKey(item.id.client, item.id.clock)
}
