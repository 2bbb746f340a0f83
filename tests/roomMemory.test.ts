/** STORAGE=memory compacts as disk does: one snapshot and a bounded log, whatever the history. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { createStorageProvider } from '../server/storage/roomStorage'
import type { StorageProvider } from '../server/storage/roomStorage'
import type { MemoryStorage } from '../server/storage/memoryStorage'
import { importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('room memory storage')
let server: TestServer | null = null
let peers: Peer[] = []
const room = roomName.workspace('t1')

test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server?.stop()
  server = null
})

async function start(roomIdleMs: number): Promise<{ srv: TestServer; store: MemoryStorage }> {
  const storage: StorageProvider = createStorageProvider('memory', '', () => {})
  const srv = await startServer({ config: { storage: 'memory', roomIdleMs }, storage })
  server = srv
  await importTasks(srv, taskLine('t1'))
  return { srv, store: storage.forRoom(room) as MemoryStorage }
}
const peer = (srv: TestServer) => {
  const p = connectPeer(srv.wsUrl, room, srv.leadToken)
  peers.push(p)
  return p
}

test('holds one snapshot and no log after many cycles of edits and unloads', async () => {
  const { srv, store } = await start(20)
  let expected = ''
  for (let cycle = 0; cycle < 25; cycle++) {
    const p = peer(srv)
    await waitFor(() => p.provider.synced, `sync in cycle ${cycle}`)
    assert.is(getWorkspace(p.doc).explanation.toString(), expected, `cycle ${cycle} starts from everything before`)
    for (let i = 0; i < 20; i++) getWorkspace(p.doc).explanation.insert(expected.length, `${cycle}.${i} `)
    expected = getWorkspace(p.doc).explanation.toString()
    // positive control: the log grows while the room is loaded
    await waitFor(() => store.logLength > 0, `appends in cycle ${cycle}`)
    p.destroy()
    peers = []
    await waitFor(() => srv.running.deps.rooms.peek(room) === undefined && srv.running.deps.rooms.unloadingCount === 0, `the unload in cycle ${cycle}`)
    assert.is(store.logLength, 0, `cycle ${cycle}: the log was folded into the snapshot`)
    assert.is(store.load().length, 1, 'one snapshot')
  }
})

test('compacts a room that stays loaded once its log outgrows the snapshot', async () => {
  const { srv, store } = await start(60_000)
  const p = peer(srv)
  await waitFor(() => p.provider.synced, 'sync')
  let peak = 0
  for (let i = 0; i < 300; i++) {
    getWorkspace(p.doc).solution.insert(0, `${i} `.padEnd(400, '.'))
    await new Promise((r) => setImmediate(r))
    peak = Math.max(peak, store.logLength)
  }
  // over 64 KB of log: a snapshot follows within the debounce (SAVE_DEBOUNCE_MS)
  await waitFor(() => store.logLength < peak && store.snapshotBytes > 100_000, 'a compaction', 8_000)
  assert.ok(peak > 100, `the log held ${peak} updates before`)
  const fresh = peer(srv)
  await waitFor(() => fresh.provider.synced, 'a fresh peer')
  assert.is(getWorkspace(fresh.doc).solution.length, 300 * 400)
})

test.run()
