/** Independent-mode ballots over the real server: privacy, preparation, submission and the merge route. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { roomName } from '../shared/roomNames'
import { getBallot, getWorkspace } from '../shared/schema'
import { readSubmission } from '../shared/ballots'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { CRITERIA, syncedPeer, waitForServerDoc } from './helpers/review'

const test = suite('ballots')
let server: TestServer
let peers: Peer[] = []
let ann: { id: string; token: string }
let bea: { id: string; token: string }

/** Turns the test batch independent (the batches route is another change; the db is the record). */
async function makeIndependent(s: TestServer, name = 'test') {
  const batch = s.running.deps.db.batch(name)!
  await s.running.deps.db.putBatch({ ...batch, mode: 'independent' })
}

/** Ranks and scores a ballot through its owner's stock provider; waits until the server holds it. */
async function fillBallot(peer: Peer, taskId: string, userId: string, ranking: string[], score = 3) {
  const ballot = getBallot(peer.doc)
  peer.doc.transact(() => {
    ballot.ranking.delete(0, ballot.ranking.length)
    ballot.ranking.push(ranking)
    for (const id of ranking) {
      const row = ballot.ratings.get(id)
      if (!(row instanceof Y.Map)) throw new Error(`ballot of ${userId} has no ratings map for ${id}: prepare it first`)
      for (const k of CRITERIA) row.set(k, score)
    }
  })
  const want = JSON.stringify(ballot.ranking.toJSON())
  await waitForServerDoc(server, roomName.ballot(taskId, userId), (d) => JSON.stringify(getBallot(d).ranking.toJSON()) === want, `ballot of ${userId}`)
}

