/**
 * A struct that starts inside what the room holds of its client and runs past it (partly held).
 * Yjs integrates only its new part: it takes the parent and map key from what the bytes name (the
 * origin's, else the right origin's, else the parent given), but links the part right after the
 * room's last struct of that client, and every replica of the re-encoded update takes both from
 * that struct. So a partly held struct is sound only when the two agree.
 */
import * as Y from 'yjs'

/** Where an item goes: its parent type and, in a map, its key. */
interface Place {
  readonly parent: unknown
  readonly key: string | null
}

/**
 * Whether the partly held `item` names the type and key of the room's last struct of its client,
 * judged from the room alone (an item that names a struct of the update does not agree).
 */
export function overlapAgrees(item: Y.Item, doc: Y.Doc): boolean {
  const store = doc.store
  const last = Y.getItem(store, Y.createID(item.id.client, Y.getState(store, item.id.client) - 1))
  if (!(last instanceof Y.Item) || !(last.parent instanceof Y.AbstractType)) return false
  const named = namedPlace(item, doc)
  return named !== null && named.parent === last.parent && named.key === last.parentSub
}

/** The place the bytes of `item` name, as Item.getMissing resolves it; null when not held or collected. */
function namedPlace(item: Y.Item, doc: Y.Doc): Place | null {
  const left = item.origin ? heldItem(item.origin, doc) : undefined
  const right = item.rightOrigin ? heldItem(item.rightOrigin, doc) : undefined
  if (left === null || right === null) return null // a collected or unheld neighbour
  const beside = left ?? right
  if (beside) return beside.parent instanceof Y.AbstractType ? { parent: beside.parent, key: beside.parentSub } : null
  const parent = item.parent
  if (typeof parent === 'string') {
    const root = doc.share.get(parent)
    return root ? { parent: root, key: item.parentSub } : null
  }
  if (parent instanceof Y.ID) {
    const holder = heldItem(parent, doc)
    return holder && holder.content instanceof Y.ContentType ? { parent: holder.content.type, key: item.parentSub } : null
  }
  return null
}

/** The room's item holding `id`; null when the room does not hold it or holds a collected struct. */
function heldItem(id: Y.ID, doc: Y.Doc): Y.Item | null {
  if (id.clock >= Y.getState(doc.store, id.client)) return null
  const s = Y.getItem(doc.store, id)
  return s instanceof Y.Item ? s : null
}
