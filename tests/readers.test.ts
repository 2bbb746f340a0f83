/**
 * The defensive readers (shared/readers.ts): every root of every room fed a value of every wrong
 * Yjs type reads as absent and never throws, while the honest content beside it still reads.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { getBallot, getMeta, getWorkspace, MetaKey, seedWorkspace } from '../shared/schema'
import type { RunResult } from '../shared/schema'
import {
  readBallot,
  readMeta,
  readRatings,
  readRun,
  readRuns,
  readWorkspace,
  readNotes,
  ownEntry,
} from '../shared/readers'
import type { MetaContent } from '../shared/readers'
import { computeProgress } from '../shared/progress'
import { readScores } from '../client/stores/ratings'
import { watchRanking } from '../client/stores/ranking'
import type { RubricCriterion, TaskSummary } from '../shared/types'
import fs from 'node:fs'
import { roomName } from '../shared/roomNames'
import { api, taskLine, tempDir } from './helpers/server'
import { spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const IDS = ['a', 'b', 'c']
const TASK = { candidates: IDS.map((id) => ({ id })) }
const RUBRIC: RubricCriterion[] = [
  { id: 'correctness', name: 'Correctness', description: '', min: 1, max: 5 },
  { id: 'style', name: 'Style', description: '', min: 0, max: 3 },
]

/** A run as docs/protocol.md#the-runs-map shapes it. */
const RUN: RunResult = {
  status: 'fail',
  passed: 1,
  failed: 1,
  total: 2,
  duration_ms: 12.5,
  ran_by: 'u1',
  ran_at: '2026-11-27T10:00:00.000Z',
  tests_sha256: 'ab'.repeat(32),
  code_sha256: 'cd'.repeat(32),
  cases: [
    { name: 'test_one', status: 'pass' },
    { name: 'test_two', status: 'fail', message: 'assert 2 == 3' },
  ],
}

/** Every kind of value a Yjs update can carry, made fresh (a Yjs type can be inserted once). */
const WRONG: [string, () => unknown][] = [
  ['a number off every scale', () => 7],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['an unknown string', () => 'zz'],
  ['a boolean', () => true],
  ['null', () => null],
  ['a plain object', () => ({ correctness: 4, status: 'pass' })],
  ['an array', () => ['a', 'b', 4]],
  ['bytes', () => new Uint8Array([1, 2, 3])],
  ['an empty Y.Text', () => new Y.Text()],
  ['a Y.Map of wrong scores', () => new Y.Map<unknown>([['correctness', 'four'], ['style', 2.5]])],
  ['a Y.Array', () => Y.Array.from(['a', 'b'])],
  ['a Y.XmlText', () => new Y.XmlText('a')],
  ['a Y.XmlElement', () => new Y.XmlElement('p')],
  ['a Y.XmlFragment', () => new Y.XmlFragment()],
  ['a subdocument', () => new Y.Doc()],
  ['an object whose __proto__ key sets its prototype', () => JSON.parse(`{"__proto__": ${JSON.stringify(RUN)}}`)],
]

/** The honest workspace every case starts from: candidate b has content, a has none. */
function honestWorkspace(): Y.Doc {
  const doc = new Y.Doc()
  seedWorkspace(doc, { ...TASK, tests: 'def test_x():\n    pass\n' }, null)
  const ws = getWorkspace(doc)
  ws.ranking.push(['b'])
  ws.ratings.get('b')!.set('correctness', 4)
  ws.explanation.insert(0, 'b is right')
  ws.solution.insert(0, 'def f(): pass')
  ws.notes.get('b')!.insert(0, 'clean')
  ws.runs.set('b', RUN)
  return doc
}

function honestMeta(): Y.Doc {
  const doc = new Y.Doc()
  const meta = getMeta(doc)
  meta.set(MetaKey.status, 'changes_requested')
  meta.set(MetaKey.revision, 2)
  meta.set(MetaKey.assignees, ['u1', 'u2'])
  const action = { action: 'request-changes', by: 'lead', at: '2026-11-27T10:00:00Z', message: 'fix tests' }
  meta.set(MetaKey.last_action, action)
  meta.set(MetaKey.finalized_at, '2026-11-26T10:00:00Z')
  return doc
}

