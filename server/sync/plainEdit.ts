/**
 * The fast path for a plain edit: an update that only inserts strings into texts and deletes.
 * It reads the V1 bytes for the few fields the checks need (struct headers, origins, the root a
 * string goes to, the delete set) and builds no Item, no content object and no UpdateView.
 *
 * It decides only acceptance: it returns the client ids the update writes when the full path
 * (updateIntegrity.ts's checkUpdate, then the workspace's write rules through an UpdateView)
 * would accept the update with exactly those writes, and null for everything else, which then
 * takes the full path. So a refusal is always the full path's, with its reason, and the fast path
 * can never accept what the full path refuses: anything it does not read with certainty (another
 * content kind, a parent named by ID, a map key, a nested type deeper than MAX_DEPTH, bytes that
 * do not parse) falls back. tests/plainEdit.test.ts runs both over real and hostile updates.
 */
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'

/** Info-byte flags of a V1 struct (yjs Item.write). */
const HAS_ORIGIN = 0x80
const HAS_RIGHT_ORIGIN = 0x40
const HAS_PARENT_SUB = 0x20
const CONTENT_REF = 0x1f
/** Content ref of ContentString, the only content a plain edit carries. */
const STRING_REF = 4
/** Nesting the fast path follows up to a root; deeper types take the full path. */
const MAX_DEPTH = 32

/** One new string struct, as far as the checks read it. */
interface StringStruct {
  readonly client: number
  readonly clock: number
  readonly length: number
  /** Origin (left), else right origin, as client and clock; -1 when neither is given. */
  readonly refClient: number
  readonly refClock: number
  readonly origin: boolean
  readonly rightClient: number
  readonly rightClock: number
  /** The root name given when the struct has neither origin: yjs writes its parent then. */
  readonly rootName: string | null
  /** The root it sits under once placed; undefined until the rules pass resolved it. */
  root?: string | null
}

/** The ownership rule the full path applies (ClientOwners): whether `userId` may write `client`. */
export interface Ownership {
  mayWrite(client: number, userId: string): boolean
}

/**
 * The client ids `update` writes, when the full path accepts it from `userId` in a room whose
 * write rules refuse only changes under `forbiddenRoots` (the workspace's rules); null when the
 * full path must judge it. Never throws.
 */
export function checkPlainEdit(
  update: Uint8Array,
  doc: Y.Doc,
  owners: Ownership,
  userId: string,
  forbiddenRoots: ReadonlySet<string>,
): number[] | null {
  try {
    return check(update, doc, owners, userId, forbiddenRoots)
  } catch {
    return null // the full path decodes it again and decides (and refuses what does not decode)
  }
}

function check(
  update: Uint8Array,
  doc: Y.Doc,
  owners: Ownership,
  userId: string,
  forbiddenRoots: ReadonlySet<string>,
): number[] | null {
  const dec = decoding.createDecoder(update)
  const store = doc.store
  const structs: StringStruct[] = []
  const groups = decoding.readVarUint(dec)
  for (let g = 0; g < groups; g++) {
    const count = decoding.readVarUint(dec)
    const client = decoding.readVarUint(dec)
    let clock = decoding.readVarUint(dec)
    for (let i = 0; i < count; i++) {
      if (dec.pos >= update.length) return null
      const info = update[dec.pos++]
      // Only string content; a map key (parent sub) never sits in a text.
      if ((info & CONTENT_REF) !== STRING_REF || (info & HAS_PARENT_SUB) !== 0) return null
      let refClient = -1
      let refClock = -1
      let rightClient = -1
      let rightClock = -1
      let rootName: string | null = null
      const origin = (info & HAS_ORIGIN) !== 0
      if (origin) {
        refClient = decoding.readVarUint(dec)
        refClock = decoding.readVarUint(dec)
      }
      if ((info & HAS_RIGHT_ORIGIN) !== 0) {
        rightClient = decoding.readVarUint(dec)
        rightClock = decoding.readVarUint(dec)
        if (!origin) {
          refClient = rightClient
          refClock = rightClock
        }
      }
      if (refClient === -1) {
        // Neither origin: the parent follows, a root's name (1) or a type's ID (0: full path).
        if (decoding.readVarUint(dec) !== 1) return null
        rootName = decoding.readVarString(dec)
      }
      const length = stringLength(dec, update)
      if (length === 0) return null
      structs.push({ client, clock, length, refClient, refClock, origin, rightClient, rightClock, rootName })
      clock += length
    }
  }

  // Integrity, as checkUpdate: no gap, no structs for a client id another user owns.
  const reach = new Map<number, number>()
  const writes: number[] = []
  for (const s of structs) {
    const known = reachOf(reach, store, s.client)
    if (s.clock > known) return null
    const end = s.clock + s.length
    if (end > known) {
      reach.set(s.client, end)
      if (!writes.includes(s.client)) writes.push(s.client)
    }
  }
  for (const client of writes) if (!owners.mayWrite(client, userId)) return null
  // Every dependency of a new struct is held by the room or comes in the update.
  const added: StringStruct[] = []
  for (const s of structs) {
    // Yjs resolves the dependencies of held structs too, and those of the own client unchecked.
    if (s.origin && !precedes(s, s.refClient, s.refClock, reach, store)) return null
    if (s.rightClient !== -1 && !precedes(s, s.rightClient, s.rightClock, reach, store)) return null
    const held = Y.getState(store, s.client)
    if (s.clock + s.length <= held) continue // held already: a no-op
    // Partly held: Yjs links the new part after the room's last struct of that client, wherever
    // the bytes say the struct goes, and replicas place it there (with its map key): full path.
    if (s.clock < held) return null
    added.push(s)
  }
  const deletes: Array<[number, number, number]> = []
  const ranges = decoding.readVarUint(dec)
  for (let c = 0; c < ranges; c++) {
    const client = decoding.readVarUint(dec)
    const count = decoding.readVarUint(dec)
    if (count === 0) continue
    const known = reachOf(reach, store, client)
    for (let i = 0; i < count; i++) {
      const clock = decoding.readVarUint(dec)
      const len = decoding.readVarUint(dec)
      if (clock + len > known) return null
      deletes.push([client, clock, len])
    }
  }

  // The write rules: nothing new sits under, and nothing live deleted sits under, a forbidden root.
  for (const s of added) {
    const root = rootOfNew(s, added, doc)
    if (root === undefined) return null
    if (root !== null && forbiddenRoots.has(root)) return null
    s.root = root
  }
  for (const [client, clock, len] of deletes) {
    const held = store.clients.get(client)
    if (!held || held.length === 0) continue
    const end = Math.min(clock + len, Y.getState(store, client))
    if (clock >= end) continue
    for (let i = Y.findIndexSS(held, clock); i < held.length && held[i].id.clock < end; i++) {
      const s = held[i]
      if (!(s instanceof Y.Item) || s.deleted) continue
      const root = rootOfHeld(s, doc)
      if (root === undefined) return null
      if (root !== null && forbiddenRoots.has(root)) return null
    }
  }
  return writes
}

