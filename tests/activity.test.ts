/** Time on task: scripted sessions on an injected clock, frames classified by a real room, restarts, and the record. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import { Access } from '../shared/permissions'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import { ActivityTracker, IDLE_MS } from '../server/services/activity'
import { startServer, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import type { Peer } from './helpers/peer'
import { act, completeWorkspace, reviewTask, syncedPeer } from './helpers/review'
import { waitFor } from './helpers/waitFor'
import { RoomHarness, TestClient } from './helpers/roomHarness'

const test = suite('activity')
const T0 = Date.parse('2026-03-02T09:00:00Z')
const MIN = 60_000
let clock = T0
let dirs: string[] = []
let trackers: ActivityTracker[] = []
let server: TestServer | null = null
let peers: Peer[] = []

function tracker(dataDir: string | null = null): ActivityTracker {
  const t = new ActivityTracker({ dataDir, revisionOf: (id) => (id.startsWith('t') ? 1 : undefined), now: () => clock })
  trackers.push(t)
  return t
}

let rooms: RoomHarness[] = []
test.after.each(async () => {
  for (const r of rooms) r.close()
  rooms = []
  for (const t of trackers) void t.close()
  trackers = []
  for (const p of peers) p.destroy()
  peers = []
  await server?.stop()
  server = null
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  dirs = []
  clock = T0
})

test('counts the time between a person’s messages as active, and a gap over two minutes as idle', () => {
  const t = tracker()
  const conn = { user: { id: 'ann' } }
  const at = (minutes: number) => {
    clock = T0 + minutes * MIN
    t.onActivity(conn, 'task:t1', 'edit')
  }
  at(0)
  at(1) // +1 min
  at(2.5) // +1.5 min
  at(10) // 7.5 min gap: idle
  at(11) // +1 min
  clock = T0 + 11 * MIN + IDLE_MS // exactly two minutes: still active
  t.onActivity(conn, 'task:t1', 'edit')
  assert.is(t.activeOn('t1', 1).get('ann'), 3.5 * MIN + IDLE_MS)
  assert.is(t.activeOn('t2', 1).get('ann'), undefined, 'another task is counted apart')
  t.onActivity(conn, 'task:x9', 'edit')
  assert.is(t.activeOn('x9', 1).size, 0, 'unknown tasks are ignored')
})

test('counts cursor and presence changes but not the renewal that repeats the same state, as the room classifies them', () => {
  const t = tracker()
  const room = new RoomHarness({ name: 'task:t1:comments', onActivity: (conn, activity) => t.onActivity(conn, 'task:t1:comments', activity) })
  rooms.push(room)
  const client = new TestClient(room.connect({ id: 'rae' }))
  room.settle(client)
  client.awareness.setLocalState({ cursor: null })
  for (let i = 1; i <= 4; i++) {
    clock = T0 + i * 15_000
    client.awareness.setLocalState(client.awareness.getLocalState()) // y-websocket's 15 s renewal: same state
  }
  assert.equal(room.activity.map((a) => a.activity), ['presenceChange', ...Array(4).fill('presenceRenewal')])
  assert.is(t.activeOn('t1', 1).get('rae'), 0)
  clock = T0 + 90_000
  client.awareness.setLocalStateField('cursor', { anchor: 3, head: 5 })
  assert.is(room.activity.at(-1)?.activity, 'presenceChange')
  assert.is(t.activeOn('t1', 1).get('rae'), 90_000, 'the cursor move counts the time since the last real change')
})

test('counts a writer’s update as an edit and a read-only connection’s as activity without an edit', () => {
  const t = tracker()
  const room = new RoomHarness({ onActivity: (conn, activity) => t.onActivity(conn, 'task:t1', activity) })
  rooms.push(room)
  const writer = new TestClient(room.connect({ id: 'ann' }))
  const reader = new TestClient(room.connect({ id: 'rita', role: 'reviewer' }, Access.read))
  room.settle(writer, reader)
  writer.doc.getText('explanation').insert(0, 'a')
  clock += MIN
  reader.doc.getText('explanation').insert(0, 'b')
  clock += MIN
  reader.doc.getText('explanation').insert(0, 'c')
  room.settle(writer, reader)
  assert.equal(room.activity.filter((a) => a.activity === 'edit').map((a) => a.user), ['ann', 'rita', 'rita'])
  const day = t.daysBetween('2026-03-02', '2026-03-02')
  assert.is(day.find((r) => r.user === 'rita')?.active_ms, MIN, 'the reader was active')
  assert.equal(t.workedOn('t1', 1).has('ann'), true)
})

test('keeps time on task across restarts, in small files per day', () => {
  const dir = tempDir()
  dirs.push(dir)
  const first = tracker(dir)
  first.note('ann', 't1')
  clock += MIN
  first.note('ann', 't1')
  clock = Date.parse('2026-03-03T09:00:00Z')
  first.note('ann', 't1')
  clock += 30_000
  first.note('ann', 't1')
  void first.close()
  assert.equal(fs.readdirSync(`${dir}/activity`).sort(), ['2026-03-02.json', '2026-03-03.json'])
  const second = tracker(dir)
  assert.is(second.activeOn('t1', 1).get('ann'), MIN + 30_000)
  assert.equal(second.daysBetween('2026-03-03', '2026-03-03').map((r) => r.active_ms), [30_000])
})

test('measures real peers’ messages and stores each person’s active time in the record', async () => {
  server = await startServer()
  const { id, ann } = await reviewTask(server)
  const started = Date.now() // the peer's presence on joining is already activity
  const annPeer = await syncedPeer(server, roomName.workspace(id), ann.token, peers)
  const activity = server.running.deps.activity
  getWorkspace(annPeer.doc).explanation.insert(0, 'first ')
  await waitFor(() => (activity.activeOn(id, 1).get(ann.id) ?? -1) >= 0, 'the first edit to be noted')
  await new Promise((r) => setTimeout(r, 30)) // a real gap between two real edits
  getWorkspace(annPeer.doc).explanation.insert(0, 'second ')
  await waitFor(() => (activity.activeOn(id, 1).get(ann.id) ?? 0) > 0, 'the second edit to count')
  const measured = activity.activeOn(id, 1).get(ann.id)!
  assert.ok(measured <= Date.now() - started, `${measured} ms is no more than the session lasted`)
  await completeWorkspace(server, annPeer, id)
  const record = (await act(server, server.leadToken, id, 'finalize')).body
  const me = record.participants.find((p: any) => p.user === ann.id)
  assert.equal([me.name, me.role], ['Ann Annotator', 'annotator'])
  assert.ok(me.active_ms >= measured)
  // the lead only finalized through the API: no work on the revision, so no credit
  assert.is(record.participants.find((p: any) => p.user === record.finalized_by), undefined)
})

test.run()