test.before.each(async () => {
  server = await startServer()
  await importTasks(server, [taskLine('t1'), taskLine('t2')].join('\n'))
  await makeIndependent(server)
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

test('a ballot room refuses another annotator while its owner\'s write reaches the lead', async () => {
  const room = roomName.ballot('t1', ann.id)
  const lead = await syncedPeer(server, room, server.leadToken, peers)
  const owner = await syncedPeer(server, room, ann.token, peers)
  const other = connectPeer(server.wsUrl, room, bea.token)
  peers.push(other)
  await waitFor(() => other.closes.some((c) => c.code === 4403), 'the other annotator to be refused with 4403')
  getBallot(owner.doc).ranking.push(['b'])
  await waitFor(() => getBallot(lead.doc).ranking.toArray().join() === 'b', 'the lead to see the owner\'s placement')
  assert.is(other.provider.synced, false)
  assert.is(getBallot(other.doc).ranking.length, 0)
})

test('preparing a ballot creates each candidate\'s ratings map once, and only for its owner', async () => {
  assert.is((await api(server, ann.token, 'POST', '/api/tasks/t1/ballot')).status, 200)
  assert.is((await api(server, ann.token, 'POST', '/api/tasks/t1/ballot')).status, 200)
  const doc = server.running.deps.rooms.peek(roomName.ballot('t1', ann.id))!.doc
  const ratings = getBallot(doc).ratings
  assert.equal([...ratings.keys()].sort(), ['a', 'b', 'c'])
  const first = ratings.get('a')
  await api(server, ann.token, 'POST', '/api/tasks/t1/ballot')
  assert.ok(ratings.get('a') === first, 'a second prepare keeps the same map')
  assert.is((await api(server, server.leadToken, 'POST', '/api/tasks/t1/ballot')).status, 403)
  const outsider = await createUser(server, 'Otto', 'annotator')
  assert.is((await api(server, outsider.token, 'POST', '/api/tasks/t1/ballot')).status, 404)
})

test('a ballot is submitted only when complete, and the lead sees the submission live', async () => {
  await api(server, ann.token, 'POST', '/api/tasks/t1/ballot')
  const room = roomName.ballot('t1', ann.id)
  const lead = await syncedPeer(server, room, server.leadToken, peers)
  const owner = await syncedPeer(server, room, ann.token, peers)
  await fillBallot(owner, 't1', ann.id, ['a', 'b'])
  const early = await api(server, ann.token, 'POST', '/api/tasks/t1/ballot/submit')
  assert.is(early.status, 409)
  assert.match(early.body.error, /1 candidate to place and 3 scores to give/)
  assert.is(readSubmission(lead.doc), null)
  await fillBallot(owner, 't1', ann.id, ['a', 'b', 'c'])
  const done = await api(server, ann.token, 'POST', '/api/tasks/t1/ballot/submit')
  assert.is(done.status, 200)
  assert.is(done.body.by, ann.id)
  await waitFor(() => readSubmission(lead.doc)?.by === ann.id, 'the lead to see the submission')
  assert.is((await api(server, ann.token, 'DELETE', '/api/tasks/t1/ballot/submit')).status, 200)
  await waitFor(() => readSubmission(lead.doc) === null, 'the lead to see the withdrawal')
})

test('ballot routes answer 409 for a collaborative batch', async () => {
  const batch = server.running.deps.db.batch('test')!
  await server.running.deps.db.putBatch({ ...batch, mode: 'collaborative' })
  const res = await api(server, ann.token, 'POST', '/api/tasks/t1/ballot')
  assert.is(res.status, 409)
  assert.match(res.body.error, /collaborative/)
  assert.is((await api(server, server.leadToken, 'POST', '/api/tasks/t1/merge-ballots')).status, 409)
})

test('merging seeds the shared ranking by Borda, refuses a non-empty ranking, and replaces with ?replace=1', async () => {
  const workspace = await syncedPeer(server, roomName.workspace('t1'), server.leadToken, peers)
  const none = await api(server, server.leadToken, 'POST', '/api/tasks/t1/merge-ballots')
  assert.is(none.status, 409)
  assert.match(none.body.error, /no ballot is submitted/)
  for (const [who, ranking] of [
    [ann, ['b', 'a', 'c']],
    [bea, ['a', 'b', 'c']],
  ] as const) {
    await api(server, who.token, 'POST', '/api/tasks/t1/ballot')
    const peer = await syncedPeer(server, roomName.ballot('t1', who.id), who.token, peers)
    // Ann rates b higher: a and b tie on points, the ratings break it for b
    const row = (id: string) => getBallot(peer.doc).ratings.get(id) as Y.Map<number>
    await fillBallot(peer, 't1', who.id, [...ranking], 3)
    if (who === ann) peer.doc.transact(() => CRITERIA.forEach((k) => row('b').set(k, 5)))
    await waitForServerDoc(server, roomName.ballot('t1', who.id), (d) => who !== ann || (getBallot(d).ratings.get('b') as Y.Map<number>).get('readability') === 5, 'ratings')
    assert.is((await api(server, who.token, 'POST', '/api/tasks/t1/ballot/submit')).status, 200)
  }
  assert.is((await api(server, ann.token, 'POST', '/api/tasks/t1/merge-ballots')).status, 403)
  const merged = await api(server, server.leadToken, 'POST', '/api/tasks/t1/merge-ballots')
  assert.is(merged.status, 200)
  assert.equal(merged.body.ranking, ['b', 'a', 'c'])
  assert.equal(merged.body.used, [ann.id, bea.id])
  await waitFor(() => getWorkspace(workspace.doc).ranking.toArray().join() === 'b,a,c', 'the team to see the merged ranking')
  // the team reorders; a second merge would overwrite their work
  workspace.doc.transact(() => {
    const r = getWorkspace(workspace.doc).ranking
    r.delete(0, r.length)
    r.push(['c', 'b', 'a'])
  })
  await waitForServerDoc(server, roomName.workspace('t1'), (d) => getWorkspace(d).ranking.toArray().join() === 'c,b,a', 'the reorder')
  const again = await api(server, server.leadToken, 'POST', '/api/tasks/t1/merge-ballots')
  assert.is(again.status, 409)
  assert.match(again.body.error, /replace=1/)
  assert.is(getWorkspace(workspace.doc).ranking.toArray().join(), 'c,b,a')
  const replaced = await api(server, server.leadToken, 'POST', '/api/tasks/t1/merge-ballots?replace=1')
  assert.is(replaced.status, 200)
  await waitFor(() => getWorkspace(workspace.doc).ranking.toArray().join() === 'b,a,c', 'the replaced ranking to reach the team')
  // the server's own document holds it (rooms.transact stored it before the 200)
  const stored = server.running.deps.rooms.peek(roomName.workspace('t1'))!
  assert.is(getWorkspace(stored.doc).ranking.toArray().join(), 'b,a,c')
})

test('a finalized task refuses submissions and merges', async () => {
  await api(server, ann.token, 'POST', '/api/tasks/t2/ballot')
  await server.running.deps.db.updateTask('t2', (t) => {
    t.status = 'finalized'
  })
  assert.is((await api(server, ann.token, 'POST', '/api/tasks/t2/ballot/submit')).status, 409)
  assert.is((await api(server, server.leadToken, 'POST', '/api/tasks/t2/merge-ballots')).status, 409)
})

test.run()
