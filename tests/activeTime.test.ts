/** `GET /api/active-time`: the lead's live view of time on task, measured from real room traffic. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import type { ActiveTime } from '../shared/types'
import { api, assign, createUser, importTasks, taskLine } from './helpers/server'
import { waitFor } from './helpers/waitFor'
import { syncedPeer } from './helpers/review'
import { serverPerTest } from './helpers/perTest'

const test = suite('activeTime')
const fx = serverPerTest(test)

const rows = async (token: string | null) => api<{ rows: ActiveTime[] }>(fx.server, token, 'GET', '/api/active-time')

test('lists each person’s active time per task from their messages, for the lead only', async () => {
  await importTasks(fx.server, [taskLine('t1'), taskLine('t2')].join('\n'))
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const bob = await createUser(fx.server, 'Bob', 'annotator')
  const cy = await createUser(fx.server, 'Cy', 'annotator')
  await assign(fx.server, 't1', [ann.id, bob.id, cy.id])
  const started = Date.now()
  const lead = await syncedPeer(fx.server, roomName.workspace('t1'), fx.server.leadToken, fx.peers)
  const a = await syncedPeer(fx.server, roomName.workspace('t1'), ann.token, fx.peers)
  const b = await syncedPeer(fx.server, roomName.workspace('t1'), bob.token, fx.peers)
  assert.equal((await rows(fx.server.leadToken)).body.rows, [], 'nobody has worked yet')

  // Ann types twice, a moment apart; Bob joins and moves his cursor; Cy never comes.
  getWorkspace(a.doc).explanation.insert(0, 'first ')
  await waitFor(() => getWorkspace(lead.doc).explanation.toString() === 'first ', 'the first edit at the lead')
  await waitFor(() => Date.now() - started > 50, 'a little time to pass')
  getWorkspace(a.doc).explanation.insert(6, 'second')
  await waitFor(() => getWorkspace(lead.doc).explanation.toString() === 'first second', 'the second edit at the lead')
  b.provider.awareness.setLocalStateField('cursor', { at: 1 })
  await waitFor(() => lead.provider.awareness.getStates().get(b.doc.clientID)?.cursor !== undefined, 'Bob’s cursor at the lead')

  const res = await rows(fx.server.leadToken)
  assert.is(res.status, 200)
  const annRow = res.body.rows.find((r) => r.user === ann.id)
  assert.ok(annRow, JSON.stringify(res.body))
  assert.is(annRow.task, 't1')
  assert.ok(annRow.active_ms > 0 && annRow.active_ms <= Date.now() - started, `${annRow.active_ms} ms`)
  assert.ok(res.body.rows.some((r) => r.user === bob.id && r.task === 't1'), 'presence changes are activity')
  assert.not.ok(res.body.rows.some((r) => r.user === cy.id), 'no row for someone who never came')
  assert.not.ok(res.body.rows.some((r) => r.task === 't2'), 'nothing on an untouched task')
  // It is the tracker's figure, the same one the timesheet and the record use.
  assert.is(annRow.active_ms, Math.round(fx.server.running.deps.activity.activeOn('t1', 1).get(ann.id)!))

  assert.is((await rows(ann.token)).status, 403, 'an annotator may not read everyone’s time')
  const rev = await createUser(fx.server, 'Rae', 'reviewer')
  assert.is((await rows(rev.token)).status, 403)
  assert.is((await rows(null)).status, 401)
})

test('sums a person’s time over revisions, so a reopen does not hide work already done', async () => {
  await importTasks(fx.server, taskLine('t1'))
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const activity = fx.server.running.deps.activity
  const now = Date.now()
  activity.note(ann.id, 't1', now - 90_000)
  activity.note(ann.id, 't1', now - 60_000)
  fx.server.running.deps.db.task('t1')!.revision = 2
  activity.note(ann.id, 't1', now - 50_000)
  activity.note(ann.id, 't1', now - 20_000)
  const res = await rows(fx.server.leadToken)
  // 30 s on revision 1; the 10 s gap lands on revision 2 with its next 30 s: 70 s in all.
  assert.equal(res.body.rows, [{ task: 't1', user: ann.id, active_ms: 70_000 }])
  assert.is(activity.activeOn('t1', 1).get(ann.id), 30_000)
})

test('answers for only the tasks named in ?tasks=, and refuses a malformed or oversized list with a 400', async () => {
  await importTasks(fx.server, [taskLine('t1'), taskLine('t2'), taskLine('t3')].join('\n'))
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const activity = fx.server.running.deps.activity
  // one timeline: 30 s on each task in turn (each gap goes to the task of the act that ends it)
  const now = Date.now()
  activity.note(ann.id, 't1', now - 90_000)
  activity.note(ann.id, 't1', now - 60_000)
  activity.note(ann.id, 't2', now - 30_000)
  activity.note(ann.id, 't3', now)
  const get = (query: string) => api<{ rows: ActiveTime[]; error?: string }>(fx.server, fx.server.leadToken, 'GET', `/api/active-time${query}`)
  // Control: without the list, every task with time is there.
  assert.equal((await get('')).body.rows.map((r) => r.task), ['t1', 't2', 't3'])
  const some = await get('?tasks=t1,t3,nope')
  assert.is(some.status, 200)
  assert.equal(some.body.rows.map((r) => r.task), ['t1', 't3'], 'an unknown id is simply absent')

  const ids = (n: number) => Array.from({ length: n }, (_, i) => `x${i}`).join(',')
  assert.is((await get(`?tasks=t1,${ids(499)}`)).status, 200, '500 ids are allowed')
  for (const bad of [`?tasks=${ids(501)}`, '?tasks=', '?tasks=t1,,t2', '?tasks=t1%2F..', '?tasks=__proto__,a%20b', '?tasks=t1&tasks=t2']) {
    const res = await get(bad)
    assert.is(res.status, 400, bad)
    assert.type(res.body.error, 'string', bad)
  }
  assert.is((await get('?tasks=t2')).body.rows.length, 1, 'the server still answers after bad requests')
})

test.run()
