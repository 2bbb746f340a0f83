/** shared/quality.ts against hand-computed examples: gold agreement, first-time-right, medians, rows. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { firstTimeRight, goldSummary, judgeAgainstGold, median, qualityRow, resolveGoldRanking } from '../shared/quality'
import type { WorkflowEvent } from '../shared/quality'

const test = suite('quality math')

test('a ranking equal to gold has tau-b 1 and the same first; the reversed ranking has tau-b -1 and another first', () => {
  assert.equal(judgeAgainstGold(['a', 'b', 'c'], ['a', 'b', 'c']), { tau_b: 1, top1: true })
  assert.equal(judgeAgainstGold(['c', 'b', 'a'], ['a', 'b', 'c']), { tau_b: -1, top1: false })
})

test('one swapped pair of three gives tau-b (2 - 1) / 3 = 1/3, and an empty ranking judges nothing', () => {
  // gold a>b>c, theirs b>a>c: pairs (a,b) discordant, (a,c) and (b,c) concordant.
  const j = judgeAgainstGold(['b', 'a', 'c'], ['a', 'b', 'c'])
  assert.ok(Math.abs(j.tau_b! - 1 / 3) < 1e-12, String(j.tau_b))
  assert.is(j.top1, false)
  assert.equal(judgeAgainstGold([], ['a', 'b', 'c']), { tau_b: null, top1: null })
})

test('the gold summary averages tau-b and counts top-1 over judgments that have a first, and is null with none', () => {
  const s = goldSummary([
    { tau_b: 1, top1: true },
    { tau_b: -1, top1: false },
    { tau_b: 1 / 3, top1: false },
    { tau_b: null, top1: null },
  ])
  assert.is(s.gold_judged, 4)
  assert.ok(Math.abs(s.gold_tau_b! - 1 / 9) < 1e-12, String(s.gold_tau_b))
  assert.ok(Math.abs(s.gold_top1! - 1 / 3) < 1e-12, String(s.gold_top1))
  assert.equal(goldSummary([]), { gold_judged: 0, gold_tau_b: null, gold_top1: null })
})

test('the median of an odd count is the middle value and of an even count the mean of the two middle ones', () => {
  assert.is(median([7, 1, 3]), 3)
  assert.is(median([4, 1, 3, 10]), 3.5)
  assert.is(median([5]), 5)
  assert.is(median([]), null)
  assert.is(median([NaN, 2]), 2, 'a value that is not a number is not counted')
})

const ev = (task: string, revision: number, action: string, by: string): WorkflowEvent => ({ task, revision, action, by })

test('first-time-right is 0.5 when one of two decided submissions was sent back, and a pending one counts for nothing', () => {
  const events = [
    ev('t1', 0, 'submit', 'ann'),
    ev('t1', 0, 'finalize', 'lead'),
    ev('t2', 0, 'submit', 'ann'),
    ev('t2', 0, 'request_changes', 'lead'),
    ev('t2', 0, 'submit', 'ann'),
    ev('t2', 0, 'finalize', 'lead'),
    ev('t3', 0, 'submit', 'ann'),
    ev('t4', 0, 'submit', 'bob'),
    ev('t4', 0, 'finalize', 'lead'),
  ]
  assert.is(firstTimeRight(events, 'ann'), 0.5)
  assert.is(firstTimeRight(events, 'bob'), 1, 'positive control: another person finalized first time')
  assert.is(firstTimeRight(events, 'cat'), null, 'nothing submitted')
  assert.is(firstTimeRight([ev('t3', 0, 'submit', 'ann')], 'ann'), null, 'nothing decided yet')
})

test('first-time-right counts per revision: a reopened task submitted again and finalized is right in its new revision', () => {
  const events = [
    ev('t1', 0, 'submit', 'ann'),
    ev('t1', 0, 'request_changes', 'lead'),
    ev('t1', 0, 'submit', 'ann'),
    ev('t1', 0, 'finalize', 'lead'),
    ev('t1', 1, 'submit', 'ann'),
    ev('t1', 1, 'finalize', 'lead'),
  ]
  assert.is(firstTimeRight(events, 'ann'), 0.5)
})

test('a row has median minutes of the positive active times, peer tau-b null outside independent mode, and no NaN', () => {
  const row = qualityRow({ user: 'u1', name: 'Ann', submitted: 0, gold: [], firstTimeRight: null, activeMs: [0, 60_000, 180_000], peers: null })
  assert.equal(row, {
    user: 'u1',
    name: 'Ann',
    submitted: 0,
    gold_judged: 0,
    gold_tau_b: null,
    gold_top1: null,
    first_time_right: null,
    median_active_minutes: 2,
    peer_tau_b: null,
  })
  const peers = qualityRow({ user: 'u1', name: 'Ann', submitted: 2, gold: [], firstTimeRight: 0.5, activeMs: [], peers: [1, null, 0] })
  assert.is(peers.peer_tau_b, 0.5)
  assert.is(peers.median_active_minutes, null)
  assert.not.ok(Object.values(peers).some((v) => typeof v === 'number' && Number.isNaN(v)))
})

const blind = [
  { id: 'c_x', import_id: 'a' },
  { id: 'c_y', import_id: 'b' },
  { id: 'c_z', import_id: 'c' },
]

test('a gold ranking is read in room ids or in import ids, and anything but a permutation names its problem', () => {
  assert.equal(resolveGoldRanking(['c_y', 'c_x', 'c_z'], blind), { ranking: ['c_y', 'c_x', 'c_z'] })
  assert.equal(resolveGoldRanking(['b', 'a', 'c'], blind), { ranking: ['c_y', 'c_x', 'c_z'] }, 'import ids map to room ids')
  assert.match((resolveGoldRanking(['b', 'a'], blind) as { problem: string }).problem, /missing: c$/, 'named in the ids it was given in')
  assert.match((resolveGoldRanking(['b', 'b', 'a'], blind) as { problem: string }).problem, /twice/)
  assert.match((resolveGoldRanking(['c_y', 'a', 'c_z'], blind) as { problem: string }).problem, /not a candidate/)
  assert.match((resolveGoldRanking(['q', 'a', 'b'], blind) as { problem: string }).problem, /"q"/)
})

test('a ranking whose ids read as room ids and as import ids naming different candidates is refused as ambiguous', () => {
  const swapped = [
    { id: 'a', import_id: 'b' },
    { id: 'b', import_id: 'a' },
  ]
  assert.match((resolveGoldRanking(['a', 'b'], swapped) as { problem: string }).problem, /ambiguous/)
  const plain = [{ id: 'a' }, { id: 'b' }]
  assert.equal(resolveGoldRanking(['b', 'a'], plain), { ranking: ['b', 'a'] }, 'positive control: the same ids with no import ids')
})

test.run()
