/** The ratings store: rubric scores per candidate and criterion, mirrored from `ratings`. */
import * as Y from 'yjs'
import { createStore, reconcile } from 'solid-js/store'
import { onCleanup } from 'solid-js'
import type { RubricCriterion } from '../../shared/types'
import { isScoreOnScale, readRatings } from '../../shared/readers'

/** Origin of the scores set in this tab's UI (stable: Yjs compares origins by identity). */
export const RATINGS_ORIGIN = Object.freeze({ source: 'ui' as const, feature: 'ratings' as const })

/** Candidate id → criterion id → score, or null when not scored (or the stored value is invalid). */
export type Scores = Record<string, Record<string, number | null>>

/** True when `score` is an integer on `criterion`'s scale (the shared readers' rule). */
export function isValidScore(criterion: RubricCriterion, score: unknown): score is number {
  return isScoreOnScale(criterion, score)
}

/**
 * Reads every score through the shared reader, which walks the task's known candidates and
 * criteria (a client-written `__proto__` never reaches the UI) and drops values of the wrong type
 * or off the scale; the grid shows those cells as null (not scored).
 */
export function readScores(
  ratings: Y.Map<Y.Map<number>>,
  candidateIds: readonly string[],
  rubric: readonly RubricCriterion[],
): Scores {
  const valid = readRatings(ratings, candidateIds, rubric)
  return Object.fromEntries(
    candidateIds.map((id) => [
      id,
      Object.fromEntries(rubric.map((c) => [c.id, Object.hasOwn(valid[id], c.id) ? valid[id][c.id] : null])),
    ]),
  )
}

/**
 * Sets (or with null, clears) one score inside the candidate's pre-created ratings map. Throws
 * a RangeError for a score off the criterion's scale. Returns false, writing nothing, when the
 * candidate's map does not exist yet: creating it here would race the one made at import, and
 * whichever lost would take its scores with it.
 */
export function setScore(
  ratings: Y.Map<Y.Map<number>>,
  candidateId: string,
  criterion: RubricCriterion,
  score: number | null,
): boolean {
  if (score !== null && !isValidScore(criterion, score)) {
    throw new RangeError(
      `${criterion.name} takes a whole number from ${criterion.min} to ${criterion.max}, not ${score}`,
    )
  }
  // Anything but a Y.Map here (a hostile number, a Y.Text) is treated as absent.
  const map: unknown = ratings.get(candidateId)
  if (!(map instanceof Y.Map)) return false
  const write = () => {
    if (score === null) map.delete(criterion.id)
    else map.set(criterion.id, score)
  }
  if (ratings.doc) ratings.doc.transact(write, RATINGS_ORIGIN)
  else write()
  return true
}

/**
 * The score a digit key gives on `criterion`'s scale, or null when the key means nothing there.
 * Scales within 0–9 take the digit as the score itself (what the cell shows); other scales count
 * steps from the minimum (1 is the lowest score).
 */
export function scoreForKey(criterion: RubricCriterion, key: string): number | null {
  if (!/^[0-9]$/.test(key)) return null
  const digit = Number(key)
  const direct = criterion.min >= 0 && criterion.max <= 9
  const score = direct ? digit : criterion.min + digit - 1
  return digit === 0 && !direct ? null : isValidScore(criterion, score) ? score : null
}

/** Calls `onChange` with all scores now and after every change; returns the unsubscribe. */
export function watchScores(
  ratings: Y.Map<Y.Map<number>>,
  candidateIds: readonly string[],
  rubric: readonly RubricCriterion[],
  onChange: (scores: Scores) => void,
): () => void {
  const observer = () => onChange(readScores(ratings, candidateIds, rubric))
  ratings.observeDeep(observer)
  observer()
  return () => ratings.unobserveDeep(observer)
}

/** Scores by position: `grid[candidate index][criterion index]`, null when not scored. */
export type ScoreGrid = (number | null)[][]

/**
 * Scores laid out by the task's candidate and criterion order. The page's store is keyed by
 * position, never by id: a candidate or criterion named `__proto__` or `constructor` is data, and
 * an id-keyed store would drop or misread it.
 */
export function toScoreGrid(scores: Scores, candidateIds: readonly string[], rubric: readonly RubricCriterion[]): ScoreGrid {
  return candidateIds.map((id) => {
    const row = Object.hasOwn(scores, id) ? scores[id] : undefined
    return rubric.map((c) => (row && Object.hasOwn(row, c.id) ? row[c.id] : null))
  })
}

export interface RatingsStore {
  /** The scores by position (see `ScoreGrid`). */
  readonly grid: { rows: ScoreGrid }
  /** Sets or clears a score; false when the candidate's ratings map is not there (yet). */
  set(candidateId: string, criterion: RubricCriterion, score: number | null): boolean
}

/** Mirrors `ratings` into a Solid store for the lifetime of the calling owner. */
export function createRatingsStore(
  ratings: Y.Map<Y.Map<number>>,
  candidateIds: readonly string[],
  rubric: readonly RubricCriterion[],
): RatingsStore {
  const [grid, setGrid] = createStore<{ rows: ScoreGrid }>({ rows: [] })
  const stop = watchScores(ratings, candidateIds, rubric, (next) => setGrid('rows', reconcile(toScoreGrid(next, candidateIds, rubric))))
  onCleanup(stop)
  return {
    grid,
    set: (candidateId, criterion, score) => setScore(ratings, candidateId, criterion, score),
  }
}
