/** A task's rooms are seeded on their first load: deterministically, once, and never over damage. */
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { roomName } from '../shared/roomNames'
import { getMeta, getWorkspace, MetaKey } from '../shared/schema'
import { seedRoomState } from '../server/services/tasks'
import { api, assign, createUser, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('room seeds')
let server: TestServer | null = null
const peers: Peer[] = []
let dir = ''
test.before.each(() => {
  dir = tempDir('codejury-seed-')
})
test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  await server?.stop()
  server = null
  fs.rmSync(dir, { recursive: true, force: true })
})

/** A peer synced to `room`; destroyed after the test. */
async function synced(s: TestServer, room: string): Promise<Peer> {
  const peer = connectPeer(s.wsUrl, room, s.leadToken)
  peers.push(peer)
  await waitFor(() => peer.provider.synced, `sync with ${room}`)
  return peer
}

const allUnloaded = (s: TestServer) =>
  waitFor(() => s.running.deps.rooms.size === 0 && s.running.deps.rooms.unloadingCount === 0, 'every room to unload')

test('seeds the same content under the same struct ids, so a second seed merges as a no-op', async () => {
  server = await startServer({ dataDir: dir })
  await importTasks(server, taskLine('t1'))
  const db = server.running.deps.db
  const first = seedRoomState(db, roomName.workspace('t1'))!
  const second = seedRoomState(db, roomName.workspace('t1'))!
  assert.equal(second, first, 'byte for byte')
  const doc = new Y.Doc()
  Y.applyUpdate(doc, first)
  const tests = getWorkspace(doc).tests.toString()
  assert.ok(tests.length > 0, 'the seed holds the task’s tests')
  Y.applyUpdate(doc, second)
  assert.is(getWorkspace(doc).tests.toString(), tests, 'not doubled')
  assert.is(seedRoomState(db, roomName.comments('t1')), null, 'comments start empty')
  assert.is(seedRoomState(db, roomName.workspace('nope')), null, 'no task, no seed')
})

test('seeds a meta room from the current record, and a changed record under other struct ids', async () => {
  server = await startServer({ dataDir: dir })
  await importTasks(server, taskLine('t1'))
  const db = server.running.deps.db
  const before = seedRoomState(db, roomName.meta('t1'))!
  const ann = await createUser(server, 'Ann', 'annotator')
  await db.updateTask('t1', (t) => void (t.assignees = [ann.id])) // the record alone, as a restart with memory rooms would find it
  const after = seedRoomState(db, roomName.meta('t1'))!
  const clients = (u: Uint8Array) => [...Y.decodeStateVector(Y.encodeStateVectorFromUpdate(u)).keys()]
  assert.is(clients(before).length, 1)
  assert.not.equal(clients(after), clients(before), 'different content, different client id')
  const doc = new Y.Doc()
  Y.applyUpdate(doc, before)
  Y.applyUpdate(doc, after)
  const assignees = getMeta(doc).get(MetaKey.assignees)
  assert.ok(Array.isArray(assignees), 'two seeds merge into a readable meta')
})

test('writes nothing per room at import, stores a room on its first load, and never seeds it again', async () => {
  server = await startServer({ dataDir: dir, config: { roomIdleMs: 50 } })
  await importTasks(server, [taskLine('s1'), taskLine('s2')].join('\n'))
  assert.not.ok(fs.existsSync(path.join(dir, 'rooms')), 'no room files at import')
  const a = await synced(server, roomName.workspace('s1'))
  const seeded = getWorkspace(a.doc).tests.toString()
  assert.ok(seeded.length > 0, 'the first joiner gets the seeded tests')
  assert.ok(fs.existsSync(path.join(dir, 'rooms', 's1', 'workspace.snap')), 'stored on the first load')
  getWorkspace(a.doc).tests.delete(0, seeded.length) // someone clears the seeded tests
  await waitFor(() => fs.existsSync(path.join(dir, 'rooms', 's1', 'workspace.log')), 'the edit to be stored')
  for (const p of peers.splice(0)) p.destroy()
  await allUnloaded(server)
  const b = await synced(server, roomName.workspace('s1'))
  assert.is(getWorkspace(b.doc).tests.toString(), '', 'the cleared room is not seeded again')
  const c = await synced(server, roomName.workspace('s2'))
  assert.is(getWorkspace(c.doc).tests.toString(), seeded.replace('s1', 's2'), 'control: a room never loaded is seeded')
})

test('serves a room whose only snapshot was damaged as damaged, and never seeds it again', async () => {
  server = await startServer({ dataDir: dir, config: { roomIdleMs: 50 } })
  await importTasks(server, taskLine('d1'))
  await synced(server, roomName.workspace('d1'))
  for (const p of peers.splice(0)) p.destroy()
  await allUnloaded(server)
  const snap = path.join(dir, 'rooms', 'd1', 'workspace.snap')
  const bytes = fs.readFileSync(snap)
  bytes[bytes.length - 1] ^= 0xff // a flipped bit in the only file the room has
  fs.writeFileSync(snap, bytes)
  const a = await synced(server, roomName.workspace('d1'))
  assert.is(getWorkspace(a.doc).tests.toString(), '', 'what was lost is not invented')
  const health = await api(server, server.leadToken, 'GET', '/api/health')
  assert.ok(JSON.stringify(health.body).includes('workspace.snap'), 'the damage is reported')
  for (const p of peers.splice(0)) p.destroy()
  await allUnloaded(server)
  const b = await synced(server, roomName.workspace('d1'))
  assert.is(getWorkspace(b.doc).tests.toString(), '', 'not seeded again on the next load either')
})

test('seeds a meta room with the assignees and status the record holds when it is first loaded', async () => {
  server = await startServer({ dataDir: dir })
  await importTasks(server, taskLine('m1'))
  const ann = await createUser(server, 'Ann', 'annotator')
  await assign(server, 'm1', [ann.id])
  const meta = await synced(server, roomName.meta('m1'))
  assert.equal(getMeta(meta.doc).get(MetaKey.assignees), [ann.id])
  assert.is(getMeta(meta.doc).get(MetaKey.status), 'open')
})

test.run()
