/** Ids are data: candidates and criteria named after Object.prototype's members work end to end and change no prototype. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import type { RunResult } from '../shared/schema'
import { EXPORT_FORMATS } from '../shared/exports/formats'
import { sha256Hex } from '../shared/record'
import { readScores, toScoreGrid } from '../client/stores/ratings'
import { api, assign, createUser, importTasks, startServer } from './helpers/server'
import type { TestServer } from './helpers/server'
import type { Peer } from './helpers/peer'
import { act, syncedPeer, waitForServerDoc } from './helpers/review'

const test = suite('hostile ids')
let server: TestServer
const peers: Peer[] = []
test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  await server.stop()
})

/** Every name Object.prototype and Object carry, and what a fresh object's members are. */
function prototypeState() {
  return {
    proto: Object.getOwnPropertyNames(Object.prototype).sort(),
    object: Object.getOwnPropertyNames(Object).sort(),
    fn: Object.getOwnPropertyNames(Function.prototype).sort(),
    plain: [({} as any).constructor === Object, ({} as any).toString === Object.prototype.toString, Object.getPrototypeOf({}) === Object.prototype],
  }
}

const HOSTILE = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'] as const
const CRITERIA = [
  { id: 'constructor', name: 'Correctness', description: 'right answers', min: 1, max: 5 },
  { id: '__proto__', name: 'Style', description: 'reads well', min: 1, max: 5 },
  { id: 'valueOf', name: 'Speed', description: 'fast enough', min: 0, max: 3 },
]
const TESTS = 'def test_add():\n    assert add(1, 2) == 3\n'
const SOLUTION = 'def add(a, b):\n    return a + b\n'
const codeOf = (id: string) => `def add(a, b):\n    # ${id}\n    return a + b${id === 'valueOf' ? ' + 1' : ''}\n`
/** Ranked best first; the scores rise with the rank so the ratings margin is positive. */
const RANKING = ['hasOwnProperty', '__proto__', 'constructor', 'toString', 'valueOf']
const scoreOf = (id: string, k: (typeof CRITERIA)[number]) => Math.max(k.min, k.max - RANKING.indexOf(id))

function run(status: 'pass' | 'fail', code: string): RunResult {
  const pass = status === 'pass'
  return {
    status, passed: pass ? 1 : 0, failed: pass ? 0 : 1, total: 1, duration_ms: 1, ran_by: 'server', ran_at: '2026-12-01T00:00:00.000Z',
    tests_sha256: sha256Hex(TESTS), code_sha256: sha256Hex(code), cases: [{ name: 'test_add', status }],
  }
}

test('judges, finalizes and exports candidates and criteria named __proto__, constructor, toString, valueOf and hasOwnProperty, keeping every rating and leaving Object.prototype untouched', async () => {
  const before = prototypeState()
  const batch = await api(server, server.leadToken, 'POST', '/api/batches', { name: 'hostile', blind: false, rubric: CRITERIA })
  assert.ok(batch.status === 200 || batch.status === 201, JSON.stringify(batch.body))
  const line = JSON.stringify({
    id: 'h1',
    prompt: 'Write `add(a, b)`.',
    language: 'python',
    entry_point: 'add',
    candidates: HOSTILE.map((id) => ({ id, code: codeOf(id), model: `model-${id}` })),
  })
  await importTasks(server, line, 'hostile')
  const ann = await createUser(server, 'Ann', 'annotator')
  await assign(server, 'h1', [ann.id])

  // A stock Yjs client judges it: every candidate ranked and scored, the three texts written.
  const peer = await syncedPeer(server, roomName.workspace('h1'), ann.token, peers)
  const ws = getWorkspace(peer.doc)
  peer.doc.transact(() => {
    ws.ranking.push(RANKING)
    for (const id of HOSTILE) {
      const row = ws.ratings.get(id)
      assert.ok(row instanceof Y.Map, `the import made ${id}'s ratings map`)
      for (const k of CRITERIA) row.set(k.id, scoreOf(id, k))
    }
    ws.explanation.insert(0, 'valueOf adds one; the rest are right.')
    ws.solution.insert(0, SOLUTION)
    ws.tests.insert(0, TESTS)
  })
  const scored = (d: Y.Doc) => HOSTILE.every((id) => (getWorkspace(d).ratings.get(id) as Y.Map<number>)?.size === CRITERIA.length) && getWorkspace(d).tests.length > 0
  await waitForServerDoc(server, roomName.workspace('h1'), scored, 'the judgment on the server')
  // The server's runs of the current tests, keyed by the hostile ids.
  await server.running.deps.rooms.transact(roomName.workspace('h1'), (doc) => {
    const runs = getWorkspace(doc).runs
    for (const id of HOSTILE) runs.set(id, run(id === 'valueOf' ? 'fail' : 'pass', codeOf(id)))
    runs.set('solution', run('pass', SOLUTION))
  })

  const submitted = await act(server, ann.token, 'h1', 'submit')
  assert.is(submitted.status, 200, JSON.stringify(submitted.body))
  const fin = await act(server, server.leadToken, 'h1', 'finalize')
  assert.is(fin.status, 200, JSON.stringify(fin.body))
  const record = fin.body
  for (const id of HOSTILE) {
    assert.ok(Object.hasOwn(record.ratings, id), `the record keeps ${id}'s ratings`)
    for (const k of CRITERIA) {
      assert.ok(Object.hasOwn(record.ratings[id], k.id), `the record keeps ${id}'s ${k.id} score`)
      assert.is(record.ratings[id][k.id], scoreOf(id, k), `${id}'s ${k.id} score`)
    }
    assert.ok(Object.hasOwn(record.runs, id), `the record keeps ${id}'s run`)
    assert.ok(Object.hasOwn(record.derived_checks.pass_rates, id), `the record has ${id}'s pass rate`)
    assert.is(record.derived_checks.pass_rates[id], id === 'valueOf' ? 0 : 1)
  }
  assert.equal(record.ranking, RANKING)
  assert.is(record.derived_checks.ranking_agrees_with_runs, true)
  assert.is(record.derived_checks.reference_passes, true)

  // Every export format answers, and the ratings it carries are the record's.
  for (const format of EXPORT_FORMATS) {
    const res = await fetch(`${server.url}/api/export?format=${format}`, { headers: { authorization: `Bearer ${server.leadToken}` } })
    const text = await res.text()
    assert.is(res.status, 200, `${format}: ${text.slice(0, 300)}`)
    const rows = text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    if (format === 'native') assert.is(JSON.stringify(rows[0].ratings), JSON.stringify(record.ratings), `${JSON.stringify(rows[0].ratings)} vs ${JSON.stringify(record.ratings)}`)
    if (format === 'dpo') {
      assert.is(rows.length, 10)
      assert.ok(rows.every((r) => r.margin_source === 'ratings' && r.margin > 0), 'the margins come from the kept ratings')
    }
    if (format === 'ranking') assert.equal(rows[0].ranking, RANKING)
  }
  // The read routes a lead and the annotator use afterwards.
  for (const [token, route] of [[server.leadToken, '/api/tasks/h1'], [ann.token, '/api/tasks/h1'], [server.leadToken, '/api/stats?batch=hostile'], [server.leadToken, '/api/tasks?batch=hostile']] as const) {
    assert.is((await api(server, token, 'GET', route)).status, 200, route)
  }

  assert.equal(prototypeState(), before, 'Object.prototype, Object and Function.prototype are as they were')
  assert.is(({} as any).constructor, Object)
})

