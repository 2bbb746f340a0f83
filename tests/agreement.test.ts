/** The agreement measures against published and hand-computed examples, ties included. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ballotTauB,
  bordaMerge,
  kendallTauB,
  krippendorffAlphaOrdinal,
  meanTauB,
  rankUnits,
  splitPairs,
  top1Agreement,
} from '../shared/agreement'
import type { BallotInput } from '../shared/agreement'

const test = suite('agreement')
const close = (actual: number | null, expected: number, digits = 1e-12) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < digits, `expected ${expected}, got ${actual}`)

test('tau-b matches scipy\'s documented example with ties in both vectors', () => {
  close(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]), -0.47140452079103173)
})

test('tau-b is 1 for the same order, -1 for the reverse, and null when a vector is constant', () => {
  assert.is(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40]), 1)
  assert.is(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]), -1)
  assert.is(kendallTauB([1, 1, 1], [1, 2, 3]), null)
  assert.is(kendallTauB([1], [1]), null)
  assert.throws(() => kendallTauB([1, 2], [1]), /differ in length/)
})

test('tau-b with ties in one vector only is computed by hand', () => {
  // pairs: (0,1) tie in x; (0,2) C; (1,2) C; n0 = 3, n1 = 1, n2 = 0 → 2 / √(2·3)
  close(kendallTauB([1, 1, 2], [1, 2, 3]), 2 / Math.sqrt(6))
})

test('ballot tau-b compares only the candidates both ballots placed', () => {
  assert.is(ballotTauB(['a', 'b', 'c'], ['a', 'b', 'c']), 1)
  assert.is(ballotTauB(['a', 'b', 'c'], ['c', 'b', 'a']), -1)
  // b has not placed c: over {a, b} they agree
  assert.is(ballotTauB(['a', 'b', 'c'], ['a', 'b']), 1)
  assert.is(ballotTauB(['a', 'b'], ['a']), null)
})

test('mean tau-b and top-1 agreement average over ballot pairs', () => {
  const ballots = [
    { user: 'u1', ranking: ['a', 'b', 'c'] },
    { user: 'u2', ranking: ['a', 'c', 'b'] },
    { user: 'u3', ranking: ['c', 'b', 'a'] },
  ]
  // u1–u2: 1/3; u1–u3: −1; u2–u3: −1/3 → mean −1/3
  close(meanTauB(ballots), -1 / 3)
  // same top: u1–u2 only, of three pairs
  close(top1Agreement(ballots), 1 / 3)
  assert.is(top1Agreement([{ user: 'u1', ranking: [] }, { user: 'u2', ranking: ['a'] }]), null)
})

test('split pairs list the candidate pairs the ballots order differently, with who prefers which', () => {
  const ballots = [
    { user: 'u1', ranking: ['a', 'b', 'c'] },
    { user: 'u2', ranking: ['a', 'c', 'b'] },
    { user: 'u3', ranking: ['a', 'b'] },
  ]
  assert.equal(splitPairs(ballots, ['a', 'b', 'c']), [{ a: 'b', b: 'c', prefer_a: ['u1'], prefer_b: ['u2'] }])
  // positive control: agreeing ballots split nothing
  assert.equal(splitPairs(ballots.slice(0, 1).concat(ballots[2]), ['a', 'b', 'c']), [])
})

test('ordinal alpha is 0.815 on Krippendorff\'s 2011 reference reliability data with missing values', () => {
  const _ = null
  const coders = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
  ]
  const units = coders[0].map((_v, u) => coders.map((c) => c[u]))
  const alpha = krippendorffAlphaOrdinal(units)
  assert.is(alpha?.toFixed(3), '0.815')
})

test('ordinal alpha is 1 for identical rankings, below 0 for reversed ones, null with nothing to compare', () => {
  const same = rankUnits([{ user: 'u1', ranking: ['a', 'b', 'c'] }, { user: 'u2', ranking: ['a', 'b', 'c'] }], ['a', 'b', 'c'])
  assert.is(krippendorffAlphaOrdinal(same), 1)
  const reversed = rankUnits([{ user: 'u1', ranking: ['a', 'b', 'c'] }, { user: 'u2', ranking: ['c', 'b', 'a'] }], ['a', 'b', 'c'])
  assert.ok(krippendorffAlphaOrdinal(reversed)! < 0)
  assert.is(krippendorffAlphaOrdinal([[1, null], [null, 2]]), null)
})

test('rank units hold 1-based positions per candidate and ballot, null where unplaced', () => {
  assert.equal(rankUnits([{ user: 'u1', ranking: ['b', 'a'] }, { user: 'u2', ranking: ['a'] }], ['a', 'b']), [
    [2, 1],
    [1, null],
  ])
})

test('Borda merge adds n-1-p points per ballot and splits the leftover points among unplaced candidates', () => {
  const merged = bordaMerge(
    [
      { user: 'u1', ranking: ['a', 'b', 'c'] },
      { user: 'u2', ranking: ['b', 'a', 'c'] },
      { user: 'u3', ranking: ['b'] },
    ],
    ['a', 'b', 'c'],
  )
  // a: 2 + 1 + 0.5 = 3.5; b: 1 + 2 + 2 = 5; c: 0 + 0 + 0.5 = 0.5
  assert.equal(merged.map((r) => [r.id, r.points]), [['b', 5], ['a', 3.5], ['c', 0.5]])
})

test('Borda ties are broken by mean rating on a 0-1 footing, then by task order', () => {
  const criteria = [
    { id: 'q', min: 1, max: 5 },
    { id: 'r', min: 0, max: 1 },
  ]
  const ballots: BallotInput[] = [
    { user: 'u1', ranking: ['a', 'b', 'c'], ratings: { a: { q: 2, r: 0 }, b: { q: 5, r: 1 }, c: { q: 1 } } },
    { user: 'u2', ranking: ['b', 'a', 'c'], ratings: { a: { q: 3 }, b: { q: 4 } } },
  ]
  // a and b tie on 3 points; b's mean rating (1, 1, 0.75)/3 beats a's (0.25, 0, 0.5)/3
  const merged = bordaMerge(ballots, ['a', 'b', 'c'], criteria)
  assert.equal(merged.map((r) => r.id), ['b', 'a', 'c'])
  close(merged[0].mean_rating, 2.75 / 3)
  // without ratings the tie falls back to the task's order
  const unrated = bordaMerge(ballots.map(({ user, ranking }) => ({ user, ranking })), ['a', 'b', 'c'], criteria)
  assert.equal(unrated.map((r) => r.id), ['a', 'b', 'c'])
  assert.is(unrated[0].mean_rating, null)
})

test.run()
