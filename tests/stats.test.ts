/** `GET /api/stats`: who may ask, and the numbers of a small seeded independent batch. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { roomName } from '../shared/roomNames'
import { getBallot } from '../shared/schema'
import type { BatchStats } from '../shared/stats'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import type { Peer } from './helpers/peer'
import { act, completeWorkspace, CRITERIA, syncedPeer, waitForServerDoc } from './helpers/review'
import { makeIndependent, seedBallots } from './helpers/seedBallots'
import { waitFor } from './helpers/waitFor'

const test = suite('stats')
let server: TestServer
let peers: Peer[] = []
let ann: { id: string; token: string; name: string }
let bea: { id: string; token: string; name: string }

/** Places `ranking` in a user's ballot (scoring what `complete` says) and waits for the server. */
async function ballot(taskId: string, who: { id: string; token: string }, ranking: string[], complete: boolean) {
  await api(server, who.token, 'POST', `/api/tasks/${taskId}/ballot`)
  const peer = await syncedPeer(server, roomName.ballot(taskId, who.id), who.token, peers)
  const b = getBallot(peer.doc)
  peer.doc.transact(() => {
    b.ranking.push(ranking)
    if (complete) for (const id of ['a', 'b', 'c']) for (const k of CRITERIA) (b.ratings.get(id) as Y.Map<number>).set(k, 4)
  })
  const want = ranking.join()
  await waitForServerDoc(server, roomName.ballot(taskId, who.id), (d) => getBallot(d).ranking.toArray().join() === want, 'the ballot')
  if (complete) assert.is((await api(server, who.token, 'POST', `/api/tasks/${taskId}/ballot/submit`)).status, 200)
}

test.before.each(async () => {
  server = await startServer()
  await importTasks(server, [taskLine('t1'), taskLine('t2')].join('\n'), 'indie')
  const batch = server.running.deps.db.batch('indie')!
  await server.running.deps.db.putBatch({ ...batch, mode: 'independent' })
  ann = await createUser(server, 'Ann', 'annotator')
  bea = await createUser(server, 'Bea', 'annotator')
  await assign(server, 't1', [ann.id, bea.id])
  await assign(server, 't2', [ann.id, bea.id])
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
})

test('stats are for the lead only and name what is wrong with a bad query', async () => {
  assert.is((await api(server, ann.token, 'GET', '/api/stats?batch=indie')).status, 403)
  assert.is((await api(server, null, 'GET', '/api/stats?batch=indie')).status, 401)
  const missing = await api(server, server.leadToken, 'GET', '/api/stats')
  assert.is(missing.status, 400)
  assert.match(missing.body.error, /batch is required/)
  assert.is((await api(server, server.leadToken, 'GET', '/api/stats?batch=nope')).status, 404)
  const badDay = await api(server, server.leadToken, 'GET', '/api/stats?batch=indie&from=2026-02-30')
  assert.is(badDay.status, 400)
  assert.match(badDay.body.error, /from must be a date/)
  // positive control: the lead gets the batch
  const ok = await api<BatchStats>(server, server.leadToken, 'GET', '/api/stats?batch=indie')
  assert.is(ok.status, 200)
  assert.equal(ok.body.tasks, [], 'no task has a ballot to show')
  assert.is(ok.body.task_count, 2)
  assert.is(ok.body.tasks_compared, 0)
  assert.is(ok.body.mean_tau_b, null)
  assert.is(ok.body.alpha_ordinal, null)
})

