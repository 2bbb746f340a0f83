/**
 * The client stores' Yjs logic, in Node: what each store reads from Y data and what its actions
 * write. Solid's reactivity does not run under Node's `node` export condition (it resolves the
 * server build), so the stores keep that logic in plain functions (`watchX`, `readX`, `setX`)
 * tested here; the Solid binding is covered by the browser tests.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import { Awareness } from 'y-protocols/awareness'
import { getWorkspace, seedWorkspace } from '../shared/schema'
import type { RubricCriterion, TaskSummary } from '../shared/types'
import {
  moveCandidate,
  moveCandidateBy,
  placeCandidate,
  RANKING_ORIGIN,
  readRankingView,
  repairRanking,
  unplaceCandidate,
  watchRanking,
} from '../client/stores/ranking'
import type { RankingView } from '../client/stores/ranking'
import { computeProgress } from '../shared/progress'
import { RATINGS_ORIGIN, readScores, scoreForKey, setScore, watchScores } from '../client/stores/ratings'
import { describeView, readPresence, watchPresence } from '../client/stores/presence'
import { parsePresenceEvent, withPresence } from '../client/stores/queue'

const IDS = ['a', 'b', 'c', 'd']
const RUBRIC: RubricCriterion[] = [
  { id: 'correctness', name: 'Correctness', description: 'Right answers.', min: 1, max: 5 },
  { id: 'style', name: 'Style', description: 'Readable.', min: 0, max: 3 },
]

function shuffle<T>(gen: prng.PRNG, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = prng.uint32(gen, 0, i)
    ;[items[i], items[j]] = [items[j], items[i]]
  }
}

/** True when the array holds known ids only (copies allowed: readers take the first). */
function isClean(items: readonly unknown[]): boolean {
  return items.every((id) => IDS.includes(id as string))
}

/**
 * Peers over an in-memory network that holds every update until `flush`, so edits made between
 * two flushes are concurrent. Each peer mirrors its ranking through `watchRanking`, as the UI does.
 */
function network(count: number) {
  const docs = Array.from({ length: count }, () => new Y.Doc())
  const queues: Uint8Array[][] = docs.map(() => [])
  const REMOTE = { source: 'test-remote' }
  docs.forEach((doc, i) =>
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return
      queues.forEach((q, j) => j !== i && q.push(update))
    }),
  )
  seedWorkspace(docs[0], { candidates: IDS.map((id) => ({ id })) }, null)
  const views: RankingView[] = docs.map(() => ({ placed: [], unranked: [] }))
  const stops = docs.map((doc, i) =>
    watchRanking(getWorkspace(doc).ranking, IDS, (view) => (views[i] = view)),
  )
  /** Delivers the first `count` updates queued for peer `i`, and only those. */
  const deliver = (i: number, count: number) => {
    for (const u of queues[i].splice(0, count)) Y.applyUpdate(docs[i], u, REMOTE)
  }
  /** Delivers queued updates (in a seeded random order when `gen` is given) until quiet. */
  const flush = (gen?: prng.PRNG) => {
    for (let round = 0; round < 20 && queues.some((q) => q.length); round++) {
      docs.forEach((doc, i) => {
        const pending = queues[i].splice(0)
        if (gen) shuffle(gen, pending)
        for (const u of pending) Y.applyUpdate(doc, u, REMOTE)
      })
    }
    assert.ok(queues.every((q) => q.length === 0), 'the network goes quiet')
  }
  const destroy = () => {
    stops.forEach((stop) => stop())
    docs.forEach((d) => d.destroy())
  }
  return { docs, views, flush, deliver, destroy, ranking: (i: number) => getWorkspace(docs[i]).ranking }
}

const ranking = suite('ranking store')

ranking('starts with every candidate unranked and follows a remote placement', () => {
  const net = network(2)
  try {
    net.flush()
    assert.equal(net.views[1], { placed: [], unranked: IDS }, 'nothing is ranked by default')
    placeCandidate(net.ranking(0), IDS, 'c')
    placeCandidate(net.ranking(0), IDS, 'a')
    assert.equal(net.views[0], { placed: ['c', 'a'], unranked: ['b', 'd'] }, 'the placer sees it at once')
    net.flush()
    assert.equal(net.views[1], { placed: ['c', 'a'], unranked: ['b', 'd'] })
    moveCandidate(net.ranking(1), IDS, 'a', 0)
    unplaceCandidate(net.ranking(1), IDS, 'c')
    net.flush()
    assert.equal(net.views[0], { placed: ['a'], unranked: ['b', 'c', 'd'] })
  } finally {
    net.destroy()
  }
})

