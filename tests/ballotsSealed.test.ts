/** A submitted ballot is sealed until withdrawn; its submission is the server's; the record holds it as submitted. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { onPermissionDenied } from '../client/sync/permissionDenied'
import { readSubmission, SubmissionKey } from '../shared/ballots'
import { roomName } from '../shared/roomNames'
import { getBallot, getWorkspace } from '../shared/schema'
import { api } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { serverPerTest } from './helpers/perTest'
import { act, completeWorkspace, CRITERIA, reviewTask, syncedPeer, waitForServerDoc } from './helpers/review'
import { waitFor } from './helpers/waitFor'

const test = suite('sealed ballots')
const fx = serverPerTest(test)

/** Turns the test batch independent. */
async function makeIndependent() {
  const batch = fx.server.running.deps.db.batch('test')!
  await fx.server.running.deps.db.putBatch({ ...batch, mode: 'independent' })
}

/** The owner's synced stock provider on their ballot, recording the refusals it is told. */
async function ballotPeer(taskId: string, user: { id: string; token: string }): Promise<Peer & { denied: string[] }> {
  const p = connectPeer(fx.server.wsUrl, roomName.ballot(taskId, user.id), user.token)
  fx.peers.push(p)
  const denied: string[] = []
  onPermissionDenied(p.provider, (reason) => denied.push(reason))
  await waitFor(() => p.provider.synced && getBallot(p.doc).ratings.size === 3, 'the prepared ballot to sync')
  return Object.assign(p, { denied })
}

/** Ranks and scores the ballot in one transaction. */
function fill(peer: Peer, ranking: string[], score: number) {
  const ballot = getBallot(peer.doc)
  peer.doc.transact(() => {
    ballot.ranking.delete(0, ballot.ranking.length)
    ballot.ranking.push(ranking)
    for (const id of ranking) for (const k of CRITERIA) (ballot.ratings.get(id) as Y.Map<number>).set(k, score)
  })
}

const serverBallot = (taskId: string, userId: string) => fx.server.running.deps.rooms.peek(roomName.ballot(taskId, userId))!.doc
const rankingOf = (doc: Y.Doc) => getBallot(doc).ranking.toArray().join()

test('refuses an edit of a submitted ballot, while an unsubmitted one is editable and a withdrawn one is again', async () => {
  const { id, ann } = await reviewTask(fx.server)
  await makeIndependent()
  assert.is((await api(fx.server, ann.token, 'POST', `/api/tasks/${id}/ballot`)).status, 200)
  const owner = await ballotPeer(id, ann)
  const lead = await syncedPeer(fx.server, roomName.ballot(id, ann.id), fx.server.leadToken, fx.peers)
  // Control: an unsubmitted ballot takes its owner's edits.
  fill(owner, ['a', 'b', 'c'], 3)
  await waitForServerDoc(fx.server, roomName.ballot(id, ann.id), (d) => rankingOf(d) === 'a,b,c', 'the owner\'s ballot')
  assert.is((await api(fx.server, ann.token, 'POST', `/api/tasks/${id}/ballot/submit`)).status, 200)
  await waitFor(() => readSubmission(owner.doc) !== null, 'the owner to see the submission')
  fill(owner, ['c', 'b', 'a'], 5)
  await waitFor(() => owner.denied.length === 1, 'the edit after submit to be refused')
  assert.match(owner.denied[0], /your ballot is submitted: withdraw it to change it/)
  assert.is(rankingOf(serverBallot(id, ann.id)), 'a,b,c', 'the room keeps the ballot as submitted')
  assert.is(rankingOf(lead.doc), 'a,b,c', 'the lead never sees the edit')
  // Withdrawn through the API (the lead sees it), the ballot is editable again from a fresh client.
  assert.is((await api(fx.server, ann.token, 'DELETE', `/api/tasks/${id}/ballot/submit`)).status, 200)
  await waitFor(() => readSubmission(lead.doc) === null, 'the lead to see the withdrawal')
  const again = await ballotPeer(id, ann)
  fill(again, ['c', 'b', 'a'], 5)
  await waitFor(() => rankingOf(lead.doc) === 'c,b,a', 'the edit after withdrawing to reach the lead')
  assert.equal(again.denied, [])
})

test('refuses a self-written backdated submission, which is neither counted, merged nor recorded', async () => {
  const { id, ann } = await reviewTask(fx.server)
  await makeIndependent()
  const leadId = fx.server.running.deps.db.users.find((u) => u.role === 'lead')!.id
  assert.is((await api(fx.server, ann.token, 'POST', `/api/tasks/${id}/ballot`)).status, 200)
  const owner = await ballotPeer(id, ann)
  fill(owner, ['c', 'a', 'b'], 4)
  await waitForServerDoc(fx.server, roomName.ballot(id, ann.id), (d) => rankingOf(d) === 'c,a,b', 'the complete ballot')
  const submission = getBallot(owner.doc).submission
  owner.doc.transact(() => {
    submission.set(SubmissionKey.submitted_at, '2020-01-01T00:00:00.000Z')
    submission.set(SubmissionKey.by, leadId)
  })
  await waitFor(() => owner.denied.length === 1, 'the forged submission to be refused')
  assert.match(owner.denied[0], /submission is written by the server only/)
  assert.is(readSubmission(serverBallot(id, ann.id)), null, 'no submission in the room')
  const stats = await api(fx.server, fx.server.leadToken, 'GET', '/api/stats?batch=test')
  assert.is(stats.body.tasks.find((t: { id: string }) => t.id === id).submitted, 0, 'not counted')
  const merge = await api(fx.server, fx.server.leadToken, 'POST', `/api/tasks/${id}/merge-ballots`)
  assert.is(merge.status, 409, 'not merged')
  // The record holds only submitted ballots: finalized now, it holds none of this one.
  const ws = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, ws, id)
  const record = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(record.status, 200, JSON.stringify(record.body))
  assert.equal(record.body.ballots, [])
})

test('keeps a submitted ballot in the record as it was submitted', async () => {
  const { id, ann } = await reviewTask(fx.server)
  await makeIndependent()
  assert.is((await api(fx.server, ann.token, 'POST', `/api/tasks/${id}/ballot`)).status, 200)
  const owner = await ballotPeer(id, ann)
  fill(owner, ['b', 'a', 'c'], 4)
  await waitForServerDoc(fx.server, roomName.ballot(id, ann.id), (d) => rankingOf(d) === 'b,a,c', 'the complete ballot')
  assert.is((await api(fx.server, ann.token, 'POST', `/api/tasks/${id}/ballot/submit`)).status, 200)
  fill(owner, ['c', 'b', 'a'], 1) // refused: the record must not hold it
  await waitFor(() => owner.denied.length === 1, 'the late edit to be refused')
  const ws = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, ws, id)
  assert.ok(getWorkspace(ws.doc).ranking.length === 3)
  const record = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(record.status, 200, JSON.stringify(record.body))
  assert.equal(record.body.ballots.map((b: { user: string; ranking: string[] }) => [b.user, b.ranking.join()]), [[ann.id, 'b,a,c']])
  assert.is(record.body.ballots[0].ratings.a.correctness, 4)
})

test.run()
