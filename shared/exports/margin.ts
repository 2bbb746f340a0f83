/** The margin of a preference pair: from the ratings when every ranked candidate has them, else from rank distance. */
import type { RubricCriterion } from '../types'

/** Where a row's `margin` came from; written on every pair row as `margin_source`. */
export const MarginSource = { ratings: 'ratings', rank: 'rank' } as const
export type MarginSource = (typeof MarginSource)[keyof typeof MarginSource]

/** Scores the margin is computed from, per record. */
export interface MarginBasis {
  source: MarginSource
  /** Candidate id → mean normalised rating in [0, 1]; only for `ratings`. */
  scores: Map<string, number>
  /** Number of ranked candidates, for the rank distance. */
  n: number
}

/**
 * Decides a record's margin basis. Ratings are used when the record's rubric is non-empty and
 * every ranked candidate has a whole score on every criterion's scale: a candidate's score is the mean over
 * criteria of `(score − min) / (max − min)`. Otherwise the rank distance is used.
 */
export function marginBasis(
  ranking: readonly string[],
  ratings: Record<string, Record<string, number>> | undefined,
  rubric: readonly RubricCriterion[] | undefined,
): MarginBasis {
  const scores = new Map<string, number>()
  const criteria = (rubric ?? []).filter((k) => Number.isFinite(k.min) && Number.isFinite(k.max) && k.max > k.min)
  if (criteria.length === 0 || !ratings) return { source: MarginSource.rank, scores, n: ranking.length }
  for (const id of ranking) {
    const row = Object.hasOwn(ratings, id) ? ratings[id] : undefined
    let sum = 0
    for (const k of criteria) {
      const s = row && Object.hasOwn(row, k.id) ? row[k.id] : undefined
      // Scores are whole numbers on the scale; anything else (2.5, off the scale) counts as missing.
      if (!Number.isInteger(s) || (s as number) < k.min || (s as number) > k.max) return { source: MarginSource.rank, scores: new Map(), n: ranking.length }
      sum += ((s as number) - k.min) / (k.max - k.min)
    }
    scores.set(id, sum / criteria.length)
  }
  return { source: MarginSource.ratings, scores, n: ranking.length }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

/**
 * The margin of a pair, in [0, 1]. Ratings: the chosen candidate's score minus the rejected one's,
 * floored at 0 (a pair whose ratings contradict its ranking adds no margin, never a negative one).
 * Rank: the distance in ranks divided by n − 1 (1 for best against worst).
 */
export function pairMargin(basis: MarginBasis, chosen: { id: string; rank: number }, rejected: { id: string; rank: number }): number {
  if (basis.source === MarginSource.ratings) {
    return round(Math.max(0, (basis.scores.get(chosen.id) ?? 0) - (basis.scores.get(rejected.id) ?? 0)))
  }
  return basis.n < 2 ? 0 : round((rejected.rank - chosen.rank) / (basis.n - 1))
}