ranking('counts a task as ranked only when every candidate is placed, in any deliberate order', () => {
  const doc = new Y.Doc()
  const task = { candidates: IDS.map((id) => ({ id })) }
  seedWorkspace(doc, task, null)
  const ranking = getWorkspace(doc).ranking
  assert.is(computeProgress(doc, task, RUBRIC).ranked, false, 'an untouched task is not ranked')
  for (const id of IDS.slice(0, 3)) placeCandidate(ranking, IDS, id)
  assert.is(computeProgress(doc, task, RUBRIC).ranked, false, 'three of four placed')
  placeCandidate(ranking, IDS, 'd')
  assert.equal(ranking.toArray(), IDS, 'the import order, placed on purpose')
  assert.is(computeProgress(doc, task, RUBRIC).ranked, true, 'the import order counts when chosen')
  unplaceCandidate(ranking, IDS, 'b')
  assert.is(computeProgress(doc, task, RUBRIC).ranked, false, 'unplacing one unranks the task')
  doc.destroy()
})

ranking('writes placements, moves and unplacements with the stable UI origin', () => {
  const doc = new Y.Doc()
  seedWorkspace(doc, { candidates: IDS.map((id) => ({ id })) }, null)
  const array = getWorkspace(doc).ranking
  const origins: unknown[] = []
  doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin))
  placeCandidate(array, IDS, 'a')
  placeCandidate(array, IDS, 'b')
  placeCandidate(array, IDS, 'c', 0)
  assert.is(moveCandidateBy(array, IDS, 'b', -1), 1)
  assert.is(moveCandidateBy(array, IDS, 'c', -1), null, 'no move past the top')
  assert.is(moveCandidateBy(array, IDS, 'a', 1), null, 'no move past the bottom')
  assert.is(moveCandidateBy(array, IDS, 'd', -1), null, 'an unplaced candidate does not move')
  moveCandidate(array, IDS, 'd', 0)
  placeCandidate(array, IDS, 'zz')
  assert.equal(array.toArray(), ['c', 'b', 'a'], 'unknown and unplaced ids are ignored')
  unplaceCandidate(array, IDS, 'b')
  assert.equal(array.toArray(), ['c', 'a'])
  assert.equal(origins, Array(5).fill(RANKING_ORIGIN))
  doc.destroy()
})

ranking('shows one place per candidate when two people place or move the same candidate at once', () => {
  const net = network(2)
  try {
    net.flush()
    placeCandidate(net.ranking(0), IDS, 'b')
    placeCandidate(net.ranking(1), IDS, 'b')
    placeCandidate(net.ranking(1), IDS, 'a')
    net.flush()
    assert.ok(isClean(net.ranking(0).toArray()), JSON.stringify(net.ranking(0).toArray()))
    assert.equal(net.ranking(1).toArray(), net.ranking(0).toArray(), 'both documents hold the same order')
    assert.equal(net.views[0].placed.length, 2, 'each candidate shows once')
    assert.equal(new Set(net.views[0].placed), new Set(['a', 'b']))
    moveCandidate(net.ranking(0), IDS, 'a', 0)
    moveCandidate(net.ranking(1), IDS, 'a', 1)
    net.flush()
    const [x, y] = [net.ranking(0).toArray(), net.ranking(1).toArray()]
    assert.equal(x, y)
    const placed = readRankingView(net.ranking(0), IDS).placed
    assert.equal([...placed].sort(), ['a', 'b'], `a permutation of the placed ids, not ${JSON.stringify(x)}`)
    assert.equal(net.views[1].placed, placed, 'the store shows the first copy of each')
  } finally {
    net.destroy()
  }
})

ranking('converges and never loses a placed candidate under seeded random placements, moves and crossing updates', () => {
  const seed = Number(process.env.SEED ?? Date.now() % 1_000_000)
  const gen = prng.create(seed)
  const net = network(3)
  try {
    net.flush()
    // Placed by someone and unplaced by nobody since: must still be placed, whatever crossed.
    const mustStay = new Set<string>()
    for (let round = 0; round < 500; round++) {
      const actors = prng.uint32(gen, 1, 3)
      for (let m = 0; m < actors; m++) {
        const peer = prng.uint32(gen, 0, 2)
        const array = net.ranking(peer)
        const id = IDS[prng.uint32(gen, 0, IDS.length - 1)]
        const roll = prng.uint32(gen, 0, 9)
        if (roll < 5) {
          // A placement that writes nothing (already there) does not outvote a concurrent unplace.
          const before = array.toArray().join()
          placeCandidate(array, IDS, id, prng.uint32(gen, 0, IDS.length))
          if (array.toArray().join() !== before) mustStay.add(id)
        } else if (roll < 8) moveCandidate(array, IDS, id, prng.uint32(gen, 0, IDS.length - 1))
        else {
          unplaceCandidate(array, IDS, id)
          mustStay.delete(id)
        }
        // Sometimes a peer hears one update before the next round's edits: frames cross.
        if (prng.uint32(gen, 0, 3) === 0) net.deliver(prng.uint32(gen, 0, 2), 1)
      }
      net.flush(gen)
      const placedNow = readRankingView(net.ranking(0), IDS).placed
      for (const id of mustStay) assert.ok(placedNow.includes(id), `seed ${seed}, round ${round}: ${id} lost`)
      const arrays = [0, 1, 2].map((i) => net.ranking(i).toArray())
      assert.ok(isClean(arrays[0]), `seed ${seed}, round ${round}: ${JSON.stringify(arrays[0])}`)
      assert.equal(arrays[1], arrays[0], `seed ${seed}, round ${round}: peers 0 and 1 agree`)
      assert.equal(arrays[2], arrays[0], `seed ${seed}, round ${round}: peers 0 and 2 agree`)
      assert.equal(net.views[2], readRankingView(net.ranking(0), IDS), `seed ${seed}: the store shows the document`)
    }
  } finally {
    net.destroy()
  }
})

