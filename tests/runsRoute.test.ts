/** Browser runs through the API: the server stamps and stores them; a client writing `runs` is refused. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { getWorkspace, WorkspaceRoot } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { readRuns } from '../shared/readers'
import { onPermissionDenied } from '../client/sync/permissionDenied'
import { api, createUser } from './helpers/server'
import type { Peer } from './helpers/peer'
import { connectPeer } from './helpers/peer'
import { serverPerTest } from './helpers/perTest'
import { act, completeWorkspace, reviewTask, syncedPeer, waitForServerDoc } from './helpers/review'
import { waitFor } from './helpers/waitFor'

const test = suite('runs route')
const fx = serverPerTest(test)

const SHA = 'a'.repeat(64)
const SHA2 = 'b'.repeat(64)

/** A consistent report body: one passing and one failing case unless `status` says pass. */
function report(subject: string, status: 'pass' | 'fail' = 'fail') {
  const cases =
    status === 'pass'
      ? [{ name: 'test_add', status: 'pass' as const }]
      : [
          { name: 'test_add', status: 'pass' as const },
          { name: 'test_neg', status: 'fail' as const, message: 'assert -1 == 1' },
        ]
  const passed = cases.filter((c) => c.status === 'pass').length
  return {
    subject,
    run: { status, passed, failed: cases.length - passed, total: cases.length, duration_ms: 12.4, tests_sha256: SHA, code_sha256: SHA2, cases },
  }
}

/** A stock provider that records the auth (permission denied) reasons it is told. */
function deniedPeer(room: string, token: string): Peer & { denied: string[] } {
  const p = connectPeer(fx.server.wsUrl, room, token)
  fx.peers.push(p)
  const denied: string[] = []
  onPermissionDenied(p.provider, (reason) => denied.push(reason))
  return Object.assign(p, { denied })
}

test('refuses a stock client writing a pass run stamped with the lead, while a run posted through the API reaches another client', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const leadId = fx.server.running.deps.db.users.find((u) => u.role === 'lead')!.id
  const room = roomName.workspace(id)
  const forger = deniedPeer(room, ann.token)
  await waitFor(() => forger.provider.synced, 'the forger to sync')
  const lead = await syncedPeer(fx.server, room, fx.server.leadToken, fx.peers)
  const forged = { ...report('b', 'pass').run, ran_by: leadId, ran_at: new Date().toISOString() }
  getWorkspace(forger.doc).runs.set('b', forged as never)
  await waitFor(() => forger.denied.length === 1, 'the forger to be told its write was refused')
  assert.match(forger.denied[0], /runs is written by the server only/)
  // A refused update leaves a gap in the writer's clocks, so a second attempt comes from a fresh client.
  const second = deniedPeer(room, ann.token)
  await waitFor(() => second.provider.synced, 'the second forger to sync')
  second.doc.getMap(WorkspaceRoot.server_runs).set('b', forged)
  await waitFor(() => second.denied.length === 1, 'the second forger to be told its write was refused')
  assert.match(second.denied[0], /server_runs is written by the server only/)

  // Control: the same annotator reports through the API; everyone in the room sees it at once.
  const before = Date.now()
  const res = await api(fx.server, ann.token, 'POST', `/api/tasks/${id}/runs`, report('a'))
  assert.is(res.status, 200, JSON.stringify(res.body))
  await waitFor(() => readRuns(getWorkspace(lead.doc).runs, ['a', 'b', 'c']).a !== undefined, 'the lead to see the posted run')
  const seen = readRuns(getWorkspace(lead.doc).runs, ['a', 'b', 'c'])
  assert.is(seen.a.ran_by, ann.id, 'ran_by is the caller')
  assert.ok(Date.parse(seen.a.ran_at) >= before - 1_000, 'ran_at is the server clock')
  assert.is(seen.a.status, 'fail')
  assert.is(seen.b, undefined, 'the forged run never reached the lead')
  const server = fx.server.running.deps.rooms.peek(room)!.doc
  assert.equal([...getWorkspace(server).runs.keys()], ['a'], 'the room holds only the posted run')
  assert.is(server.getMap(WorkspaceRoot.server_runs).size, 0)
  assert.equal(forger.closes, [], 'the forger is told, not disconnected')
})

