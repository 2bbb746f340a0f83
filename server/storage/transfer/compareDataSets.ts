/**
 * A copy's verification: the target read back through its own stores against the source as it
 * was read. Counts per kind must match, every item must be equal (records by their exact text,
 * rooms by their Yjs state: state vectors, delete sets and root contents), and anything the
 * target's stores refused on the way in (a record whose hash or signature failed) is a difference.
 */
import * as Y from 'yjs'
import { countData, DATA_KINDS } from './dataSet'
import type { DataKind, DataSet } from './dataSet'

/** Stable JSON (object keys sorted) for items whose key order a store may not keep. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

/** Items of one kind by their identity, compared canonically. */
function compareKeyed<T>(kind: string, a: readonly T[], b: readonly T[], id: (item: T) => string, out: string[]): void {
  const theirs = new Map(b.map((item) => [id(item), canonical(item)]))
  for (const item of a) {
    const key = id(item)
    const other = theirs.get(key)
    if (other === undefined) out.push(`${kind} ${JSON.stringify(key)} is missing on the target`)
    else if (other !== canonical(item)) out.push(`${kind} ${JSON.stringify(key)} differs on the target`)
  }
}

/** The root types of a document that hold something, as JSON (text as its string). */
function roomContents(state: Uint8Array): { vector: Uint8Array; snapshot: Y.Snapshot; roots: string } {
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, state)
    const roots: Record<string, unknown> = {}
    for (const [name, type] of doc.share) {
      // A loaded root is untyped until asked for; the structs it holds say which kind it is:
      // keyed entries a map, any string a text, anything else a list.
      if (type._map.size) {
        roots[name] = doc.getMap(name).toJSON()
        continue
      }
      let text = false
      for (let item = type._start; item && !text; item = item.right) text = item.content instanceof Y.ContentString
      if (type._start) roots[name] = text ? doc.getText(name).toString() : doc.getArray(name).toJSON()
    }
    return { vector: Y.encodeStateVector(doc), snapshot: Y.snapshot(doc), roots: canonical(roots) }
  } finally {
    doc.destroy()
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

export interface Comparison {
  counts: { source: Map<DataKind, number>; target: Map<DataKind, number> }
  /** One line per difference; empty: the target holds exactly what the source did. */
  differences: string[]
}

/** Compares the source with the target as read back; `targetRecordTexts`: the target's stored bytes. */
export function compareDataSets(source: DataSet, target: DataSet, targetRecordTexts: ReadonlyMap<string, string>): Comparison {
  const differences: string[] = []
  const counts = { source: countData(source), target: countData(target) }
  for (const kind of DATA_KINDS) {
    const [a, b] = [counts.source.get(kind), counts.target.get(kind)]
    if (a !== b) differences.push(`${kind}: ${a} in the source, ${b} on the target`)
  }
  compareKeyed('user', source.users, target.users, (u) => u.id, differences)
  compareKeyed('batch', source.batches, target.batches, (b) => b.name, differences)
  compareKeyed('task', source.tasks, target.tasks, (t) => t.id, differences)
  compareKeyed('session', source.sessions, target.sessions, (s) => s.hash.slice(0, 16), differences)
  compareKeyed('gold entry', source.gold, target.gold, (g) => g.task, differences)
  compareKeyed('time-on-task day', [...source.activity], [...target.activity], ([day]) => day, differences)
  // The audit log is ordered: line i must be line i.
  source.audit.forEach((entry, i) => {
    if (canonical(entry) !== canonical(target.audit[i])) differences.push(`audit line ${i + 1} differs on the target`)
  })
  for (const [key, text] of source.records) {
    const stored = targetRecordTexts.get(key)
    if (stored === undefined) differences.push(`record ${key} is missing on the target`)
    else if (stored !== text) differences.push(`record ${key} is not stored byte for byte on the target`)
    else if (!target.records.has(key)) differences.push(`record ${key} does not verify on the target`)
  }
  for (const [name, room] of source.rooms) {
    const other = target.rooms.get(name)
    if (!other) {
      differences.push(`room ${name} is missing on the target`)
      continue
    }
    const [a, b] = [roomContents(room.state), roomContents(other.state)]
    if (!sameBytes(a.vector, b.vector)) differences.push(`room ${name}: its state vector differs on the target`)
    else if (!Y.equalSnapshots(a.snapshot, b.snapshot)) differences.push(`room ${name}: its deletions differ on the target`)
    else if (a.roots !== b.roots) differences.push(`room ${name}: its contents differ on the target`)
    if (canonical([...room.owners].sort(([x], [y]) => x - y)) !== canonical([...other.owners].sort(([x], [y]) => x - y))) {
      differences.push(`room ${name}: its client-id owners differ on the target`)
    }
  }
  return { counts, differences }
}
