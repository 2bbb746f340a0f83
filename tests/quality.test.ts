/**
 * `GET /api/quality` over a real server with two annotators: an independent batch with ballots and
 * a gold task, a collaborative batch with a request-changes round and a gold task worked alone,
 * each figure checked against one computed by hand.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import type { Peer } from './helpers/peer'
import { act, completeWorkspace, submitBallot, syncedPeer } from './helpers/review'

const test = suite('quality')
let server: TestServer
let peers: Peer[] = []

test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
})

type User = { id: string; token: string }

/** Fills and submits `user`'s ballot of `taskId` with `ranking`. */
const ballot = (taskId: string, user: User, ranking: string[]) => submitBallot(server, peers, taskId, user, ranking)

/** The annotator completes the shared workspace with `ranking` and submits it. */
async function submitWork(taskId: string, user: User, ranking: string[]) {
  const peer = await syncedPeer(server, roomName.workspace(taskId), user.token, peers)
  await completeWorkspace(server, peer, taskId, { ranking })
  const res = await act(server, user.token, taskId, 'submit')
  assert.is(res.status, 200, JSON.stringify(res.body))
  peer.destroy()
}

/** Where each person's scripted time goes on: one timeline per person, so sessions follow each other. */
const nextSession = new Map<string, number>()

/**
 * `minutes` of active time for `user` on `taskId`, from an hour from now, after the person's
 * previous scripted session and an idle gap (the tracker credits gaps up to two minutes).
 */
function workFor(user: User, taskId: string, minutes: number) {
  const activity = server.running.deps.activity
  let at = Math.max(Date.now() + 3_600_000, nextSession.get(user.id) ?? 0)
  nextSession.set(user.id, at + (minutes + 10) * 60_000)
  activity.note(user.id, taskId, at)
  for (let m = 0; m < minutes; m++) activity.note(user.id, taskId, (at += 60_000))
}

const close = (actual: number | null, expected: number, what: string, within = 1e-9) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= within, `${what}: expected ${expected}, got ${actual}`)

async function setUp() {
  await importTasks(server, [taskLine('i1'), taskLine('i2')].join('\n'), 'ind')
  const batch = server.running.deps.db.batch('ind')!
  await server.running.deps.db.putBatch({ ...batch, mode: 'independent' })
  await importTasks(server, [taskLine('c1'), taskLine('c2')].join('\n'), 'col')
  const ann = await createUser(server, 'Ann', 'annotator')
  const bob = await createUser(server, 'Bob', 'annotator')
  for (const id of ['i1', 'i2']) await assign(server, id, [ann.id, bob.id])
  for (const id of ['c1', 'c2']) await assign(server, id, [ann.id])
  return { ann, bob }
}

test('gives each annotator their figures, computed by hand, for one batch and for every batch', async () => {
  const { ann, bob } = await setUp()
  const gold = (id: string, ranking: string[]) => api(server, server.leadToken, 'POST', `/api/tasks/${id}/gold`, { ranking })
  assert.is((await gold('i1', ['a', 'b', 'c'])).status, 200)
  assert.is((await gold('c1', ['a', 'b', 'c'])).status, 200)

  // Independent: gold i1 = a>b>c. Ann a>b>c (tau 1, top-1), Bob c>b>a (tau -1, not top-1).
  // Peers: i1 Ann vs Bob -1; i2 a>b>c vs b>a>c is (2 - 1) / 3 = 1/3; mean (-1 + 1/3) / 2 = -1/3.
  await ballot('i1', ann, ['a', 'b', 'c'])
  await ballot('i1', bob, ['c', 'b', 'a'])
  await ballot('i2', ann, ['a', 'b', 'c'])
  await ballot('i2', bob, ['b', 'a', 'c'])

  // Collaborative: Ann alone. c1 submitted b>a>c and finalized at once (right; vs gold a>b>c: tau 1/3,
  // not top-1); c2 sent back once, then finalized (not right): first-time-right 1/2.
  await submitWork('c1', ann, ['b', 'a', 'c'])
  assert.is((await act(server, server.leadToken, 'c1', 'finalize')).status, 200)
  await submitWork('c2', ann, ['a', 'c', 'b'])
  assert.is((await act(server, server.leadToken, 'c2', 'request-changes', { message: 'Explain why C is second.' })).status, 200)
  await submitWork('c2', ann, ['a', 'c', 'b'])
  assert.is((await act(server, server.leadToken, 'c2', 'finalize')).status, 200)
  // Active time: 1 and 3 minutes on the collaborative tasks (plus the seconds this test takes).
  workFor(ann, 'c1', 1)
  workFor(ann, 'c2', 3)

  const col = await api(server, server.leadToken, 'GET', '/api/quality?batch=col')
  assert.is(col.status, 200, JSON.stringify(col.body))
  assert.is(col.body.batch, 'col')
  assert.is(col.body.gold_tasks, 1)
  assert.equal(col.body.annotators.map((r: any) => r.name), ['Ann'], 'only the people of the batch')
  const annCol = col.body.annotators[0]
  assert.is(annCol.submitted, 2)
  assert.is(annCol.gold_judged, 1)
  close(annCol.gold_tau_b, 1 / 3, 'collaborative gold tau-b')
  assert.is(annCol.gold_top1, 0)
  assert.is(annCol.first_time_right, 0.5)
  close(annCol.median_active_minutes, 2, 'median of 1 and 3 minutes', 0.25)
  assert.is(annCol.peer_tau_b, null, 'no peers in collaborative mode')

  const ind = await api(server, server.leadToken, 'GET', '/api/quality?batch=ind')
  const [annInd, bobInd] = ind.body.annotators
  assert.equal([annInd.name, bobInd.name], ['Ann', 'Bob'])
  assert.equal([annInd.submitted, bobInd.submitted], [2, 2], 'ballots submitted')
  assert.equal([annInd.gold_judged, annInd.gold_tau_b, annInd.gold_top1], [1, 1, 1])
  assert.equal([bobInd.gold_judged, bobInd.gold_tau_b, bobInd.gold_top1], [1, -1, 0])
  close(annInd.peer_tau_b, -1 / 3, 'Ann vs Bob')
  close(bobInd.peer_tau_b, -1 / 3, 'Bob vs Ann')
  assert.equal([annInd.first_time_right, bobInd.first_time_right], [null, null], 'nothing submitted through the workflow')

  const all = await api(server, server.leadToken, 'GET', '/api/quality')
  assert.is(all.body.batch, null)
  assert.is(all.body.tasks, 4)
  const annAll = all.body.annotators.find((r: any) => r.name === 'Ann')
  assert.is(annAll.submitted, 4)
  assert.is(annAll.gold_judged, 2)
  close(annAll.gold_tau_b, (1 + 1 / 3) / 2, 'mean over both batches')
  assert.is(annAll.gold_top1, 0.5)
  assert.is(annAll.first_time_right, 0.5)
  close(annAll.peer_tau_b, -1 / 3, 'peers from the independent batch only')
  const text = JSON.stringify(all.body)
  assert.not.match(text, /NaN/)
})