function honestBallot(): Y.Doc {
  const doc = new Y.Doc()
  const ballot = getBallot(doc)
  ballot.ranking.push(['c', 'b'])
  ballot.ratings.set('a', new Y.Map<number>())
  const b = new Y.Map<number>()
  ballot.ratings.set('b', b)
  b.set('style', 3)
  return doc
}

/**
 * Writes `value` with the attacker's own doc, as a well-formed update the victim applies.
 * The attacker never calls the schema getters, so it can treat any root as any type.
 */
function attack(victim: Y.Doc, write: (attacker: Y.Doc, value: unknown) => void, value: unknown): number {
  const attacker = new Y.Doc()
  Y.applyUpdate(attacker, Y.encodeStateAsUpdate(victim))
  write(attacker, value)
  Y.applyUpdate(victim, Y.encodeStateAsUpdate(attacker, Y.encodeStateVector(victim)))
  const id = attacker.clientID
  attacker.destroy()
  return id
}

type Position = [string, (attacker: Y.Doc, value: unknown) => void]

/** Where a wrong value can go: each root treated as an array and as a map, and each nested slot. */
function rootPositions(roots: readonly string[]): Position[] {
  return roots.flatMap((root): Position[] => [
    [`the ${root} root, as an array item`, (d, v) => d.getArray(root).push([v])],
    [`the ${root} root, as a map entry "a"`, (d, v) => d.getMap(root).set('a', v)],
  ])
}

const WORKSPACE_POSITIONS: Position[] = [
  ...rootPositions(['explanation', 'solution', 'tests', 'ranking', 'ratings', 'notes', 'runs']),
  ['ratings[a]', (d, v) => d.getMap('ratings').set('a', v)],
  ['ratings[a][correctness]', (d, v) => (d.getMap('ratings').get('a') as Y.Map<unknown>).set('correctness', v)],
  ['notes[a]', (d, v) => d.getMap('notes').set('a', v)],
  ['runs[a]', (d, v) => d.getMap('runs').set('a', v)],
  ['runs[solution]', (d, v) => d.getMap('runs').set('solution', v)],
  ['runs[a].cases', (d, v) => d.getMap('runs').set('a', { ...RUN, cases: [RUN.cases[0], v] })],
  ['runs[a].status', (d, v) => d.getMap('runs').set('a', { ...RUN, status: v })],
]

/** Yjs types cannot go inside a JSON value; those positions take JSON values only. */
const jsonOnly = (position: string) => position.startsWith('runs[a].')
const isJson = (v: unknown) => !(v instanceof Y.AbstractType || v instanceof Y.Doc || v instanceof Uint8Array)

/** `value` as a peer decodes it from an update (lib0 turns a `__proto__` key into the prototype). */
function throughYjs(value: unknown): unknown {
  const [from, to] = [new Y.Doc(), new Y.Doc()]
  from.getMap('m').set('v', value)
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from))
  const out = to.getMap('m').get('v')
  from.destroy()
  to.destroy()
  return out
}

const readers = suite('readers')

readers('read an honest workspace, meta room and ballot as plain values', () => {
  const ws = honestWorkspace()
  assert.equal(readWorkspace(ws, TASK, RUBRIC), {
    ranking: ['b'],
    ratings: { a: {}, b: { correctness: 4 }, c: {} },
    explanation: 'b is right',
    solution: 'def f(): pass',
    tests: 'def test_x():\n    pass\n',
    notes: { a: '', b: 'clean', c: '' },
    runs: { b: RUN },
  })
  assert.equal(readMeta(honestMeta()), {
    status: 'changes_requested',
    revision: 2,
    assignees: ['u1', 'u2'],
    last_action: { action: 'request-changes', by: 'lead', at: '2026-11-27T10:00:00Z', message: 'fix tests' },
    finalized_at: '2026-11-26T10:00:00Z',
  })
  assert.equal(readBallot(honestBallot(), TASK, RUBRIC), {
    ranking: ['c', 'b'],
    ratings: { a: {}, b: { style: 3 }, c: {} },
  })
})

