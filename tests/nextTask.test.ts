/** `GET /api/next`: an annotator's next task that still needs their work, in list order. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { roomName } from '../shared/roomNames'
import { getBallot } from '../shared/schema'
import { api, assign, createUser, importTasks, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { serverPerTest } from './helpers/perTest'
import { waitFor } from './helpers/waitFor'
import { act, completeWorkspace, CRITERIA, syncedPeer, waitForServerDoc } from './helpers/review'

const test = suite('next task')
const fx = serverPerTest(test)

const next = async (token: string, query = '') => {
  const res = await api(fx.server, token, 'GET', `/api/next${query}`)
  return { status: res.status, id: res.status === 200 ? (res.body.task_id as string) : null, body: res.body }
}

/**
 * Batch `c` (collaborative): c1..c4 for Ann, c5 for Bob only. Batch `i` (independent): i1, i2
 * for Ann. Then c1 is finalized (stored state) and c2 submitted by Ann through the workflow.
 */
async function fixture(server: TestServer) {
  await importTasks(server, ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => taskLine(id)).join('\n'), 'c')
  await importTasks(server, ['i1', 'i2'].map((id) => taskLine(id)).join('\n'), 'i')
  const batch = server.running.deps.db.batch('i')!
  await server.running.deps.db.putBatch({ ...batch, mode: 'independent' })
  const ann = await createUser(server, 'Ann', 'annotator')
  const bob = await createUser(server, 'Bob', 'annotator')
  for (const id of ['c1', 'c2', 'c3', 'c4', 'i1', 'i2']) await assign(server, id, [ann.id])
  await assign(server, 'c5', [bob.id])
  await server.running.deps.db.updateTask('c1', (t) => {
    t.status = 'finalized'
  })
  const peer = await syncedPeer(server, roomName.workspace('c2'), ann.token, fx.peers)
  await completeWorkspace(server, peer, 'c2')
  // Held by the server now; closed before the submit turns the room read-only under it.
  peer.destroy()
  const submitted = await act(server, ann.token, 'c2', 'submit')
  assert.is(submitted.status, 200, JSON.stringify(submitted.body))
  return { ann, bob }
}

/** Ann ranks, scores and submits her ballot of `taskId` through the real routes and room. */
async function submitBallot(server: TestServer, token: string, userId: string, taskId: string) {
  assert.is((await api(server, token, 'POST', `/api/tasks/${taskId}/ballot`)).status, 200)
  const room = roomName.ballot(taskId, userId)
  const peer = await syncedPeer(server, room, token, fx.peers)
  const ballot = getBallot(peer.doc)
  await waitForServerDoc(server, room, (d) => getBallot(d).ratings.size === 3, 'the prepared ballot')
  await waitFor(() => getBallot(peer.doc).ratings.size === 3, 'the owner to see the prepared ballot')
  peer.doc.transact(() => {
    ballot.ranking.push(['a', 'b', 'c'])
    for (const id of ['a', 'b', 'c']) for (const k of CRITERIA) (ballot.ratings.get(id) as Y.Map<number>).set(k, 3)
  })
  await waitForServerDoc(server, room, (d) => getBallot(d).ranking.length === 3, 'the filled ballot')
  const res = await api(server, token, 'POST', `/api/tasks/${taskId}/ballot/submit`)
  assert.is(res.status, 200, JSON.stringify(res.body))
}

test('skips finalized and submitted tasks, others\' tasks and submitted ballots, in list order', async () => {
  const { ann } = await fixture(fx.server)
  assert.is((await next(ann.token)).id, 'c3', 'c1 is finalized, c2 submitted')
  assert.is((await next(ann.token, '?after=c3')).id, 'c4')
  assert.is((await next(ann.token, '?after=c4')).id, 'i1', 'control: an unsubmitted ballot needs work')
  await submitBallot(fx.server, ann.token, ann.id, 'i1')
  assert.is((await next(ann.token, '?after=c4')).id, 'i2', 'a submitted ballot is skipped')
  assert.is((await next(ann.token, '?after=i2')).id, 'c3', 'after the last it wraps to the first')
  const withdrawn = await api(fx.server, ann.token, 'DELETE', '/api/tasks/i1/ballot/submit')
  assert.is(withdrawn.status, 200)
  assert.is((await next(ann.token, '?after=c4')).id, 'i1', 'a withdrawn ballot needs work again')
})

test('stays in the batch, wraps after `after` and never answers `after` itself', async () => {
  const { ann } = await fixture(fx.server)
  assert.is((await next(ann.token, '?batch=i')).id, 'i1')
  assert.is((await next(ann.token, '?batch=i&after=i1')).id, 'i2')
  assert.is((await next(ann.token, '?batch=i&after=i2')).id, 'i1', 'wraps within the batch')
  assert.is((await next(ann.token, '?batch=c&after=c4')).id, 'c3', 'wraps within the batch, not into i')
  await submitBallot(fx.server, ann.token, ann.id, 'i1')
  const only = await next(ann.token, '?batch=i&after=i2')
  assert.is(only.status, 204, 'i2 is the only task left in i, and it is `after`')
  assert.is((await next(ann.token, '?batch=i')).id, 'i2', 'control: without after, i2 is next')
  assert.is((await next(ann.token, '?batch=nothing')).status, 204, 'an unknown batch has nothing')
})

test('answers 204 when no assigned task needs work', async () => {
  const { bob } = await fixture(fx.server)
  assert.is((await next(bob.token)).id, 'c5', 'control: Bob has c5 to do')
  await fx.server.running.deps.db.updateTask('c5', (t) => {
    t.status = 'submitted'
  })
  const none = await next(bob.token)
  assert.is(none.status, 204)
  const carl = await createUser(fx.server, 'Carl', 'annotator')
  assert.is((await next(carl.token)).status, 204, 'nothing assigned, nothing next')
})

test('answers 403 to a lead and a reviewer, and 400 or 404 to a bad query', async () => {
  const { ann } = await fixture(fx.server)
  assert.is((await next(ann.token)).status, 200, 'control: an annotator gets an answer')
  assert.is((await next(fx.server.leadToken)).status, 403)
  const rev = await createUser(fx.server, 'Rae', 'reviewer')
  assert.is((await next(rev.token)).status, 403)
  assert.is((await next(ann.token, '?after=../x')).status, 400)
  assert.is((await next(ann.token, '?batch=%00')).status, 400)
  const unknown = await next(ann.token, '?after=nope')
  assert.is(unknown.status, 404)
  assert.match(String(unknown.body.error), /no task nope/)
  assert.is((await next(ann.token, '?after=c5')).id, 'i1', "another's task still places the start")
})

test.run()
