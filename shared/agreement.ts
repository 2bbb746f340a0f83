/** Agreement between independent ballots: Kendall tau-b, top-1, split pairs, Krippendorff's alpha, Borda merge. */

/** One annotator's judgment as plain values (what `readBallot` returns, plus who cast it). */
export interface BallotInput {
  user: string
  /** Placed candidate ids, best first. */
  ranking: readonly string[]
  /** Candidate id → criterion id → score. */
  ratings?: Readonly<Record<string, Readonly<Record<string, number>>>>
}

/**
 * Kendall's tau-b between two rank vectors of equal length (ties allowed, smaller = better or any
 * consistent direction): (C − D) / √((n0 − n1)(n0 − n2)), where C and D count concordant and
 * discordant pairs, n0 = n(n−1)/2 and n1, n2 the pairs tied in x and in y. The same definition as
 * scipy.stats.kendalltau's default. Null when it is undefined (fewer than 2 items, or either
 * vector constant), never NaN.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError(`rank vectors differ in length: ${x.length} and ${y.length}`)
  const n = x.length
  let concordant = 0
  let discordant = 0
  let tiedX = 0
  let tiedY = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j])
      const dy = Math.sign(y[i] - y[j])
      if (dx === 0) tiedX++
      if (dy === 0) tiedY++
      if (dx * dy > 0) concordant++
      else if (dx * dy < 0) discordant++
    }
  }
  const n0 = (n * (n - 1)) / 2
  const denominator = Math.sqrt((n0 - tiedX) * (n0 - tiedY))
  return denominator === 0 ? null : (concordant - discordant) / denominator
}

/**
 * Tau-b between two ballots over the candidates both placed (a candidate one of them has not
 * placed yet says nothing about their agreement). Null when fewer than two are shared.
 */
export function ballotTauB(a: readonly string[], b: readonly string[]): number | null {
  const inB = new Map(b.map((id, i) => [id, i]))
  const shared = a.filter((id) => inB.has(id))
  if (shared.length < 2) return null
  return kendallTauB(
    shared.map((id) => a.indexOf(id)),
    shared.map((id) => inB.get(id)!),
  )
}

/** Tau-b of one pair of ballots, for the lead's agreement view. */
export interface PairAgreement {
  a: string
  b: string
  tau_b: number | null
  /** Whether both put the same candidate first; null while either has placed nothing. */
  same_top: boolean | null
}

/** Every pair of ballots (in input order) with its tau-b and whether their top picks match. */
export function pairwiseAgreement(ballots: readonly BallotInput[]): PairAgreement[] {
  const out: PairAgreement[] = []
  for (let i = 0; i < ballots.length; i++) {
    for (let j = i + 1; j < ballots.length; j++) {
      const [a, b] = [ballots[i], ballots[j]]
      const tops = a.ranking.length && b.ranking.length ? a.ranking[0] === b.ranking[0] : null
      out.push({ a: a.user, b: b.user, tau_b: ballotTauB(a.ranking, b.ranking), same_top: tops })
    }
  }
  return out
}

/** The mean of the defined values, or null when there are none. */
export function meanOf(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null && Number.isFinite(v))
  return defined.length ? defined.reduce((s, v) => s + v, 0) / defined.length : null
}

/** Mean pairwise tau-b of a task's ballots; null when no pair has two shared candidates. */
export function meanTauB(ballots: readonly BallotInput[]): number | null {
  return meanOf(pairwiseAgreement(ballots).map((p) => p.tau_b))
}

/**
 * Top-1 agreement: the share of ballot pairs (both with a first choice) that put the same
 * candidate first. Null when no such pair exists.
 */
export function top1Agreement(ballots: readonly BallotInput[]): number | null {
  const pairs = pairwiseAgreement(ballots).filter((p) => p.same_top !== null)
  return pairs.length ? pairs.filter((p) => p.same_top).length / pairs.length : null
}

/** A candidate pair the team is split on: some ballots prefer `a`, others `b`. */
export interface SplitPair {
  a: string
  b: string
  /** Users whose ballot ranks `a` above `b`. */
  prefer_a: string[]
  /** Users whose ballot ranks `b` above `a`. */
  prefer_b: string[]
}

/**
 * The candidate pairs that split the team: at least one ballot ranks `a` above `b` and at least one
 * ranks `b` above `a` (ballots that have not placed both say nothing). Pairs follow `candidateIds`.
 */
export function splitPairs(ballots: readonly BallotInput[], candidateIds: readonly string[]): SplitPair[] {
  const out: SplitPair[] = []
  const positions = ballots.map((b) => new Map(b.ranking.map((id, i) => [id, i])))
  for (let i = 0; i < candidateIds.length; i++) {
    for (let j = i + 1; j < candidateIds.length; j++) {
      const [a, b] = [candidateIds[i], candidateIds[j]]
      const preferA: string[] = []
      const preferB: string[] = []
      positions.forEach((pos, k) => {
        const [pa, pb] = [pos.get(a), pos.get(b)]
        if (pa === undefined || pb === undefined) return
        ;(pa < pb ? preferA : preferB).push(ballots[k].user)
      })
      if (preferA.length && preferB.length) out.push({ a, b, prefer_a: preferA, prefer_b: preferB })
    }
  }
  return out
}

/**
 * Krippendorff's alpha with the ordinal metric ("Computing Krippendorff's Alpha-Reliability",
 * 2011): `data[unit][coder]` is a value or null (missing). Units with fewer than two values are not
 * pairable and are left out. α = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, with the coincidence
 * matrix o, marginals n_c, n = Σ n_c, and δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k) / 2)². Null when
 * there is nothing to compare (no pairable unit, or a single value everywhere).
 */
