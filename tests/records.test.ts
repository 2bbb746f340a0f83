/** Finalize's gate (one test per reason), the sealed review records, revisions and the native export. */
import { suite } from 'uvu'
import * as Y from 'yjs'
import * as assert from 'uvu/assert'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { roomName } from '../shared/roomNames'
import { canonicalJson, sha256Hex } from '../shared/record'
import type { RunResult } from '../shared/schema'
import { getThreads, getWorkspace } from '../shared/schema'
import { api } from './helpers/server'
import { act, addThread, completeWorkspace, reviewTask, syncedPeer } from './helpers/review'
import type { Completion } from './helpers/review'
import { waitFor } from './helpers/waitFor'
import { serverPerTest } from './helpers/perTest'

const test = suite('records')
const fx = serverPerTest(test)

const TESTS = 'def test_add():\n    assert add(1, 2) == 3\n'
/** Candidate code as `taskLine` imports it, and the solution `completeWorkspace` writes. */
const CODE: Record<string, string> = {
  a: 'def add(a, b):\n    return a + b\n',
  b: 'def add(a, b):\n    return a - b\n',
  c: 'def add(a, b):\n    return sum([a, b])\n',
  solution: 'def add(a, b):\n    return a + b\n',
}

/** A run of `tests` against the subject's code (current unless `tests` or `code` differ from the workspace's). */
function currentRun(key: string, status: 'pass' | 'fail', tests = TESTS, code = CODE[key]): RunResult {
  const pass = status === 'pass'
  return {
    status, passed: pass ? 1 : 0, failed: pass ? 0 : 1, total: 1, duration_ms: 2, ran_by: 'server',
    ran_at: '2026-12-01T10:00:00.000Z', tests_sha256: sha256Hex(tests), code_sha256: sha256Hex(code),
    cases: [{ name: 'test_add', status }],
  }
}

/** Stores runs as the server does (its own transaction), and waits until they are there. */
async function storeRuns(id: string, runs: Record<string, RunResult>) {
  await fx.server.running.deps.rooms.transact(roomName.workspace(id), (doc) => {
    for (const [k, r] of Object.entries(runs)) getWorkspace(doc).runs.set(k, r)
  })
}

/** A task complete except for `missing`; finalize must name exactly that, then pass once it is fixed. */
async function gateTest(missing: Completion, code: string, target: string) {
  const { id } = await reviewTask(fx.server)
  const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, lead, id, missing)
  const refused = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(refused.status, 409)
  assert.equal(refused.body.reasons.map((r: any) => [r.code, r.target]), [[code, target]])
  assert.type(refused.body.reasons[0].message, 'string')
  assert.is(fx.server.running.deps.db.task(id)!.status, 'open')
  assert.equal(fx.server.running.deps.records.revisions(id), [])
  await completeWorkspace(fx.server, lead, id)
  const ok = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(ok.status, 200, JSON.stringify(ok.body))
}

test('refuses finalize while a candidate is unranked', () => gateTest({ ranking: ['b', 'a'] }, 'unranked', 'ranking'))
test('refuses finalize while a criterion is unscored', () =>
  gateTest({ skipScore: { candidate: 'c', criterion: 'efficiency' } }, 'unscored', 'rubric:c:efficiency'))
test('refuses finalize while the explanation is empty', () => gateTest({ explanation: ' \n ' }, 'empty_explanation', 'explanation'))
test('refuses finalize while the reference solution is empty', () => gateTest({ solution: '' }, 'empty_solution', 'solution'))
test('refuses finalize while the tests are empty', () => gateTest({ tests: '' }, 'empty_tests', 'tests'))

test('refuses finalize while a thread is unresolved', async () => {
  const { id } = await reviewTask(fx.server)
  const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  const comments = await syncedPeer(fx.server, roomName.comments(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, lead, id)
  await addThread(fx.server, comments, id, 'th-ok', true)
  await addThread(fx.server, comments, id, 'th-open', false)
  const refused = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(refused.status, 409)
  assert.equal(refused.body.reasons.map((r: any) => [r.code, r.target]), [['unresolved_thread', 'thread:th-open']])
  getThreads(comments.doc).get(1).set('resolved', true)
  await waitFor(async () => (await act(fx.server, fx.server.leadToken, id, 'finalize')).status === 200, 'finalize once resolved')
})

test('needs no scores when the rubric is empty', async () => {
  const { id } = await reviewTask(fx.server)
  const db = fx.server.running.deps.db
  await db.putBatch({ ...db.batch('test')!, rubric: [] })
  const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, lead, id)
  getWorkspace(lead.doc).ratings.delete('a')
  await waitFor(() => !fx.server.running.deps.rooms.peek(roomName.workspace(id))!.doc.getMap('ratings').has('a'), 'the ratings to be cleared')
  const ok = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(ok.status, 200, JSON.stringify(ok.body))
  assert.equal(ok.body.ratings.a, undefined)
})