readers('treat a value of every wrong type at every workspace position as absent', () => {
  const expected = readWorkspace(honestWorkspace(), TASK, RUBRIC)
  const expectedProgress = computeProgress(honestWorkspace(), TASK, RUBRIC)
  let cases = 0
  for (const [where, write] of WORKSPACE_POSITIONS) {
    for (const [what, make] of WRONG) {
      const value = make()
      if (jsonOnly(where) && !isJson(value)) continue
      const victim = honestWorkspace()
      const label = `${what} at ${where}`
      const attacker = attack(victim, write, value)
      assert.ok(Y.decodeStateVector(Y.encodeStateVector(victim)).has(attacker), `${label}: the update landed`)
      assert.equal(readWorkspace(victim, TASK, RUBRIC), expected, label)
      assert.equal(computeProgress(victim, TASK, RUBRIC), expectedProgress, `${label}: progress`)
      const scores = readScores(getWorkspace(victim).ratings, IDS, RUBRIC)
      assert.equal({ ...scores.a }, { correctness: null, style: null }, `${label}: the rubric store`)
      assert.is(scores.b.correctness, 4, `${label}: the rubric store still reads b`)
      let placed: string[] = []
      const stop = watchRanking(getWorkspace(victim).ranking, IDS, (view) => (placed = view.placed))
      stop()
      assert.equal(placed, ['b'], `${label}: the ranking store`)
      victim.destroy()
      cases++
    }
  }
  assert.ok(cases > 300, `ran ${cases} cases`)
})

