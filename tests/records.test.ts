/** Finalize's gate (one test per reason), the sealed review records, revisions and the native export. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { roomName } from '../shared/roomNames'
import { canonicalJson } from '../shared/record'
import { getThreads, getWorkspace } from '../shared/schema'
import { api } from './helpers/server'
import { act, addThread, completeWorkspace, reviewTask, syncedPeer } from './helpers/review'
import type { Completion } from './helpers/review'
import { waitFor } from './helpers/waitFor'
import { serverPerTest } from './helpers/perTest'

const test = suite('records')
const fx = serverPerTest(test)

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
  // Runs are the server's to write (browsers report them through the API): written as the server.
  await fx.server.running.deps.rooms.transact(roomName.workspace(id), (doc) => {
    getWorkspace(doc).runs.set('a', { status: 'pass', passed: 1, failed: 0, total: 1 } as any)
    getWorkspace(doc).runs.set('b', { status: 'fail', passed: 0, failed: 1, total: 1 } as any)
  })
  await waitFor(() => fx.server.running.deps.rooms.peek(roomName.workspace(id))!.doc.getMap('runs').size === 2, 'runs on the server')
  const res = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(res.status, 200)
  const record = res.body
  const fields = ['task_id', 'revision', 'batch', 'prompt', 'language', 'candidates', 'ranking', 'ratings', 'explanation',
    'solution', 'tests', 'runs', 'derived_checks', 'threads', 'ballots', 'participants', 'finalized_by', 'finalized_at', 'record_hash']
  for (const f of fields) assert.ok(f in record, `record has ${f}`)
  assert.equal(record.ranking, ['b', 'a', 'c'])
  assert.equal(record.candidates.map((c: any) => c.model), ['model-a', 'model-b', 'model-c'])
  assert.is(record.ratings.b.correctness, 2)
  assert.is(record.derived_checks.ranking_agrees_with_runs, false)
  assert.equal(record.participants.map((p: any) => p.user).sort(), [ann.id, record.finalized_by].sort())
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

test.run()
