/**
 * The ranking: a Y.Array<string> of the candidate ids someone placed, best first. It starts empty
 * (docs/protocol.md#rooms-and-roots): a candidate is ranked only when a person put it there, so an untouched
 * task is never read as judged, and a deliberate order equal to the import order still counts.
 *
 * Kept a permutation of the placed ids under concurrency. A move is a delete plus an insert; two
 * people moving or placing the same candidate at once leave two copies. Readers take the first
 * copy of each known id (`readRanking`); every client repairs what it sees with
 * `normalizeRanking`, which deletes later copies and anything that is not a known id. A repair
 * never deletes the globally first copy (it only deletes a copy it sees an earlier one of), so a
 * placed candidate leaves the ranking only when someone unplaces it.
 */
import type * as Y from 'yjs'

/** Anything the ranking root may hold: a hostile writer can put any value in it. */
type RankingSource = Y.Array<unknown> | Y.Array<string> | readonly unknown[]

function itemsOf(ranking: RankingSource): readonly unknown[] {
  return Array.isArray(ranking) ? ranking : (ranking as Y.Array<unknown>).toArray()
}

/**
 * The placed candidates, best first: the first copy of each id of `candidateIds`. Non-strings,
 * unknown ids and later copies are absent. Never throws, whatever the array holds.
 */
export function readRanking(ranking: RankingSource, candidateIds: readonly string[]): string[] {
  const known = new Set(candidateIds)
  const seen = new Set<string>()
  const out: string[] = []
  for (const id of itemsOf(ranking)) {
    if (typeof id === 'string' && known.has(id) && !seen.has(id)) {
      seen.add(id)
      out.push(id)
    }
  }
  return out
}

/** The candidates nobody has placed yet, in the task's order (the "Unranked" pool). */
export function unrankedIds(placed: readonly string[], candidateIds: readonly string[]): string[] {
  const inRanking = new Set(placed)
  return candidateIds.filter((id) => !inRanking.has(id))
}

/**
 * Whether the task is ranked: every candidate placed exactly once (docs/protocol.md#rooms-and-roots). `placed` must come
 * from `readRanking`, which already dropped copies and unknown ids.
 */
export function isFullyRanked(placed: readonly string[], candidateIds: readonly string[]): boolean {
  return candidateIds.length > 0 && unrankedIds(placed, candidateIds).length === 0
}

/**
 * Deletes what is not a known candidate id (non-strings, unknown ids); returns whether it wrote.
 * Copies of a known id are kept: readers skip them, and the next move or unplace of that candidate
 * deletes them. A repair must never delete a copy, because the copy it keeps can be deleted at the
 * same moment by someone's move elsewhere (a move deletes every copy it sees and inserts a new
 * one), and then no copy is left: the candidate would vanish from the ranking. Missing ids are
 * NOT added: unplaced is a state, not damage. Call it inside a transaction.
 */
export function normalizeRanking(
  ranking: Y.Array<unknown> | Y.Array<string>,
  candidateIds: readonly string[],
): boolean {
  const known = new Set(candidateIds)
  const items = (ranking as Y.Array<unknown>).toArray()
  let changed = false
  // Walk backwards so the indexes still to visit stay valid.
  for (let i = items.length - 1; i >= 0; i--) {
    const id = items[i]
    if (typeof id !== 'string' || !known.has(id)) {
      ranking.delete(i, 1)
      changed = true
    }
  }
  return changed
}

/** Deletes every copy of `id`, last first. */
function deleteCopies(ranking: Y.Array<string>, id: string): void {
  const items = (ranking as Y.Array<unknown>).toArray()
  for (let i = items.length - 1; i >= 0; i--) if (items[i] === id) ranking.delete(i, 1)
}

function inTransaction(ranking: Y.Array<string>, origin: unknown, run: () => void): void {
  if (ranking.doc) ranking.doc.transact(run, origin)
  else run()
}

/**
 * Places `id` at `toIndex` of the placed order (clamped; past the end appends), or moves it there
 * when it is already placed. One transaction. Unknown ids are ignored.
 */
export function placeInRanking(
  ranking: Y.Array<string>,
  candidateIds: readonly string[],
  id: string,
  toIndex: number,
  origin?: unknown,
): void {
  if (!candidateIds.includes(id)) return
  inTransaction(ranking, origin, () => {
    normalizeRanking(ranking, candidateIds)
    const order = readRanking(ranking, candidateIds)
    const from = order.indexOf(id)
    const last = from < 0 ? order.length : order.length - 1
    const to = Math.max(0, Math.min(Number.isFinite(toIndex) ? Math.trunc(toIndex) : last, last))
    const copies = ranking.toArray().filter((x) => x === id).length
    if (from === to && copies === 1) return
    // A move deletes every copy it sees and inserts one: its own new copy is what survives a
    // concurrent move of the same candidate elsewhere (two copies; readers take the first).
    deleteCopies(ranking, id)
    const rest = readRanking(ranking, candidateIds)
    const at = to < rest.length ? ranking.toArray().indexOf(rest[to]) : ranking.length
    ranking.insert(at, [id])
  })
}

/** Moves an already placed `id` to `toIndex` of the placed order; does nothing if it is unplaced. */
export function moveInRanking(
  ranking: Y.Array<string>,
  candidateIds: readonly string[],
  id: string,
  toIndex: number,
  origin?: unknown,
): void {
  if (!readRanking(ranking, candidateIds).includes(id)) return
  placeInRanking(ranking, candidateIds, id, toIndex, origin)
}

/** Takes `id` out of the ranking (every copy) and back to the unranked pool, in one transaction. */
export function unplaceFromRanking(
  ranking: Y.Array<string>,
  candidateIds: readonly string[],
  id: string,
  origin?: unknown,
): void {
  if (!readRanking(ranking, candidateIds).includes(id)) return
  inTransaction(ranking, origin, () => deleteCopies(ranking, id))
}