test('seals a record with every field, hashed over its canonical JSON, in its own 0600 file', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const annPeer = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  await completeWorkspace(fx.server, annPeer, id)
  await storeRuns(id, { a: currentRun('a', 'pass'), c: currentRun('c', 'fail') })
  // c fails and is ranked last; the lead finalizes with b unrun
  const res = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(res.status, 200, JSON.stringify(res.body))
  const record = res.body
  const fields = ['task_id', 'revision', 'batch', 'prompt', 'language', 'candidates', 'ranking', 'ratings', 'explanation',
    'solution', 'tests', 'runs', 'derived_checks', 'threads', 'ballots', 'participants', 'finalized_by', 'finalized_at', 'record_hash']
  for (const f of fields) assert.ok(f in record, `record has ${f}`)
  assert.equal(record.ranking, ['b', 'a', 'c'])
  assert.equal(record.candidates.map((c: any) => c.model), ['model-a', 'model-b', 'model-c'])
  assert.is(record.ratings.b.correctness, 2)
  assert.equal(Object.keys(record.runs).sort(), ['a', 'c'])
  assert.is(record.derived_checks.ranking_agrees_with_runs, true)
  // credited for working on it: the annotator edited; the lead only finalized through the API
  assert.equal(record.participants.map((p: any) => p.user), [ann.id])
  // Outside the hash: the signature over it, the key that made it, and the commit's seq.
  const { record_hash, signature, key_id, seq, ...body } = record
  assert.is(record_hash, crypto.createHash('sha256').update(canonicalJson(body)).digest('hex'))
  assert.is(seq, 1)
  const keys = (await api(fx.server, ann.token, 'GET', '/api/records/key')).body.keys
  const key = keys.find((k: any) => k.key_id === key_id)
  assert.ok(key, 'the record names a published key')
  assert.ok(crypto.verify(null, Buffer.from(record_hash), crypto.createPublicKey(key.public_key), Buffer.from(signature, 'base64')), 'the signature verifies')
  const file = path.join(fx.server.dataDir, 'records', id, '1.json')
  assert.is(fs.statSync(file).mode & 0o777, 0o600)
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')), record)
})

test('keeps every revision: reopen gives revision 2 and leaves revision 1 as it was', async () => {
  const { id } = await reviewTask(fx.server)
  const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, lead, id)
  const first = (await act(fx.server, fx.server.leadToken, id, 'finalize')).body
  const file1 = path.join(fx.server.dataDir, 'records', id, '1.json')
  const bytes1 = fs.readFileSync(file1, 'utf8')
  assert.is((await act(fx.server, fx.server.leadToken, id, 'reopen')).body.revision, 2)
  await completeWorkspace(fx.server, lead, id, { explanation: 'Second look: A is best.' })
  const second = (await act(fx.server, fx.server.leadToken, id, 'finalize')).body
  assert.is(second.revision, 2)
  assert.is(second.explanation, 'Second look: A is best.')
  assert.is.not(second.record_hash, first.record_hash)
  assert.is(fs.readFileSync(file1, 'utf8'), bytes1)
  const latest = await exportText('format=native')
  assert.equal(ndjson(latest.text).map((r) => r.revision), [2])
  const all = await exportText('format=native&revisions=all')
  assert.equal(ndjson(all.text).map((r) => [r.task_id, r.revision, r.record_hash]), [
    [id, 1, first.record_hash],
    [id, 2, second.record_hash],
  ])
})

