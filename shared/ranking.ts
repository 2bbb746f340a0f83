/**
 * The ranking as a Y.Array<string> of candidate ids, best first, kept a permutation under
 * concurrency. A move is a delete plus an insert; two people moving the same candidate at once
 * leave two copies, and a delete without its insert leaves none. Every client repairs what it
 * sees with `normalizeRanking`: it deletes later copies (the globally first copy is never a later
 * one, so one always survives) and appends missing ids. Readers use `readRanking`, which gives the
 * repaired order without writing.
 */
import type * as Y from 'yjs'

/** The ranking as it should be read: first copy of each known id, then missing ids in `candidateIds` order. */
export function readRanking(ranking: Y.Array<string> | readonly string[], candidateIds: readonly string[]): string[] {
  const known = new Set(candidateIds)
  const seen = new Set<string>()
  const out: string[] = []
  for (const id of Array.isArray(ranking) ? ranking : (ranking as Y.Array<string>).toArray()) {
    if (known.has(id) && !seen.has(id)) {
      seen.add(id)
      out.push(id)
    }
  }
  for (const id of candidateIds) if (!seen.has(id)) out.push(id)
  return out
}

/** Moves `id` to `toIndex` (an index in the repaired order) in one transaction. */
export function moveInRanking(ranking: Y.Array<string>, candidateIds: readonly string[], id: string, toIndex: number, origin?: unknown): void {
  const doc = ranking.doc
  const run = () => {
    normalizeRanking(ranking, candidateIds)
    const current = ranking.toArray()
    const from = current.indexOf(id)
    if (from < 0) return
    const to = Math.max(0, Math.min(toIndex, current.length - 1))
    if (from === to) return
    ranking.delete(from, 1)
    ranking.insert(to, [id])
  }
  if (doc) doc.transact(run, origin)
  else run()
}

/**
 * Repairs the array in place so it is a permutation of `candidateIds`; returns whether it wrote.
 * Safe to run on several clients at once: concurrent deletes of the same copy are idempotent, and
 * concurrent appends of a missing id are deduplicated by the next repair.
 */
export function normalizeRanking(ranking: Y.Array<string>, candidateIds: readonly string[]): boolean {
  const known = new Set(candidateIds)
  const seen = new Set<string>()
  const items = ranking.toArray()
  let changed = false
  for (let i = items.length - 1; i >= 0; i--) {
    // Walk backwards so indexes stay valid; decide using the first occurrence.
    const id = items[i]
    if (!known.has(id) || items.indexOf(id) !== i) {
      ranking.delete(i, 1)
      changed = true
    } else seen.add(id)
  }
  const missing = candidateIds.filter((id) => !seen.has(id))
  if (missing.length) {
    ranking.push(missing)
    changed = true
  }
  return changed
}
