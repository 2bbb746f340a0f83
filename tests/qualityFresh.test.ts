/**
 * `GET /api/quality` keeps up between requests although it remembers what it read: audit lines
 * appended after a request (shared with the people summary), a gold ranking changed in a room that
 * has since unloaded, and time noted after a request.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import fs from 'node:fs'
import { api, assign, createUser, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import type { Peer } from './helpers/peer'
import { act, completeWorkspace, submitBallot, syncedPeer, waitForServerDoc } from './helpers/review'
import { waitFor } from './helpers/waitFor'

const test = suite('quality stays fresh')
let server: TestServer
let peers: Peer[] = []

test.before.each(async () => {
  // Rooms unload soon after their last use, so a later request must do without them.
  server = await startServer({ config: { roomIdleMs: 100 } })
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
})

const quality = async () => {
  const res = await api(server, server.leadToken, 'GET', '/api/quality?batch=col')
  assert.is(res.status, 200, JSON.stringify(res.body))
  return res.body.annotators[0] as { name: string; submitted: number; gold_judged: number; gold_tau_b: number | null; first_time_right: number | null; median_active_minutes: number | null }
}

const unloaded = (id: string) => waitFor(() => server.running.deps.rooms.peek(roomName.workspace(id)) === undefined, `the workspace of ${id} to unload`)

test('a gold ranking changed after a request is read again once its room has unloaded, and a later submit counts', async () => {
  await importTasks(server, taskLine('c1'), 'col')
  const ann = await createUser(server, 'Ann', 'annotator')
  await assign(server, 'c1', [ann.id])
  assert.is((await api(server, server.leadToken, 'POST', '/api/tasks/c1/gold', { ranking: ['a', 'b', 'c'] })).status, 200)
  let peer = await syncedPeer(server, roomName.workspace('c1'), ann.token, peers)
  await completeWorkspace(server, peer, 'c1', { ranking: ['c', 'b', 'a'] })
  const activity = server.running.deps.activity
  const at = Date.now() + 3_600_000
  activity.note(ann.id, 'c1', at)
  activity.note(ann.id, 'c1', at + 60_000)
  peer.destroy()
  await unloaded('c1')

  const first = await quality()
  assert.equal([first.name, first.gold_judged, first.gold_tau_b, first.submitted], ['Ann', 1, -1, 0])
  assert.is(server.running.deps.rooms.peek(roomName.workspace('c1')), undefined, 'read from storage without loading the room')
  const again = await quality()
  assert.equal([again.gold_judged, again.gold_tau_b], [1, -1], 'the remembered ranking, the room not loaded')

  // The ranking changes while the room is loaded, then the room unloads again.
  peer = await syncedPeer(server, roomName.workspace('c1'), ann.token, peers)
  peer.doc.transact(() => {
    const ws = getWorkspace(peer.doc)
    ws.ranking.delete(0, ws.ranking.length)
    ws.ranking.push(['a', 'b', 'c'])
  })
  await waitForServerDoc(server, roomName.workspace('c1'), (d) => getWorkspace(d).ranking.toArray().join() === 'a,b,c', 'the new ranking on the server')
  peer.destroy()
  await unloaded('c1')
  const changed = await quality()
  assert.equal([changed.gold_judged, changed.gold_tau_b], [1, 1], 'the changed ranking, not the remembered one')

  // A submit written to the audit log after the first requests counts in both figures that read it.
  assert.is((await act(server, ann.token, 'c1', 'submit')).status, 200)
  const submitted = await quality()
  assert.equal([submitted.submitted, submitted.first_time_right], [1, null], 'submitted, not yet decided')
  const people = await api(server, server.leadToken, 'GET', '/api/people/summary')
  assert.is(people.body.people.find((p: { id: string }) => p.id === ann.id).submitted, 1)
  assert.is((await act(server, server.leadToken, 'c1', 'finalize')).status, 200)
  assert.is((await quality()).first_time_right, 1, 'finalized with no request for changes')
})

test('after a restart, ballots and a lone worker\'s ranking are read from storage without loading a room', async () => {
  const dataDir = tempDir()
  try {
    await server.stop()
    server = await startServer({ dataDir, config: { roomIdleMs: 100 } })
    await importTasks(server, taskLine('i1'), 'ind')
    await server.running.deps.db.putBatch({ ...server.running.deps.db.batch('ind')!, mode: 'independent' })
    await importTasks(server, taskLine('c1'), 'col')
    const ann = await createUser(server, 'Ann', 'annotator')
    const bob = await createUser(server, 'Bob', 'annotator')
    await assign(server, 'i1', [ann.id, bob.id])
    await assign(server, 'c1', [ann.id])
    for (const id of ['i1', 'c1']) assert.is((await api(server, server.leadToken, 'POST', `/api/tasks/${id}/gold`, { ranking: ['a', 'b', 'c'] })).status, 200)
    await submitBallot(server, peers, 'i1', ann, ['a', 'b', 'c'])
    await submitBallot(server, peers, 'i1', bob, ['c', 'b', 'a'])
    const peer = await syncedPeer(server, roomName.workspace('c1'), ann.token, peers)
    await completeWorkspace(server, peer, 'c1', { ranking: ['c', 'b', 'a'] })
    for (const p of peers) p.destroy()
    peers = []
    await server.stop()

    server = await startServer({ dataDir, config: { roomIdleMs: 100 } })
    const rooms = server.running.deps.rooms
    assert.is(rooms.size, 0, 'nothing loaded after the start')
    const gold = async (batch: string) => {
      const res = await api(server, server.leadToken, 'GET', `/api/quality?batch=${batch}`)
      assert.is(res.status, 200, JSON.stringify(res.body))
      return res.body.annotators.map((r: { name: string; gold_judged: number; gold_tau_b: number | null }) => [r.name, r.gold_judged, r.gold_tau_b])
    }
    assert.equal(await gold('ind'), [['Ann', 1, 1], ['Bob', 1, -1]], 'each ballot against gold')
    assert.equal(await gold('col'), [['Ann', 1, -1]], 'the shared ranking against gold')
    assert.is(rooms.size, 0, 'and no room was loaded to read them')
    // Control: a room a client opens is loaded as ever.
    peers.push(await syncedPeer(server, roomName.workspace('c1'), ann.token, peers))
    assert.is(rooms.size, 1)
  } finally {
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
})

test('time noted after a request counts in the next one', async () => {
  await importTasks(server, [taskLine('c1'), taskLine('c2')].join('\n'), 'col')
  const ann = await createUser(server, 'Ann', 'annotator')
  await assign(server, 'c1', [ann.id])
  const before = await quality()
  assert.equal([before.name, before.median_active_minutes], ['Ann', null])
  const activity = server.running.deps.activity
  const at = Date.now() + 3_600_000
  activity.note(ann.id, 'c1', at)
  activity.note(ann.id, 'c1', at + 60_000)
  // c2 after a pause longer than two minutes: its first act ends an idle gap
  for (let m = 12; m <= 15; m++) activity.note(ann.id, 'c2', at + m * 60_000)
  const after = await quality()
  assert.is(after.median_active_minutes, 2, 'the median of 1 and 3 minutes')
  assert.equal(
    activity.totalsByTask().filter((t) => t.user === ann.id).map((t) => [t.task, activity.totalsOf(t.task)?.get(ann.id)]),
    [
      ['c1', 60_000],
      ['c2', 180_000],
    ],
    'the running totals equal the scanned ones',
  )
})

test.run()