/** The export's body as text (the api helper would parse a one-line body as JSON). */
async function exportText(query: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${fx.server.url}/api/export?${query}`, { headers: { authorization: `Bearer ${fx.server.leadToken}` } })
  return { status: res.status, text: await res.text() }
}

function ndjson(text: string): any[] {
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
}

test('streams the native export as NDJSON in task order, to the lead only', async () => {
  for (const id of ['t2', 't1']) {
    const { importTasks, taskLine } = await import('./helpers/server')
    await importTasks(fx.server, taskLine(id))
    const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
    await completeWorkspace(fx.server, lead, id)
    assert.is((await act(fx.server, fx.server.leadToken, id, 'finalize')).status, 200)
  }
  const res = await fetch(`${fx.server.url}/api/export?format=native`, { headers: { authorization: `Bearer ${fx.server.leadToken}` } })
  assert.is(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /application\/x-ndjson/)
  const text = await res.text()
  assert.equal(ndjson(text).map((r) => r.task_id), ['t1', 't2'])
  const again = await exportText('format=native')
  assert.is(again.text, text, 'the same records export byte for byte the same')
  const { createUser } = await import('./helpers/server')
  const rev = await createUser(fx.server, 'Rae', 'reviewer')
  assert.is((await api(fx.server, rev.token, 'GET', '/api/export?format=native')).status, 403)
  const other = await api(fx.server, fx.server.leadToken, 'GET', '/api/export?format=bogus')
  assert.is(other.status, 400)
  assert.match(other.body.error, /format must be one of native, dpo/)
  assert.is((await api(fx.server, fx.server.leadToken, 'GET', '/api/export?format=native&revisions=some')).status, 400)
})

test('leaves a finalized record as it was, whatever reaches the workspace afterwards', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const annPeer = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  await completeWorkspace(fx.server, annPeer, id)
  const record = (await act(fx.server, fx.server.leadToken, id, 'finalize')).body
  const file = path.join(fx.server.dataDir, 'records', id, '1.json')
  const bytes = fs.readFileSync(file, 'utf8')
  // an edit attempt after the finalize (live access drops it; the record must not care either way)
  getWorkspace(annPeer.doc).explanation.insert(0, 'LATE EDIT ')
  getWorkspace(annPeer.doc).ranking.delete(0, 1)
  const again = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(again.status, 409)
  assert.match(again.body.error, /finalized/)
  assert.is(fs.readFileSync(file, 'utf8'), bytes)
  const exported = ndjson((await exportText('format=native')).text)
  assert.equal(exported.map((r) => r.record_hash), [record.record_hash])
  assert.not.match(exported[0].explanation, /LATE EDIT/)
})

test('detects a tampered record file on read and exports nothing', async () => {
  const { id } = await reviewTask(fx.server)
  const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, lead, id)
  await act(fx.server, fx.server.leadToken, id, 'finalize')
  const before = await exportText('format=native')
  assert.is(before.status, 200)
  assert.is(ndjson(before.text).length, 1)
  const file = path.join(fx.server.dataDir, 'records', id, '1.json')
  const record = JSON.parse(fs.readFileSync(file, 'utf8'))
  record.ranking = ['a', 'b', 'c']
  fs.writeFileSync(file, JSON.stringify(record))
  const after = await api(fx.server, fx.server.leadToken, 'GET', '/api/export?format=native')
  assert.is(after.status, 500)
  assert.match(after.body.error, new RegExp(`${id} revision 1 fails its integrity check`))
  assert.not.match(JSON.stringify(after.body), /"ranking"/)
})

test('refuses a record whose ranking was reversed and whose record_hash was recomputed as documented', async () => {
  for (const id of ['t1', 't2']) {
    const { importTasks, taskLine } = await import('./helpers/server')
    await importTasks(fx.server, taskLine(id))
    const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
    await completeWorkspace(fx.server, lead, id)
    assert.is((await act(fx.server, fx.server.leadToken, id, 'finalize')).status, 200)
  }
  const file = path.join(fx.server.dataDir, 'records', 't1', '1.json')
  const stored = JSON.parse(fs.readFileSync(file, 'utf8'))
  const { record_hash: _old, signature, key_id, seq, ...body } = stored
  body.ranking = [...body.ranking].reverse()
  const forged = { ...body, record_hash: crypto.createHash('sha256').update(canonicalJson(body)).digest('hex'), signature, key_id, seq }
  fs.writeFileSync(file, JSON.stringify(forged) + '\n')
  const refused = await api(fx.server, fx.server.leadToken, 'GET', '/api/export?format=native')
  assert.is(refused.status, 500)
  assert.match(refused.body.error, /t1 revision 1 fails its integrity check/)
  // The same forgery with the signature removed is refused too, as unsigned.
  const { signature: _s, key_id: _k, ...unsigned } = forged
  fs.writeFileSync(file, JSON.stringify(unsigned) + '\n')
  const unsignedRefused = await api(fx.server, fx.server.leadToken, 'GET', '/api/export?format=native')
  assert.is(unsignedRefused.status, 500)
  assert.match(unsignedRefused.body.error, /t1 revision 1 fails its integrity check/)
  // Control: the untouched record exports once the file is put back.
  fs.writeFileSync(file, JSON.stringify(stored) + '\n')
  const ok = await exportText('format=native')
  assert.is(ok.status, 200)
  assert.equal(ndjson(ok.text).map((r) => [r.task_id, r.ranking]), [['t1', stored.ranking], ['t2', ['b', 'a', 'c']]])
})

test('keeps only the runs of the record’s own tests and code, and derives its checks from those alone', async () => {
  const { id } = await reviewTask(fx.server)
  const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, lead, id, { ranking: ['a', 'c', 'b'] })
  await storeRuns(id, {
    // current: kept (the control)
    a: currentRun('a', 'pass'),
    b: currentRun('b', 'fail'),
    // stale: a pass of other tests, and a pass of other code, say nothing about this revision
    c: currentRun('c', 'pass', 'def test_nothing():\n    pass\n'),
    solution: currentRun('solution', 'pass', TESTS, 'def add(a, b):\n    return 3\n'),
  })
  const res = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.equal(Object.keys(res.body.runs).sort(), ['a', 'b'])
  assert.equal(res.body.runs.a, currentRun('a', 'pass'))
  assert.equal(res.body.derived_checks, {
    reference_passes: null,
    pass_rates: { a: 1, b: 0, c: null },
    ranking_agrees_with_runs: true,
    suite_fails_a_candidate: true,
  })
  assert.equal(fx.server.running.deps.records.read(id, 1)?.runs, res.body.runs)
})

test('counts a fractional score as missing at finalize and never seals it, while whole scores finalize', async () => {
  const { id } = await reviewTask(fx.server)
  const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, lead, id)
  const row = getWorkspace(lead.doc).ratings.get('b') as Y.Map<number>
  row.set('readability', 2.5)
  const onServer = () => (getWorkspace(fx.server.running.deps.rooms.peek(roomName.workspace(id))!.doc).ratings.get('b') as Y.Map<number>).get('readability')
  await waitFor(() => onServer() === 2.5, 'the fractional score on the server')
  const refused = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(refused.status, 409)
  assert.equal(refused.body.reasons.map((r: any) => [r.code, r.target]), [['unscored', 'rubric:b:readability']])
  assert.equal(fx.server.running.deps.records.revisions(id), [])
  row.set('readability', 3)
  await waitFor(() => onServer() === 3, 'the whole score on the server')
  const ok = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(ok.status, 200, JSON.stringify(ok.body))
  assert.equal(ok.body.ratings.b, { correctness: 2, efficiency: 2, readability: 3 })
})

test('credits in the record and the ranking export only the people who worked on that revision, not everyone assigned', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const { assign, createUser } = await import('./helpers/server')
  const bea = await createUser(fx.server, 'Bea', 'annotator')
  await assign(fx.server, id, [ann.id, bea.id])
  const annPeer = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  // a reviewer opens the workspace and leaves without doing anything; Bea is assigned and absent
  const revPeer = await syncedPeer(fx.server, roomName.workspace(id), rev.token, fx.peers)
  revPeer.destroy()
  await completeWorkspace(fx.server, annPeer, id)
  const first = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(first.status, 200, JSON.stringify(first.body))
  assert.equal(first.body.participants.map((p: any) => [p.user, p.name, p.role]), [[ann.id, 'Ann Annotator', 'annotator']])

  // revision 2: only Bea edits; Ann's work on revision 1 is no credit here
  assert.is((await act(fx.server, fx.server.leadToken, id, 'reopen')).status, 200)
  const beaPeer = await syncedPeer(fx.server, roomName.workspace(id), bea.token, fx.peers)
  getWorkspace(beaPeer.doc).explanation.insert(0, 'Bea: ')
  await waitFor(() => getWorkspace(fx.server.running.deps.rooms.peek(roomName.workspace(id))!.doc).explanation.toString().startsWith('Bea: '), 'Bea’s edit on the server')
  const second = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(second.status, 200, JSON.stringify(second.body))
  assert.equal(second.body.participants.map((p: any) => p.user), [bea.id])

  const rows = ndjson((await exportText('format=ranking&revisions=all')).text)
  assert.equal(rows.map((r) => [r.revision, r.annotators]), [[1, [ann.id]], [2, [bea.id]]])
})

test.run()
