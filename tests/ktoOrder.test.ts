/** kto's order and weights as pure functions: the neighbour interleaving, the seeded shuffle, and TRL's ratio check. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { NeighbourInterleaver, seededOrder, seededShuffle } from '../shared/exports/ktoOrder'
import { ktoBalance } from '../shared/exports/ktoWeights'

const test = suite('kto order')

/** The rows of groups (prompt → row count) in the order an interleaver of `window` rows emits them. */
function interleave(groups: [string, number][], window: number): string[] {
  const mix = new NeighbourInterleaver<string>(window)
  const out: string[] = []
  for (const [g, n] of groups) for (let i = 0; i < n; i++) out.push(...mix.push(g, g))
  return [...out, ...mix.flush()]
}
const repeats = (rows: string[]) => rows.filter((g, i) => i > 0 && rows[i - 1] === g).length

test('interleaves kto rows so no two neighbours share a prompt whenever the rows allow it, within a bounded window', () => {
  // 10 records of 3 candidates in task order: today's file has 20 neighbours sharing a prompt.
  const tasks = Array.from({ length: 10 }, (_, i) => [`p${i}`, 3] as [string, number])
  assert.is(repeats(tasks.flatMap(([g, n]) => Array(n).fill(g))), 20, 'negative control: record order repeats')
  for (const window of [4, 16, 256]) {
    const rows = interleave(tasks, window)
    assert.is(rows.length, 30)
    assert.is(repeats(rows), 0, `window ${window}`)
  }
  // One big record among small ones, last in the stream: it is spread among the rows still held.
  const rows = interleave([['a', 2], ['b', 2], ['c', 3], ['d', 2], ['e', 2], ['f', 2], ['g', 2], ['h', 2], ['i', 2], ['j', 2], ['k', 2], ['big', 20]], 52)
  assert.is(repeats(rows), 0)
  // Random multisets in which no prompt holds more than half: never a repeat with the default window.
  let seed = 7
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n)
  for (let round = 0; round < 200; round++) {
    const groups = Array.from({ length: 2 + rand(30) }, (_, i) => [`g${i}`, 2 + rand(25)] as [string, number])
    const total = groups.reduce((a, [, n]) => a + n, 0)
    if (Math.max(...groups.map(([, n]) => n)) * 2 > total + 1) continue
    assert.is(repeats(interleave(groups, 256)), 0, JSON.stringify(groups))
  }
  // Impossible (one prompt is most of the file): the rest still separate it as well as they can.
  const lopsided = interleave([['x', 6], ['y', 2]], 256)
  assert.is(repeats(lopsided), 3, 'x y x y x x x x is the best any order can do')
})

test('orders kto records by a seed: the same for the same seed, another for another, a subset keeping its relative order', () => {
  const keys = Array.from({ length: 40 }, (_, i) => `t${i}\u00001`)
  const a = seededOrder(keys, (k) => k, 0)
  assert.equal(seededOrder([...keys].reverse(), (k) => k, 0), a, 'input order does not matter')
  assert.equal([...a].sort(), [...keys].sort(), 'a permutation')
  assert.not.equal(a, keys, 'not task order')
  assert.not.equal(seededOrder(keys, (k) => k, 1), a, 'another seed, another order')
  const subset = keys.filter((_, i) => i % 3 === 0)
  assert.equal(seededOrder(subset, (k) => k, 0), a.filter((k) => subset.includes(k)))
  const rows = ['r0', 'r1', 'r2', 'r3', 'r4']
  assert.equal(seededShuffle(rows, 't1', 0), seededShuffle(rows, 't1', 0))
  assert.equal([...seededShuffle(rows, 't1', 0)].sort(), rows)
  const firsts = new Set(Array.from({ length: 20 }, (_, i) => seededShuffle(rows, `t${i}`, 0)[0]))
  assert.ok(firsts.size > 1, 'the best candidate is not always first')
})

/** TRL KTOTrainer's own check (after the KTO paper, eq. 8), with its rounding to two decimals. */
function trlAccepts(b: { desirable: number; undesirable: number; desirable_weight: number; undesirable_weight: number }) {
  const round2 = (x: number) => Math.round(x * 100) / 100
  const nd = Math.max(b.desirable, 1)
  const nu = Math.max(b.undesirable, 1)
  if (nd === nu) return true
  const desIn = round2((nu * b.undesirable_weight) / nd) <= b.desirable_weight && b.desirable_weight <= round2(((nu * b.undesirable_weight) / nd) * 1.33)
  const undIn = round2((nd * b.desirable_weight) / nu / 1.33) <= b.undesirable_weight && b.undesirable_weight <= round2((nd * b.desirable_weight) / nu)
  return desIn || undIn
}

test('gives KTO weights that put desirable against undesirable in TRL\'s recommended ratio, from 1 to 4/3', () => {
  assert.not.ok(trlAccepts({ desirable: 10, undesirable: 20, desirable_weight: 1, undesirable_weight: 1 }), 'negative control: 1 and 1 on 10 against 20')
  for (let d = 0; d <= 60; d++) {
    for (let u = 0; u <= 60; u++) {
      const b = ktoBalance(d, u)
      assert.ok(trlAccepts(b), `${d} desirable, ${u} undesirable: ${JSON.stringify(b)}`)
      assert.ok(b.desirable_weight >= 1 && b.undesirable_weight >= 1)
      if (d > 0 && u > 0) {
        const ratio = (b.desirable_weight * d) / (b.undesirable_weight * u)
        assert.ok(ratio >= 1 - 1e-9 && ratio <= 4 / 3, `ratio ${ratio}`)
        assert.ok(Math.abs(ratio - b.ratio!) < 1e-3)
      }
    }
  }
  assert.equal(ktoBalance(10, 20), { desirable: 10, undesirable: 20, desirable_weight: 2, undesirable_weight: 1, ratio: 1 })
  assert.equal(ktoBalance(3, 7).desirable_weight, 2.34)
  assert.equal(ktoBalance(7, 3).undesirable_weight, 2.33)
  assert.equal(ktoBalance(0, 5), { desirable: 0, undesirable: 5, desirable_weight: 5, undesirable_weight: 1, ratio: null }, 'an empty class counts as one row, as in TRL')
  assert.equal(ktoBalance(0, 0), { desirable: 0, undesirable: 0, desirable_weight: 1, undesirable_weight: 1, ratio: null })
})

test.run()