test('a gold task two annotators worked on together judges neither, and a lone worker is judged', async () => {
  const { ann, bob } = await setUp()
  await assign(server, 'c1', [ann.id, bob.id])
  assert.is((await api(server, server.leadToken, 'POST', '/api/tasks/c1/gold', { ranking: ['a', 'b', 'c'] })).status, 200)
  assert.is((await api(server, server.leadToken, 'POST', '/api/tasks/c2/gold', { ranking: ['a', 'b', 'c'] })).status, 200)
  const annPeer = await syncedPeer(server, roomName.workspace('c1'), ann.token, peers)
  await completeWorkspace(server, annPeer, 'c1', { ranking: ['a', 'b', 'c'] })
  const bobPeer = await syncedPeer(server, roomName.workspace('c1'), bob.token, peers)
  await completeWorkspace(server, bobPeer, 'c1', { ranking: ['a', 'b', 'c'] })
  const c2 = await syncedPeer(server, roomName.workspace('c2'), ann.token, peers)
  await completeWorkspace(server, c2, 'c2', { ranking: ['c', 'b', 'a'] })
  // Their time on task, as the tracker counts it (a burst of frames within one millisecond counts none).
  workFor(ann, 'c1', 1)
  workFor(bob, 'c1', 1)
  workFor(ann, 'c2', 1)
  const res = await api(server, server.leadToken, 'GET', '/api/quality?batch=col')
  const byName = new Map(res.body.annotators.map((r: any) => [r.name, r]))
  const a = byName.get('Ann') as any
  assert.is(a.gold_judged, 1, 'only c2, which Ann worked on alone (read from the workspace room, not finalized)')
  assert.is(a.gold_tau_b, -1)
  assert.is((byName.get('Bob') as any).gold_judged, 0)
  assert.is((byName.get('Bob') as any).gold_tau_b, null)
})

test('refuses a bad or unknown batch with 400 and anyone but the lead with 403', async () => {
  const { ann } = await setUp()
  const bad = await api(server, server.leadToken, 'GET', '/api/quality?batch=nope')
  assert.is(bad.status, 400)
  assert.match(bad.body.error, /unknown batch "nope"/)
  assert.is((await api(server, server.leadToken, 'GET', '/api/quality?batch=%2F..%2Fx')).status, 400)
  assert.is((await api(server, server.leadToken, 'GET', '/api/quality?batch=ind&batch=col')).status, 400)
  assert.is((await api(server, ann.token, 'GET', '/api/quality?batch=ind')).status, 403)
  assert.is((await api(server, null, 'GET', '/api/quality')).status, 401)
  const ok = await api(server, server.leadToken, 'GET', '/api/quality?batch=ind')
  assert.is(ok.status, 200, 'positive control')
  assert.equal(ok.body.annotators.map((r: any) => [r.name, r.submitted, r.gold_judged, r.gold_tau_b, r.median_active_minutes]), [
    ['Ann', 0, 0, null, null],
    ['Bob', 0, 0, null, null],
  ])
})

test.run()