/** Whether `s` may depend on `client`:`clock`: held or in the update, and before `s` in its own client. */
function precedes(s: StringStruct, client: number, clock: number, reach: ReadonlyMap<number, number>, store: Y.Doc['store']): boolean {
  return clock < reachOf(reach, store, client) && (client !== s.client || clock < s.clock)
}

/** How far `client`'s clocks reach in the room plus the update (no closure: this runs per keystroke). */
function reachOf(reach: ReadonlyMap<number, number>, store: Y.Doc['store'], client: number): number {
  return reach.get(client) ?? Y.getState(store, client)
}

/**
 * The root a new string struct sits under, as UpdateView places it: the root it names, else the
 * root of the struct it was typed next to (held, or earlier in the update). Null: under nothing
 * live; undefined: the fast path cannot tell (a reference to a later struct of the update).
 */
function rootOfNew(s: StringStruct, added: readonly StringStruct[], doc: Y.Doc): string | null | undefined {
  if (s.refClient === -1) return s.rootName
  if (s.refClock < Y.getState(doc.store, s.refClient)) {
    const beside = Y.getItem(doc.store, Y.createID(s.refClient, s.refClock))
    return beside instanceof Y.Item ? rootOfHeld(beside, doc) : null
  }
  for (const other of added) {
    if (other.client !== s.refClient || s.refClock < other.clock || s.refClock >= other.clock + other.length) continue
    return other.root // undefined when it comes later in the update (or is this struct)
  }
  return null
}

/** The root name a held item sits under; null when that type is no root; undefined past MAX_DEPTH. */
function rootOfHeld(item: Y.Item, doc: Y.Doc): string | null | undefined {
  let at: Y.Item = item
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const parent = at.parent
    if (!(parent instanceof Y.AbstractType)) return undefined
    if (parent._item) {
      at = parent._item
      continue
    }
    let name = rootNames.get(parent)
    if (name === undefined) {
      name = null
      for (const [key, root] of doc.share) if (root === parent) name = key
      rootNames.set(parent, name)
    }
    return name
  }
  return undefined
}

/**
 * The root name of each type that has no parent item, found once: a type is a root of its
 * document from the moment it is made (Doc.get) and never stops being one, and a type that is no
 * root never becomes one.
 */
const rootNames = new WeakMap<Y.AbstractType<unknown>, string | null>()

/**
 * Reads a V1 string and returns its length in UTF-16 code units, as ContentString counts it. An
 * ASCII string (every keystroke of plain text) is measured from its bytes without decoding it;
 * anything else is decoded as Yjs decodes it, so malformed UTF-8 counts the same.
 */
function stringLength(dec: decoding.Decoder, update: Uint8Array): number {
  const start = dec.pos
  const bytes = decoding.readVarUint(dec)
  const end = dec.pos + bytes
  if (end > update.length) throw new RangeError('string past the end of the update')
  for (let i = dec.pos; i < end; i++) {
    if (update[i] >= 0x80) {
      dec.pos = start
      return decoding.readVarString(dec).length
    }
  }
  dec.pos = end
  return bytes
}
