/** Preference pairs from a ranking: the three expansion policies and their counts. */

/**
 * How a ranking of n candidates becomes pairs: `all` every ordered pair (n(n−1)/2), `best-vs-rest`
 * the best against each other (n−1), `adjacent` each against the next (n−1). In every pair the
 * chosen candidate is ranked above the rejected one.
 */
export const PairPolicy = { all: 'all', bestVsRest: 'best-vs-rest', adjacent: 'adjacent' } as const
export type PairPolicy = (typeof PairPolicy)[keyof typeof PairPolicy]
export const PAIR_POLICIES: readonly PairPolicy[] = Object.values(PairPolicy)

/** Positions in the ranking (0 = best) of one pair; `chosen < rejected` always. */
export interface RankPair {
  chosen: number
  rejected: number
}

/** The pairs of a ranking of `n` candidates under a policy, in a fixed order. */
export function rankPairs(n: number, policy: PairPolicy): RankPair[] {
  const out: RankPair[] = []
  if (policy === PairPolicy.all) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push({ chosen: i, rejected: j })
  } else if (policy === PairPolicy.bestVsRest) {
    for (let j = 1; j < n; j++) out.push({ chosen: 0, rejected: j })
  } else {
    for (let i = 0; i + 1 < n; i++) out.push({ chosen: i, rejected: i + 1 })
  }
  return out
}

/** How many pairs `rankPairs` gives, without building them (for the counts route). */
export function pairCount(n: number, policy: PairPolicy): number {
  if (n < 2) return 0
  return policy === PairPolicy.all ? (n * (n - 1)) / 2 : n - 1
}