ranking('repairs junk left by a remote change, leaves copies to the readers, and never places anyone', () => {
  const doc = new Y.Doc()
  const array = getWorkspace(doc).ranking
  assert.is(repairRanking(array, IDS), false, 'an empty ranking is not damaged')
  ;(array as Y.Array<unknown>).push(['b', 'a', 'b', 'x', 7, new Y.Map(), 'c'])
  assert.is(repairRanking(array, IDS), true)
  assert.equal(array.toArray(), ['b', 'a', 'b', 'c'], 'junk goes, the copy of b stays, d stays unplaced')
  assert.equal(readRankingView(array, IDS).placed, ['b', 'a', 'c'], 'readers take the first copy')
  assert.is(repairRanking(array, IDS), false, 'a ranking of known ids is left alone')
  moveCandidate(array, IDS, 'b', 2)
  assert.equal(array.toArray(), ['a', 'c', 'b'], 'the next move of b deletes its copies')
  doc.destroy()
})

const ratings = suite('ratings store')

function ratingsDoc() {
  const doc = new Y.Doc()
  seedWorkspace(doc, { candidates: IDS.map((id) => ({ id })) }, null)
  return { doc, ratings: getWorkspace(doc).ratings }
}

ratings('writes a score into the candidate\'s existing map with the UI origin', () => {
  const { doc, ratings: map } = ratingsDoc()
  const nested = map.get('b')
  let origin: unknown
  doc.on('afterTransaction', (tr: Y.Transaction) => (origin = tr.origin))
  assert.is(setScore(map, 'b', RUBRIC[0], 4), true)
  assert.is(map.get('b'), nested, 'the nested map is never replaced')
  assert.is(nested?.get('correctness'), 4)
  assert.is(origin, RATINGS_ORIGIN)
  assert.is(setScore(map, 'b', RUBRIC[0], null), true)
  assert.is(nested?.has('correctness'), false, 'null clears the score')
  doc.destroy()
})

ratings('refuses scores off the scale and writes nothing', () => {
  const { doc, ratings: map } = ratingsDoc()
  let updates = 0
  doc.on('update', () => updates++)
  for (const bad of [0, 6, 2.5, Number.NaN, -1]) {
    assert.throws(() => setScore(map, 'a', RUBRIC[0], bad), RangeError, `refuses ${bad}`)
  }
  assert.throws(() => setScore(map, 'a', RUBRIC[1], 4), RangeError)
  assert.is(setScore(map, 'a', RUBRIC[1], 0), true, 'the minimum of a 0–3 scale is fine')
  assert.is(updates, 1)
  doc.destroy()
})

ratings('never creates a candidate\'s map that the import did not', () => {
  const doc = new Y.Doc()
  const map = getWorkspace(doc).ratings
  assert.is(setScore(map, 'a', RUBRIC[0], 3), false)
  assert.is(map.size, 0)
  doc.destroy()
})

ratings('reads only known candidates and criteria, and drops invalid stored values', () => {
  const { doc, ratings: map } = ratingsDoc()
  map.get('a')!.set('correctness', 9)
  map.get('a')!.set('style', 2)
  map.get('a')!.set('__proto__', 3)
  map.set('__proto__', new Y.Map<number>())
  const scores = readScores(map, IDS, RUBRIC)
  assert.equal(Object.keys(scores), IDS)
  assert.equal({ ...scores.a }, { correctness: null, style: 2 })
  assert.equal({ ...scores.d }, { correctness: null, style: null })
  doc.destroy()
})

