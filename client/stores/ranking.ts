/** The ranking store: the workspace's `ranking` Y.Array mirrored into Solid, best first. */
import type * as Y from 'yjs'
import { createStore, reconcile } from 'solid-js/store'
import { onCleanup } from 'solid-js'
import { moveInRanking, normalizeRanking, readRanking } from '../../shared/ranking'

/** Origin of the ranking moves made in this tab's UI (stable: Yjs compares origins by identity). */
export const RANKING_ORIGIN = Object.freeze({ source: 'ui' as const, feature: 'ranking' as const })
/** Origin of the repairs this tab makes after a remote change; never undoable. */
export const RANKING_REPAIR_ORIGIN = Object.freeze({ source: 'ui' as const, feature: 'ranking-repair' as const })

/** True when `items` holds every id of `candidateIds` exactly once and nothing else. */
export function isPermutation(items: readonly string[], candidateIds: readonly string[]): boolean {
  if (items.length !== candidateIds.length) return false
  const known = new Set(candidateIds)
  const seen = new Set<string>()
  for (const id of items) {
    if (!known.has(id) || seen.has(id)) return false
    seen.add(id)
  }
  return true
}

/**
 * Repairs the array after a change made elsewhere left duplicates (two concurrent moves of one
 * candidate) or gaps. An empty array is left alone: it is a document that has not synced yet,
 * and seeding it here would race the server's copy (the seed belongs to the import).
 */
export function repairRanking(ranking: Y.Array<string>, candidateIds: readonly string[]): boolean {
  if (ranking.length === 0 || isPermutation(ranking.toArray(), candidateIds)) return false
  let wrote = false
  const run = () => {
    wrote = normalizeRanking(ranking, candidateIds)
  }
  if (ranking.doc) ranking.doc.transact(run, RANKING_REPAIR_ORIGIN)
  else run()
  return wrote
}

/** Moves `id` to `toIndex` of the displayed order, as one undoable UI transaction. */
export function moveCandidate(
  ranking: Y.Array<string>,
  candidateIds: readonly string[],
  id: string,
  toIndex: number,
): void {
  moveInRanking(ranking, candidateIds, id, toIndex, RANKING_ORIGIN)
}

/** Moves `id` by `delta` places (−1 is up, towards best); returns its new index or null. */
export function moveCandidateBy(
  ranking: Y.Array<string>,
  candidateIds: readonly string[],
  id: string,
  delta: number,
): number | null {
  const order = readRanking(ranking, candidateIds)
  const from = order.indexOf(id)
  const to = from + delta
  if (from < 0 || to < 0 || to >= order.length) return null
  moveCandidate(ranking, candidateIds, id, to)
  return to
}

/**
 * Calls `onChange` with the display order now and after every change, repairing the array when
 * a change from elsewhere (another person, the cache, the server) left it broken. Returns the
 * unsubscribe function. The plain core of `createRankingStore`, testable without Solid.
 */
export function watchRanking(
  ranking: Y.Array<string>,
  candidateIds: readonly string[],
  onChange: (order: string[]) => void,
): () => void {
  const observer = (event: Y.YArrayEvent<string>) => {
    // Our moves and repairs leave a permutation, so in practice this repairs remote changes only.
    // A repair is a new transaction whose own event reports the order.
    if (event.transaction.origin !== RANKING_REPAIR_ORIGIN && repairRanking(ranking, candidateIds)) return
    onChange(readRanking(ranking, candidateIds))
  }
  ranking.observe(observer)
  repairRanking(ranking, candidateIds)
  onChange(readRanking(ranking, candidateIds))
  return () => ranking.unobserve(observer)
}

export interface RankingStore {
  /** Candidate ids, best first: always a permutation of the task's candidates. */
  readonly state: { order: string[] }
  move(id: string, toIndex: number): void
  /** Moves by `delta` places; returns the new index, or null at either end. */
  moveBy(id: string, delta: number): number | null
}

/** Mirrors `ranking` into a Solid store for the lifetime of the calling owner. */
export function createRankingStore(ranking: Y.Array<string>, candidateIds: readonly string[]): RankingStore {
  const [state, setState] = createStore<{ order: string[] }>({ order: [] })
  const stop = watchRanking(ranking, candidateIds, (order) => setState('order', reconcile(order)))
  onCleanup(stop)
  return {
    state,
    move: (id, toIndex) => moveCandidate(ranking, candidateIds, id, toIndex),
    moveBy: (id, delta) => moveCandidateBy(ranking, candidateIds, id, delta),
  }
}