readers('treat a value of every wrong type in the meta room as absent', () => {
  const positions: Position[] = [
    ...rootPositions(['meta']).filter(([w]) => !w.includes('map entry')),
    ...Object.values(MetaKey).map((key): Position => [`meta.${key}`, (d, v) => d.getMap('meta').set(key, v)]),
    ['meta.assignees[1]', (d, v) => d.getMap('meta').set('assignees', ['u1', v])],
    ['meta.last_action.by', (d, v) => d.getMap('meta').set('last_action', { action: 'submit', by: v, at: 'now' })],
  ]
  const honest = readMeta(honestMeta())
  const absent: MetaContent = { status: null, revision: null, assignees: [], last_action: null, finalized_at: null }
  for (const [where, write] of positions) {
    for (const [what, make] of WRONG) {
      const value = make()
      if ((where.includes('[1]') || where.includes('.by')) && !isJson(value)) continue
      const key = where.split(/[.[]/)[1] as keyof MetaContent | undefined
      // A value of the right type for its key is not an attack on the reader; skip it.
      const rightType =
        (key === 'revision' && Number.isInteger(value)) ||
        (key === 'finalized_at' && typeof value === 'string') ||
        (where === 'meta.assignees' && Array.isArray(value)) ||
        (where === 'meta.last_action.by' && typeof value === 'string')
      if (rightType) continue
      const victim = honestMeta()
      attack(victim, write, value)
      const want =
        where === 'meta.assignees[1]'
          ? { ...honest, assignees: typeof value === 'string' ? ['u1', value] : ['u1'] }
          : key && key in absent
            ? { ...honest, [key]: absent[key] }
            : honest
      assert.equal(readMeta(victim), want, `${what} at ${where}`)
      victim.destroy()
    }
  }
})

readers('treat a value of every wrong type in a ballot as absent', () => {
  const positions: Position[] = [
    ...rootPositions(['ranking', 'ratings']),
    ['ballot ratings[b]', (d, v) => d.getMap('ratings').set('b', v)],
    ['ballot ratings[b][style]', (d, v) => (d.getMap('ratings').get('b') as Y.Map<unknown>).set('style', v)],
  ]
  const honest = readBallot(honestBallot(), TASK, RUBRIC)
  for (const [where, write] of positions) {
    for (const [what, make] of WRONG) {
      const victim = honestBallot()
      attack(victim, write, make())
      const bEmptied = { ...honest, ratings: { ...honest.ratings, b: {} } }
      const want = where.startsWith('ballot ratings[b]') ? bEmptied : honest
      assert.equal(readBallot(victim, TASK, RUBRIC), want, `${what} at ${where}`)
      victim.destroy()
    }
  }
})

readers('read only whole scores on the criterion\'s scale', () => {
  const doc = new Y.Doc()
  seedWorkspace(doc, TASK, null)
  const ratings = getWorkspace(doc).ratings
  const bad = [0, 6, 2.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, '3']
  for (const value of bad) {
    ;(ratings.get('a') as Y.Map<unknown>).set('correctness', value)
    assert.equal(readRatings(ratings, IDS, RUBRIC).a, {}, `refuses ${String(value)}`)
  }
  ratings.get('a')!.set('correctness', 5)
  ratings.get('a')!.set('style', 0)
  assert.equal(readRatings(ratings, IDS, RUBRIC).a, { correctness: 5, style: 0 }, 'the ends of each scale')
  doc.destroy()
})

readers('read every malformed run as absent and a well-formed one whole', () => {
  const { cases: _cases, ...noCases } = RUN
  const malformed: [string, unknown][] = [
    ['an unknown status', { ...RUN, status: 'passed' }],
    ['a negative count', { ...RUN, failed: -1 }],
    ['a fractional count', { ...RUN, total: 2.5 }],
    ['a string count', { ...RUN, passed: '1' }],
    ['an infinite duration', { ...RUN, duration_ms: Number.POSITIVE_INFINITY }],
    ['no cases', noCases],
    ['cases that are not an array', { ...RUN, cases: { 0: RUN.cases[0] } }],
    ['a case with a bad status', { ...RUN, cases: [{ name: 'x', status: 'timeout' }] }],
    ['a case with a numeric message', { ...RUN, cases: [{ name: 'x', status: 'fail', message: 3 }] }],
    ['no hashes', { ...RUN, tests_sha256: undefined }],
    ['every field inherited through __proto__', JSON.parse(`{"__proto__": ${JSON.stringify(RUN)}}`)],
  ]
  for (const [what, value] of malformed) assert.is(readRun(throughYjs(value)), null, what)
  assert.equal(readRun(JSON.parse(JSON.stringify(RUN))), RUN, 'the well-formed run')
  const doc = new Y.Doc()
  const runs = getWorkspace(doc).runs as Y.Map<unknown>
  runs.set('a', malformed[0][1])
  runs.set('solution', RUN)
  runs.set('zz', RUN)
  assert.equal(readRuns(runs, IDS), { solution: RUN }, 'only known keys with valid runs')
  doc.destroy()
})

readers('keep a candidate named __proto__ an own key, never the prototype', () => {
  const ids = ['__proto__', 'b']
  const doc = new Y.Doc()
  seedWorkspace(doc, { candidates: ids.map((id) => ({ id })) }, null)
  const ws = getWorkspace(doc)
  ws.ratings.get('__proto__')!.set('correctness', 3)
  ws.notes.get('__proto__')!.insert(0, 'proto notes')
  const ratings = readRatings(ws.ratings, ids, RUBRIC)
  assert.is(Object.getPrototypeOf(ratings), Object.prototype)
  assert.ok(Object.hasOwn(ratings, '__proto__'))
  assert.equal(ratings['__proto__'], { correctness: 3 })
  assert.equal(JSON.parse(JSON.stringify(ratings)), JSON.parse('{"__proto__":{"correctness":3},"b":{}}'))
  const notes = readNotes(ws.notes, ids)
  assert.is(Object.getPrototypeOf(notes), Object.prototype)
  assert.is(notes['__proto__'], 'proto notes')
  doc.destroy()
})

readers('looks a subject up only as an own entry, so ids named after Object.prototype’s members read nothing inherited', () => {
  const runs = readRuns(getWorkspace(new Y.Doc()).runs, ['constructor', 'toString', '__proto__'])
  for (const id of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) assert.is(ownEntry(runs, id), undefined, id)
  // the control: an own entry is found, `__proto__` included
  const own = Object.fromEntries([['__proto__', 1], ['constructor', 2]])
  assert.equal([ownEntry(own, '__proto__'), ownEntry(own, 'constructor')], [1, 2])
})

readers.run()

const server = suite('hostile content through the server')
let dir = ''
let children: ChildServer[] = []
let peers: Peer[] = []
let streams: AbortController[] = []

server.before.each(() => {
  dir = tempDir('codejury-readers-')
})
server.after.each(async () => {
  streams.forEach((s) => s.abort())
  peers.forEach((p) => p.destroy())
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL')
  await Promise.all(children.map((c) => c.exited))
  fs.rmSync(dir, { recursive: true, force: true })
  ;[streams, peers, children] = [[], [], []]
})

/** The lead's `/api/events` stream, its text collected as it arrives. */
async function openEvents(url: string, token: string) {
  const controller = new AbortController()
  streams.push(controller)
  const headers = { authorization: `Bearer ${token}` }
  const res = await fetch(`${url}/api/events`, { headers, signal: controller.signal })
  const events = { text: '' }
  const reader = res.body!.getReader()
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      events.text += new TextDecoder().decode(value)
    }
  })().catch(() => {})
  return events
}