ratings('follows scores set by someone else', () => {
  const a = ratingsDoc()
  const b = new Y.Doc()
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a.doc))
  const seen: (number | null)[] = []
  const stop = watchScores(getWorkspace(b).ratings, IDS, RUBRIC, (s) => seen.push(s.c.correctness))
  a.doc.on('update', (u: Uint8Array) => Y.applyUpdate(b, u))
  setScore(a.ratings, 'c', RUBRIC[0], 5)
  setScore(a.ratings, 'c', RUBRIC[0], 2)
  assert.equal(seen, [null, 5, 2])
  stop()
  a.doc.destroy()
  b.destroy()
})

ratings('maps digit keys onto the scale', () => {
  assert.is(scoreForKey(RUBRIC[0], '3'), 3)
  assert.is(scoreForKey(RUBRIC[0], '6'), null, 'above the maximum')
  assert.is(scoreForKey(RUBRIC[0], '0'), null, 'below the minimum')
  assert.is(scoreForKey(RUBRIC[1], '0'), 0, 'a 0–3 scale takes 0 as itself')
  assert.is(scoreForKey(RUBRIC[0], 'x'), null)
  const wide: RubricCriterion = { id: 'w', name: 'W', description: '', min: -2, max: 2 }
  assert.is(scoreForKey(wide, '1'), -2, 'a scale outside 0–9 counts steps from its minimum')
  assert.is(scoreForKey(wide, '5'), 2)
  assert.is(scoreForKey(wide, '6'), null)
})

const presence = suite('presence store')

const user = (id: string, name: string, color = '#2e86ab') => ({ id, name, role: 'annotator', color, colorLight: `${color}33` })

presence('shows each user once, yourself first, with role, safe colour and view', () => {
  const states = new Map<number, Record<string, unknown>>([
    [10, { user: user('u1', 'Ada') }],
    [11, { user: user('u2', 'Grace', 'red;background:url(x)'), view: { area: 'candidate', candidateId: 'b' } }],
    [12, { user: user('u2', 'Grace') }],
    [13, { user: user('u1', 'Ada'), view: { area: 'explanation' } }],
    [14, { cursor: 'no user field' }],
  ])
  const people = readPresence(states, 10)
  assert.equal(people.map((p) => [p.name, p.self, p.clientId, p.clientIds]), [
    ['Ada', true, 10, [10, 13]],
    ['Grace', false, 11, [11, 12]],
  ])
  assert.is(people[1].color, '#888888', 'a colour that could carry CSS becomes grey')
  assert.equal(people[1].view, { area: 'candidate', candidateId: 'b' })
  assert.is(people[0].view, null, 'yourself: this tab\'s view, not another tab\'s')
})

presence('describes what each person looks at', () => {
  assert.is(describeView({ area: 'explanation' }), 'Explanation')
  assert.is(describeView({ area: 'candidate', candidateId: 'b' }), 'candidate b')
  assert.is(describeView({ area: 'compare', compare: ['a', 'c'] }), 'comparing a↔c')
  assert.is(describeView({ area: 'rubric', candidateId: 'a' }), 'Rubric, candidate a')
  assert.is(describeView(null), 'just arrived')
  assert.is(readPresence(new Map([[1, { user: user('u', 'U'), view: { area: 'nope' } }]]), 1)[0].view, null)
})

presence('follows awareness changes', () => {
  const doc = new Y.Doc()
  const awareness = new Awareness(doc)
  const seen: string[][] = []
  const stop = watchPresence(awareness, (people) => seen.push(people.map((p) => p.name)))
  awareness.setLocalStateField('user', user('u1', 'Ada'))
  awareness.setLocalStateField('view', { area: 'tests' })
  assert.equal(seen.at(-1), ['Ada'])
  stop()
  awareness.destroy()
  doc.destroy()
})

const queue = suite('queue store')

queue('parses presence events and ignores malformed ones', () => {
  const ok = parsePresenceEvent('{"taskId":"t1","present":[{"id":"u1","name":"Ada","role":"lead","color":"#2e86ab"},{"id":3}]}')
  assert.equal(ok, { taskId: 't1', present: [{ id: 'u1', name: 'Ada', role: 'lead', color: '#2e86ab' }] })
  assert.is(parsePresenceEvent('not json'), null)
  assert.is(parsePresenceEvent('{"taskId":1,"present":[]}'), null)
})

queue('lets presence seen during a fetch win over the fetched list', () => {
  const task = { id: 't1', present: [] } as unknown as TaskSummary
  const other = { id: 't2', present: [] } as unknown as TaskSummary
  const ada = { id: 'u1', name: 'Ada', role: 'lead' as const, color: '#2e86ab' }
  const out = withPresence([task, other], new Map([['t1', [ada]]]))
  assert.equal(out[0].present, [ada])
  assert.is(out[1], other)
})

ranking.run()
ratings.run()
presence.run()
queue.run()
