/** `GET /api/people/summary`: per person assigned, submitted, finalized and this week's hours, against hand-counted work. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { ActivityTracker } from '../server/services/activity'
import { peopleSummary } from '../server/services/peopleSummary'
import { api, assign, createUser, importTasks, taskLine } from './helpers/server'
import { act, completeWorkspace, submitBallot, syncedPeer } from './helpers/review'
import { serverPerTest } from './helpers/perTest'

const test = suite('peopleSummary')
const fx = serverPerTest(test)

type Summary = { tz: string; week: { from: string; to: string }; people: { id: string; assigned: number; submitted: number; finalized: number; hours_week: number }[] }

async function summary(query = '') {
  return api<Summary>(fx.server, fx.server.leadToken, 'GET', `/api/people/summary${query}`)
}

async function complete(id: string, token: string) {
  const peer = await syncedPeer(fx.server, roomName.workspace(id), token, fx.peers)
  await completeWorkspace(fx.server, peer, id)
}

test('counts each person’s assigned tasks, distinct submitted tasks and finalized assigned tasks', async () => {
  await importTasks(fx.server, [taskLine('t1'), taskLine('t2'), taskLine('t3')].join('\n'))
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const bo = await createUser(fx.server, 'Bo', 'annotator')
  await assign(fx.server, 't1', [ann.id, bo.id])
  await assign(fx.server, 't2', [ann.id])
  await assign(fx.server, 't3', [bo.id])
  const lead = fx.server.leadToken
  // Ann submits t1 twice around a request for changes (one task), then the lead finalizes it
  await complete('t1', ann.token)
  assert.is((await act(fx.server, ann.token, 't1', 'submit')).status, 200)
  assert.is((await act(fx.server, lead, 't1', 'request-changes', { message: 'again' })).status, 200)
  assert.is((await act(fx.server, ann.token, 't1', 'submit')).status, 200)
  assert.is((await act(fx.server, lead, 't1', 'finalize')).status, 200)
  // Bo never submits; the lead finalizes t3 from in progress
  await complete('t3', bo.token)
  assert.is((await act(fx.server, lead, 't3', 'finalize')).status, 200)

  const res = await summary()
  assert.is(res.status, 200)
  const byId = new Map(res.body.people.map((p) => [p.id, p]))
  const counts = (id: string) => {
    const p = byId.get(id)!
    return [p.assigned, p.submitted, p.finalized]
  }
  assert.equal(counts(ann.id), [2, 1, 1])
  assert.equal(counts(bo.id), [2, 0, 2])
  const leadId = fx.server.running.deps.db.users.find((u) => u.role === 'lead')!.id
  assert.equal(counts(leadId), [0, 0, 0])
  assert.is(res.body.people.length, fx.server.running.deps.db.users.length, 'one row per current user')

  // a later submit is read from the audit log's new lines only
  await complete('t2', ann.token)
  assert.is((await act(fx.server, ann.token, 't2', 'submit')).status, 200)
  const after = new Map((await summary()).body.people.map((p) => [p.id, p]))
  assert.equal([after.get(ann.id)!.assigned, after.get(ann.id)!.submitted, after.get(ann.id)!.finalized], [2, 2, 1])
})

test('counts a submitted ballot as a task submitted, once however often it is withdrawn and submitted again', async () => {
  await importTasks(fx.server, [taskLine('i1'), taskLine('i2')].join('\n'), 'ind')
  const db = fx.server.running.deps.db
  await db.putBatch({ ...db.batch('ind')!, mode: 'independent' })
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const bo = await createUser(fx.server, 'Bo', 'annotator')
  for (const id of ['i1', 'i2']) await assign(fx.server, id, [ann.id, bo.id])
  await submitBallot(fx.server, fx.peers, 'i1', ann, ['a', 'b', 'c'])
  assert.is((await api(fx.server, ann.token, 'DELETE', '/api/tasks/i1/ballot/submit')).status, 200, 'withdrawn')
  assert.is((await api(fx.server, ann.token, 'POST', '/api/tasks/i1/ballot/submit')).status, 200)
  await submitBallot(fx.server, fx.peers, 'i2', ann, ['c', 'b', 'a'])
  const byId = new Map((await summary()).body.people.map((p) => [p.id, p]))
  assert.equal([byId.get(ann.id)!.assigned, byId.get(ann.id)!.submitted], [2, 2], 'two ballots, one withdrawn and submitted again')
  assert.equal([byId.get(bo.id)!.assigned, byId.get(bo.id)!.submitted], [2, 0], 'Bo submitted none')
})

test('takes this week’s hours from Monday in the chosen zone, and refuses an unknown zone', async () => {
  // Wednesday 4 March 2026; Monday 2 March starts at 18:30 UTC on 1 March in Kolkata
  const now = Date.parse('2026-03-04T12:00:00Z')
  const activity = new ActivityTracker({ dataDir: null, revisionOf: () => 1, now: () => now })
  try {
    for (const iso of ['2026-03-01T18:20:00Z', '2026-03-01T18:25:00Z']) activity.note('ann', 't1', Date.parse(iso)) // Sunday in both zones
    for (const iso of ['2026-03-01T18:40:00Z', '2026-03-01T18:41:30Z', '2026-03-01T18:43:00Z']) activity.note('ann', 't2', Date.parse(iso)) // Monday 00:10 in Kolkata
    for (const iso of ['2026-03-03T10:00:00Z', '2026-03-03T10:01:48Z']) activity.note('ann', 't1', Date.parse(iso)) // Tuesday everywhere
    const db = { users: [{ id: 'ann' }] as never, tasks: [] }
    const submitted = { counts: () => new Map<string, number>() }
    const utc = peopleSummary({ db, activity, submitted }, 'UTC', now)
    const kolkata = peopleSummary({ db, activity, submitted }, 'Asia/Kolkata', now)
    assert.equal(utc.week, { from: '2026-03-02', to: '2026-03-04' })
    assert.equal(kolkata.week, { from: '2026-03-02', to: '2026-03-04' })
    assert.is(utc.people[0].hours_week, 0.03, 'UTC: Tuesday’s 108 s only')
    assert.is(kolkata.people[0].hours_week, 0.08, 'Kolkata: Monday’s 3 min and Tuesday’s 108 s')
  } finally {
    void activity.close()
  }
  const ok = await summary('?tz=Asia/Kolkata')
  assert.is(ok.status, 200, 'control: a real zone')
  assert.is(ok.body.tz, 'Asia/Kolkata')
  const bad = await summary('?tz=Nowhere/Atlantis')
  assert.is(bad.status, 400)
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  assert.is((await api(fx.server, ann.token, 'GET', '/api/people/summary')).status, 403, 'leads only')
})

test.run()
