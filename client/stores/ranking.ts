/** The ranking store: the placed candidates best first, and the unranked pool, mirrored from Yjs. */
import type * as Y from 'yjs'
import { createStore, reconcile } from 'solid-js/store'
import { onCleanup } from 'solid-js'
import {
  moveInRanking,
  normalizeRanking,
  placeInRanking,
  readRanking,
  unplaceFromRanking,
  unrankedIds,
} from '../../shared/ranking'

/** Origin of the ranking changes made in this tab's UI (stable: Yjs compares origins by identity). */
export const RANKING_ORIGIN = Object.freeze({ source: 'ui' as const, feature: 'ranking' as const })
/** Origin of the repairs this tab makes after a remote change; never undoable. */
export const RANKING_REPAIR_ORIGIN = Object.freeze({
  source: 'ui' as const,
  feature: 'ranking-repair' as const,
})

/** What the UI shows: the placed candidates best first, and the rest in the task's order. */
export interface RankingView {
  placed: string[]
  unranked: string[]
}

/** Reads the array through the shared reader (first copy of each known id) into a view. */
export function readRankingView(ranking: Y.Array<string>, candidateIds: readonly string[]): RankingView {
  const placed = readRanking(ranking, candidateIds)
  return { placed, unranked: unrankedIds(placed, candidateIds) }
}

/**
 * Repairs the array after a change made elsewhere left values that are not candidate ids.
 * Returns whether it wrote. Copies of a candidate (two concurrent moves of it) stay until its next
 * move: deleting one here could race a move elsewhere and lose the candidate (shared/ranking.ts).
 * Never adds a candidate: an unplaced one stays unplaced until someone places it.
 */
export function repairRanking(ranking: Y.Array<string>, candidateIds: readonly string[]): boolean {
  const known = new Set(candidateIds)
  const items: unknown[] = ranking.toArray()
  if (items.every((id) => typeof id === 'string' && known.has(id))) return false
  let wrote = false
  const run = () => {
    wrote = normalizeRanking(ranking, candidateIds)
  }
  if (ranking.doc) ranking.doc.transact(run, RANKING_REPAIR_ORIGIN)
  else run()
  return wrote
}

/** Places `id` (or moves it, if placed) at `toIndex` of the placed order, as one UI transaction. */
export function placeCandidate(
  ranking: Y.Array<string>,
  candidateIds: readonly string[],
  id: string,
  toIndex = Number.POSITIVE_INFINITY,
): void {
  placeInRanking(ranking, candidateIds, id, toIndex, RANKING_ORIGIN)
}

/** Moves a placed `id` to `toIndex` of the placed order, as one UI transaction. */
export function moveCandidate(
  ranking: Y.Array<string>,
  candidateIds: readonly string[],
  id: string,
  toIndex: number,
): void {
  moveInRanking(ranking, candidateIds, id, toIndex, RANKING_ORIGIN)
}

/** Moves a placed `id` by `delta` places (−1 is up, towards best); returns its new index or null. */
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

/** Takes `id` out of the ranking, back to the unranked pool, as one UI transaction. */
export function unplaceCandidate(
  ranking: Y.Array<string>,
  candidateIds: readonly string[],
  id: string,
): void {
  unplaceFromRanking(ranking, candidateIds, id, RANKING_ORIGIN)
}

/**
 * Calls `onChange` with the view now and after every change, repairing the array when a change
 * from elsewhere (another person, the cache, the server) left it broken. Returns the unsubscribe
 * function. The plain core of `createRankingStore`, testable without Solid.
 */
export function watchRanking(
  ranking: Y.Array<string>,
  candidateIds: readonly string[],
  onChange: (view: RankingView) => void,
): () => void {
  const observer = (event: Y.YArrayEvent<string>) => {
    // Our own changes leave a clean array, so in practice this repairs remote changes only.
    // A repair is a new transaction whose own event reports the view.
    if (event.transaction.origin !== RANKING_REPAIR_ORIGIN && repairRanking(ranking, candidateIds)) return
    onChange(readRankingView(ranking, candidateIds))
  }
  ranking.observe(observer)
  repairRanking(ranking, candidateIds)
  onChange(readRankingView(ranking, candidateIds))
  return () => ranking.unobserve(observer)
}

/** The ranking as the panel uses it: the view and the actions, each one UI transaction. */
export interface RankingStore {
  /** The placed candidates best first, and the unranked ones in the task's order. */
  readonly state: RankingView
  /** Places `id` at `toIndex` (default: the end), or moves it there if placed. */
  place(id: string, toIndex?: number): void
  move(id: string, toIndex: number): void
  /** Moves by `delta` places; returns the new index, or null at either end. */
  moveBy(id: string, delta: number): number | null
  unplace(id: string): void
}

/** Mirrors `ranking` into a Solid store for the lifetime of the calling owner. */
export function createRankingStore(ranking: Y.Array<string>, candidateIds: readonly string[]): RankingStore {
  const [state, setState] = createStore<RankingView>({ placed: [], unranked: [] })
  const stop = watchRanking(ranking, candidateIds, (view) => setState(reconcile(view)))
  onCleanup(stop)
  return {
    state,
    place: (id, toIndex) => placeCandidate(ranking, candidateIds, id, toIndex),
    move: (id, toIndex) => moveCandidate(ranking, candidateIds, id, toIndex),
    moveBy: (id, delta) => moveCandidateBy(ranking, candidateIds, id, delta),
    unplace: (id) => unplaceCandidate(ranking, candidateIds, id),
  }
}