export function krippendorffAlphaOrdinal(data: readonly (readonly (number | null)[])[]): number | null {
  const units = data.map((u) => u.filter((v): v is number => v !== null && Number.isFinite(v))).filter((u) => u.length >= 2)
  const values = [...new Set(units.flat())].sort((p, q) => p - q)
  if (values.length < 2) return null
  const index = new Map(values.map((v, i) => [v, i]))
  const k = values.length
  const o: number[][] = values.map(() => new Array<number>(k).fill(0))
  for (const u of units) {
    const m = u.length
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i !== j) o[index.get(u[i])!][index.get(u[j])!] += 1 / (m - 1)
      }
    }
  }
  const marg = o.map((row) => row.reduce((s, v) => s + v, 0))
  const n = marg.reduce((s, v) => s + v, 0)
  const delta2 = (c: number, e: number): number => {
    const [lo, hi] = c <= e ? [c, e] : [e, c]
    let sum = 0
    for (let g = lo; g <= hi; g++) sum += marg[g]
    const d = sum - (marg[c] + marg[e]) / 2
    return d * d
  }
  let observed = 0
  let expected = 0
  for (let c = 0; c < k; c++) {
    for (let e = 0; e < k; e++) {
      const d = delta2(c, e)
      observed += o[c][e] * d
      expected += marg[c] * marg[e] * d
    }
  }
  if (expected === 0) return null
  return 1 - ((n - 1) * observed) / expected
}

/**
 * Rank positions for alpha: one unit per candidate, one coder per ballot, the value the 1-based
 * position the ballot gives it (null where it did not place it).
 */
export function rankUnits(ballots: readonly BallotInput[], candidateIds: readonly string[]): (number | null)[][] {
  return candidateIds.map((id) =>
    ballots.map((b) => {
      const at = b.ranking.indexOf(id)
      return at < 0 ? null : at + 1
    }),
  )
}

/** A criterion's scale, to put scores of different scales on one footing. */
export interface ScaleOf {
  id: string
  min: number
  max: number
}

/**
 * A candidate's mean score over every ballot and criterion, each score scaled to 0–1 on its
 * criterion's scale; null when nobody scored it.
 */
export function meanRating(ballots: readonly BallotInput[], candidateId: string, criteria: readonly ScaleOf[]): number | null {
  const scaled: number[] = []
  for (const b of ballots) {
    const row = b.ratings && Object.hasOwn(b.ratings, candidateId) ? b.ratings[candidateId] : undefined
    if (!row) continue
    for (const c of criteria) {
      if (!Object.hasOwn(row, c.id)) continue
      scaled.push(c.max === c.min ? 1 : (row[c.id] - c.min) / (c.max - c.min))
    }
  }
  return meanOf(scaled)
}

/** One candidate's place in a Borda merge and why. */
export interface BordaRow {
  id: string
  points: number
  mean_rating: number | null
}

/**
 * Borda count over ballots: with n candidates, position p (0-based) earns n − 1 − p points; the
 * candidates a ballot left unplaced share the points left over equally (the usual treatment of a
 * tie). Ties in points are broken by mean rating (higher first, unrated last), then by task order.
 */
export function bordaMerge(
  ballots: readonly BallotInput[],
  candidateIds: readonly string[],
  criteria: readonly ScaleOf[] = [],
): BordaRow[] {
  const n = candidateIds.length
  const known = new Set(candidateIds)
  const points = new Map(candidateIds.map((id) => [id, 0]))
  for (const b of ballots) {
    const placed = [...new Set(b.ranking.filter((id) => known.has(id)))]
    placed.forEach((id, p) => points.set(id, points.get(id)! + (n - 1 - p)))
    const rest = candidateIds.filter((id) => !placed.includes(id))
    // Positions placed.length … n − 1 earn (n − 1 − p) each; the unplaced split their sum.
    const left = rest.length ? (((rest.length - 1) * rest.length) / 2) / rest.length : 0
    for (const id of rest) points.set(id, points.get(id)! + left)
  }
  const rows = candidateIds.map((id, order) => ({
    id,
    order,
    points: points.get(id)!,
    mean_rating: meanRating(ballots, id, criteria),
  }))
  rows.sort(
    (p, q) =>
      q.points - p.points ||
      (q.mean_rating ?? -1) - (p.mean_rating ?? -1) ||
      p.order - q.order,
  )
  return rows.map(({ id, points: pts, mean_rating }) => ({ id, points: pts, mean_rating }))
}

/**
 * The lower median of whole scores: the middle one, or of the two middle ones the lower, so the
 * merged score is always a score someone gave (whole and on the scale). Null for no scores.
 */
export function lowerMedian(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((p, q) => p - q)
  return sorted[Math.floor((sorted.length - 1) / 2)]
}

/**
 * The rubric of merged ballots: per candidate and criterion, the lower median of the scores the
 * ballots gave (a pair nobody scored is absent). Keyed by Maps: ids are data, never object keys.
 */
export function mergeRatings(
  ballots: readonly BallotInput[],
  candidateIds: readonly string[],
  criteria: readonly { id: string }[],
): Map<string, Map<string, number>> {
  const merged = new Map<string, Map<string, number>>()
  for (const id of candidateIds) {
    const row = new Map<string, number>()
    for (const c of criteria) {
      const scores: number[] = []
      for (const b of ballots) {
        const given = b.ratings && Object.hasOwn(b.ratings, id) ? b.ratings[id] : undefined
        const score = given && Object.hasOwn(given, c.id) ? given[c.id] : undefined
        if (Number.isInteger(score)) scores.push(score as number)
      }
      const median = lowerMedian(scores)
      if (median !== null) row.set(c.id, median)
    }
    if (row.size) merged.set(id, row)
  }
  return merged
}