test('stats give per-task agreement, the batch\'s ordinal alpha, throughput and active time per day', async () => {
  await ballot('t1', ann, ['a', 'b', 'c'], true)
  await ballot('t1', bea, ['a', 'c', 'b'], true)
  await ballot('t2', ann, ['c', 'b', 'a'], true)
  await ballot('t2', bea, ['c'], false)
  // t1 is finalized today through the real workflow
  const ws = await syncedPeer(server, roomName.workspace('t1'), server.leadToken, peers)
  await completeWorkspace(server, ws, 't1')
  assert.is((await act(server, server.leadToken, 't1', 'finalize')).status, 200)
  // a person's timeline runs forward while they are connected: the live session ends first
  for (const p of peers.splice(0)) p.destroy()
  await waitFor(() => ![...server.running.deps.connections].some((c) => c.user.id === ann.id), 'Ann’s connections to close')
  // active time on a day of its own, scripted through the tracker's clock argument
  const t0 = Date.parse('2026-01-05T10:00:00Z')
  const activity = server.running.deps.activity
  activity.note(ann.id, 't1', t0)
  activity.note(ann.id, 't1', t0 + 60_000)
  activity.note(ann.id, 't2', t0 + 90_000)
  activity.note(ann.id, 't2', t0 + 120_000)
  activity.note(bea.id, 't2', t0 + 86_400_000)
  activity.note(bea.id, 't2', t0 + 86_400_000 + 45_000)

  const res = await api<BatchStats>(server, server.leadToken, 'GET', '/api/stats?batch=indie')
  assert.is(res.status, 200)
  const [t1, t2] = res.body.tasks
  assert.is(t1.status, 'finalized')
  assert.is(t1.ballots, 2)
  assert.is(t1.submitted, 2)
  // a,b,c vs a,c,b: two concordant pairs, one discordant, no ties
  assert.ok(Math.abs(t1.mean_tau_b! - 1 / 3) < 1e-12, `tau ${t1.mean_tau_b}`)
  assert.is(t1.top1_agreement, 1)
  assert.is(t1.split_pairs, 1)
  assert.is(t2.ballots, 2)
  assert.is(t2.submitted, 1)
  assert.is(t2.mean_tau_b, null, 'one shared candidate gives no tau')
  assert.is(t2.top1_agreement, 1)
  assert.is(res.body.task_count, 2)
  assert.is(res.body.tasks_compared, 1, 't2 has no tau')
  assert.ok(Math.abs(res.body.mean_tau_b! - 1 / 3) < 1e-12)
  // Complete ballots only: t1's units (1,1), (2,3), (3,2); t2's have one coder each and do not
  // pair. By hand: n = 6, n_c = 2 each, δ²(1,2) = δ²(2,3) = 4, δ²(1,3) = 16;
  // D_o ∝ 16, D_e ∝ 192; α = 1 − 5 · 16 / 192 = 7/12
  assert.ok(Math.abs(res.body.alpha_ordinal! - 7 / 12) < 1e-12, `alpha ${res.body.alpha_ordinal}`)
  assert.is(res.body.alpha_ballots, 3)
  const today = new Date().toISOString().slice(0, 10)
  assert.equal(res.body.finalized_per_day, [{ day: today, finalized: 1 }])

  const jan = await api<BatchStats>(server, server.leadToken, 'GET', '/api/stats?batch=indie&from=2026-01-01&to=2026-01-10')
  assert.equal(jan.body.active_per_day, [
    // one timeline: 0–60 s on t1, then 60–90 s (ended by t2's act) and 90–120 s on t2
    { user: ann.id, name: 'Ann', role: 'annotator', day: '2026-01-05', active_ms: 60_000 + 30_000 + 30_000 },
    { user: bea.id, name: 'Bea', role: 'annotator', day: '2026-01-06', active_ms: 45_000 },
  ])
  assert.equal(jan.body.finalized_per_day, [])
})

test('a batch of 3,000 tasks lists only the tasks with ballots and answers in a few KB', async () => {
  const ids = Array.from({ length: 3000 }, (_v, i) => `big-${String(i).padStart(4, '0')}`)
  assert.is((await importTasks(server, ids.map((id) => taskLine(id)).join('\n'), 'big')).imported, 3000)
  await makeIndependent(server, 'big')
  // tau-b: identical rankings 1, reversed −1, one candidate swapped 1/3; one ballot: no tau
  await seedBallots(server, 'big-0100', [ann, bea], [['a', 'b', 'c'], ['a', 'b', 'c']])
  await seedBallots(server, 'big-2000', [ann, bea], [['a', 'b', 'c'], ['c', 'b', 'a']])
  await seedBallots(server, 'big-2999', [ann, bea], [['a', 'b', 'c'], ['a', 'c', 'b']])
  await seedBallots(server, 'big-0007', [ann], [['b']])
  await assign(server, 'big-0008', [ann.id, bea.id]) // assigned, nothing placed: not listed

  const res = await fetch(`${server.url}/api/stats?batch=big`, { headers: { authorization: `Bearer ${server.leadToken}` } })
  const text = await res.text()
  assert.is(res.status, 200)
  const body = JSON.parse(text) as BatchStats
  assert.equal(body.tasks.map((t) => [t.id, t.ballots, t.assignees.length]), [['big-0007', 1, 1], ['big-0100', 2, 2], ['big-2000', 2, 2], ['big-2999', 2, 2]])
  assert.equal(body.tasks.map((t) => t.mean_tau_b), [null, 1, -1, 1 / 3])
  assert.is(body.task_count, 3000)
  assert.is(body.tasks_compared, 3)
  assert.ok(Math.abs(body.mean_tau_b! - 1 / 9) < 1e-12, `mean ${body.mean_tau_b}`)
  assert.ok(text.length < 3000, `small: ${text.length} bytes`)

  // control: the small batch beside it lists its tasks once they have ballots
  await seedBallots(server, 't1', [ann, bea], [['a', 'b', 'c'], ['a', 'b', 'c']])
  await seedBallots(server, 't2', [ann], [['c']])
  const small = await api<BatchStats>(server, server.leadToken, 'GET', '/api/stats?batch=indie')
  assert.equal(small.body.tasks.map((t) => [t.id, t.ballots]), [['t1', 2], ['t2', 1]])
  assert.is(small.body.task_count, 2)
})

test.run()