test('keeps Object.prototype untouched when a stock client writes __proto__ and constructor keys the task does not know', async () => {
  const before = prototypeState()
  const { importTasks: imp, taskLine } = await import('./helpers/server')
  await imp(server, taskLine('t1'))
  const ann = await createUser(server, 'Ann', 'annotator')
  await assign(server, 't1', [ann.id])
  const peer = await syncedPeer(server, roomName.workspace('t1'), ann.token, peers)
  const ws = getWorkspace(peer.doc)
  peer.doc.transact(() => {
    const hostile = new Y.Map<number>()
    hostile.set('constructor', 3)
    ws.ratings.set('__proto__', hostile as any)
    ws.notes.set('constructor', new Y.Text('x'))
    ws.ranking.push(['__proto__', 'constructor'])
    const row = ws.ratings.get('a')!
    row.set('constructor', 4)
    row.set('correctness', 4)
  })
  await waitForServerDoc(server, roomName.workspace('t1'), (d) => getWorkspace(d).ratings.has('__proto__'), 'the hostile keys on the server')
  const refused = await act(server, server.leadToken, 't1', 'finalize')
  assert.is(refused.status, 409, 'unknown keys are not work: the task is still incomplete')
  assert.ok(refused.body.reasons.some((r: any) => r.target === 'rubric:b:correctness'))
  // the control: a known candidate's known score counts
  assert.not.ok(refused.body.reasons.some((r: any) => r.target === 'rubric:a:correctness'))
  assert.equal(prototypeState(), before)
  assert.is(({} as any).constructor, Object)
})

test('lays the page’s rubric out by position, so a candidate named __proto__ and a criterion named constructor show their scores', () => {
  const before = prototypeState()
  const doc = new Y.Doc()
  const ws = getWorkspace(doc)
  for (const id of HOSTILE) ws.ratings.set(id, new Y.Map<number>())
  ;(ws.ratings.get('__proto__') as Y.Map<number>).set('constructor', 4)
  ;(ws.ratings.get('constructor') as Y.Map<number>).set('valueOf', 2)
  const grid = toScoreGrid(readScores(ws.ratings, [...HOSTILE], CRITERIA), [...HOSTILE], CRITERIA)
  assert.equal(grid, [
    [4, null, null],
    [null, null, 2],
    [null, null, null],
    [null, null, null],
    [null, null, null],
  ])
  assert.equal(prototypeState(), before)
})

test('refuses at import, with its line, a candidate named solution, which the runs map keeps for the reference', async () => {
  const line = (id: string) => JSON.stringify({ id: `s-${id}`, prompt: 'p', language: 'python', candidates: [{ id, code: 'x = 1' }, { id: 'other', code: 'y = 2' }] })
  const res = await api(server, server.leadToken, 'POST', '/api/tasks/import?batch=reserved', [line('a'), line('solution')].join('\n'), 'application/x-ndjson')
  assert.is(res.status, 400, JSON.stringify(res.body))
  assert.equal(res.body.errors.map((e: any) => e.line), [2])
  assert.match(res.body.errors[0].message, /"solution" is reserved/)
  assert.is(server.running.deps.db.task('s-a'), undefined, 'all lines or none')
  // the control: the same lines without it import
  assert.is((await api(server, server.leadToken, 'POST', '/api/tasks/import?batch=reserved', [line('a'), line('solutions')].join('\n'), 'application/x-ndjson')).status, 200)
})

test.run()