/** The queue as the lead sees it: `GET /api/tasks`, which must answer 200. */
async function queue(url: string, token: string) {
  const res = await api({ url }, token, 'GET', '/api/tasks')
  assert.is(res.status, 200, `GET /api/tasks: ${JSON.stringify(res.body)}`)
  return res.body.tasks[0] as TaskSummary
}

async function annotatorPeer(c: ChildServer, token: string) {
  const p = connectPeer(c.wsUrl, roomName.workspace('t1'), token)
  peers.push(p)
  await waitFor(() => p.provider.synced, 'the annotator to sync')
  return p
}

server('keeps serving the queue after an annotator sets a rating to a number, also after a restart', async () => {
  const c1 = await spawnServer(dir)
  children.push(c1)
  const lead = (method: string, route: string, body?: unknown, type?: string) =>
    api(c1, c1.leadToken, method, route, body, type)
  const ann = (await lead('POST', '/api/users', { name: 'Ann', role: 'annotator' })).body
  assert.is((await lead('POST', '/api/tasks/import?batch=b&blind=0', taskLine('t1'), 'application/x-ndjson')).status, 200)
  assert.is((await lead('POST', '/api/tasks/t1/assign', { userIds: [ann.id] })).status, 200)
  const events = await openEvents(c1.url, c1.leadToken)
  await queue(c1.url, c1.leadToken)
  const p = await annotatorPeer(c1, ann.token)

  // A well-formed update that puts a number where a candidate's Y.Map belongs.
  ;(p.doc.getMap('ratings') as Y.Map<unknown>).set('a', 5)
  await waitFor(() => /event: progress/.test(events.text), 'progress computed from the hostile document')
  assert.is((await queue(c1.url, c1.leadToken)).progress?.scores, 0, 'the hostile rating counts for nothing')

  // Positive control: an honest edit after it still moves the progress, live and in the queue.
  getWorkspace(p.doc).explanation.insert(0, 'b subtracts')
  getWorkspace(p.doc).ratings.get('b')!.set('correctness', 2)
  const honest = /"scores":1,"scoresNeeded":9,"explanationWords":2/
  await waitFor(() => honest.test(events.text), 'the honest progress event')
  const moved = await queue(c1.url, c1.leadToken)
  assert.is(moved.progress?.explanationWords, 2)
  assert.is(moved.progress?.scores, 1)
  assert.is(c1.proc.exitCode, null, 'the server process is still running')

  // The hostile update is stored: a restart loads it, saves progress from it, and serves on.
  p.destroy()
  c1.proc.kill('SIGTERM')
  assert.is(await c1.exited, 0, `a clean stop:\n${c1.output()}`)
  const c2 = await spawnServer(dir)
  children.push(c2)
  assert.is((await queue(c2.url, c2.leadToken)).progress?.scores, 1, 'the saved progress')
  const events2 = await openEvents(c2.url, c2.leadToken)
  const q = await annotatorPeer(c2, ann.token)
  assert.is(q.doc.getMap('ratings').get('a'), 5, 'the hostile value is still in the document')
  getWorkspace(q.doc).explanation.insert(0, 'yes, ')
  await waitFor(() => /"explanationWords":3/.test(events2.text), 'progress after the restart')
  assert.is((await queue(c2.url, c2.leadToken)).progress?.explanationWords, 3)
  assert.is(c2.proc.exitCode, null, 'the restarted server is still running')
})

server.run()