test('refuses a client deleting a posted run, and the run stays', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const room = roomName.workspace(id)
  assert.is((await api(fx.server, fx.server.leadToken, 'POST', `/api/tasks/${id}/runs`, report('solution', 'pass'))).status, 200)
  const p = deniedPeer(room, ann.token)
  await waitFor(() => p.provider.synced && getWorkspace(p.doc).runs.has('solution'), 'the annotator to see the run')
  getWorkspace(p.doc).runs.delete('solution')
  await waitFor(() => p.denied.length === 1, 'the delete to be refused')
  assert.ok(getWorkspace(fx.server.running.deps.rooms.peek(room)!.doc).runs.has('solution'), 'the run is still in the room')
})

test('validates a report: unknown subjects, inconsistent counts, oversized text and too many cases are 400 and store nothing', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const post = (body: unknown) => api(fx.server, ann.token, 'POST', `/api/tasks/${id}/runs`, body)
  const bad: [string, unknown][] = [
    ['an unknown subject', report('zz')],
    ['a subject that is not an id', report('__proto__/x')],
    ['a pass with a failing case', { ...report('a'), run: { ...report('a').run, status: 'pass' } }],
    ['counts that do not match the cases', { ...report('a'), run: { ...report('a').run, passed: 2, failed: 0 } }],
    ['a self-stamped ran_by', { ...report('a'), run: { ...report('a').run, ran_by: 'lead' } }],
    ['a message over 2,000 characters', { ...report('a'), run: { ...report('a').run, cases: [{ name: 'x', status: 'fail', message: 'm'.repeat(2_001) }], passed: 0, failed: 1, total: 1 } }],
    ['201 cases', { ...report('a'), run: { ...report('a').run, cases: Array.from({ length: 201 }, (_, i) => ({ name: `c${i}`, status: 'pass' })), passed: 201, failed: 0, total: 201, status: 'pass' } }],
    ['a hash that is not SHA-256', { ...report('a'), run: { ...report('a').run, code_sha256: 'xyz' } }],
  ]
  for (const [what, body] of bad) {
    const res = await post(body)
    assert.is(res.status, 400, `${what}: ${JSON.stringify(res.body)}`)
    assert.type((res.body as { error?: unknown }).error, 'string', `${what} says why`)
  }
  const room = await fx.server.running.deps.rooms.open(roomName.workspace(id))
  assert.is(getWorkspace(room.doc).runs.size, 0, 'nothing was stored')
  // Control: a good report with flags and 200 cases with 2,000-character messages is stored.
  const cases = Array.from({ length: 200 }, (_, i) => ({ name: `c${i}`, status: 'fail' as const, message: 'm'.repeat(2_000) }))
  const good = { subject: 'c', run: { ...report('c').run, cases, passed: 0, failed: 200, total: 200, flags: ['harness'] } }
  const ok = await post(good)
  assert.is(ok.status, 200, JSON.stringify(ok.body).slice(0, 300))
  const stored = getWorkspace(room.doc).runs.get('c') as unknown as { flags: string[]; cases: unknown[] }
  assert.equal(stored.flags, ['harness'])
  assert.is(stored.cases.length, 200)
})

test('takes reports from an assigned annotator and the lead only, and only while the task is writable', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const other = await createUser(fx.server, 'Otto Other', 'annotator')
  const post = (token: string) => api(fx.server, token, 'POST', `/api/tasks/${id}/runs`, report('a'))
  assert.is((await post(rev.token)).status, 403, 'a reviewer')
  assert.is((await post(other.token)).status, 404, 'an annotator of other tasks')
  assert.is((await api(fx.server, null, 'POST', `/api/tasks/${id}/runs`, report('a'))).status, 401, 'nobody')
  assert.is((await api(fx.server, ann.token, 'POST', `/api/tasks/nope/runs`, report('a'))).status, 404, 'an unknown task')
  assert.is((await post(ann.token)).status, 200, 'control: the assigned annotator')
  assert.is((await post(fx.server.leadToken)).status, 200, 'control: the lead')
  const annPeer = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  await completeWorkspace(fx.server, annPeer, id)
  assert.is((await act(fx.server, fx.server.leadToken, id, 'finalize')).status, 200)
  const late = await post(fx.server.leadToken)
  assert.is(late.status, 409, 'after finalize')
  assert.match((late.body as { error: string }).error, /finalized/)
  await waitForServerDoc(fx.server, roomName.workspace(id), (d) => getWorkspace(d).runs.size === 1, 'the room to hold the one run')
})

test.run()
