/** Nothing relayed that is not stored: a room whose append fails relays nothing and reloads. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { getMeta, getWorkspace, MetaKey } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { createStorageProvider } from '../server/storage/roomStorage'
import type { StorageProvider } from '../server/storage/roomStorage'
import type { RoomStorage } from '../server/storage/updateLog'
import { assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('room store failure')
let server: TestServer | null = null
let peers: Peer[] = []
const room = roomName.workspace('t1')

test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server?.stop()
  server = null
})

/** Memory storage whose appends throw ENOSPC while `full` is set, as a full disk's would. */
function fullDiskStorage(): { storage: StorageProvider; disk: { full: boolean; refused: number } } {
  const inner = createStorageProvider('memory', '', () => {})
  const disk = { full: false, refused: 0 }
  const storage: StorageProvider = {
    ownersFor: (name) => inner.ownersFor(name),
    damaged: () => inner.damaged(),
    forRoom(name): RoomStorage {
      const s = inner.forRoom(name)
      return {
        load: () => s.load(),
        peek: () => s.peek(),
        append(update) {
          if (disk.full) {
            disk.refused++
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
          }
          return s.append(update)
        },
        compact: (state) => s.compact(state),
        writeInitial: (state) => s.writeInitial(state),
        get neverStored() {
          return s.neverStored
        },
        get logBytes() {
          return s.logBytes
        },
        get snapshotBytes() {
          return s.snapshotBytes
        },
        close: () => s.close(),
      }
    },
  }
  return { storage, disk }
}

test('relays no edit while appends fail, and delivers the writer’s edit once storage works', async () => {
  const { storage, disk } = fullDiskStorage()
  const srv = await startServer({ storage })
  server = srv
  await importTasks(srv, taskLine('t1'))
  const ann = await createUser(srv, 'Ann', 'annotator')
  await assign(srv, 't1', [ann.id])
  const writer = connectPeer(srv.wsUrl, room, ann.token)
  const other = connectPeer(srv.wsUrl, room, srv.leadToken)
  peers.push(writer, other)
  await waitFor(() => writer.provider.synced && other.provider.synced, 'both synced')
  const seen = () => getWorkspace(other.doc).explanation.toString()
  let sawRefused = false
  other.doc.on('update', () => {
    if (seen().includes('refused')) sawRefused = true
  })

  getWorkspace(writer.doc).explanation.insert(0, 'stored ')
  await waitFor(() => seen() === 'stored ', 'an edit before the failure (positive control)')
  // The first edit also moves the task to "in progress" (a meta write): let it land before the disk fills.
  const meta = connectPeer(srv.wsUrl, roomName.meta('t1'), srv.leadToken)
  peers.push(meta)
  // relayed, hence stored (nothing is relayed that was not)
  await waitFor(() => getMeta(meta.doc).get(MetaKey.status) === 'in_progress', 'the task to be in progress')

  disk.full = true
  getWorkspace(writer.doc).explanation.insert(7, 'refused while full')
  await waitFor(() => writer.closes.some((c) => c.code === 1012), 'the writer sent away with 1012')
  assert.ok(srv.running.deps.rooms.degraded().some((d) => d.room === room && /ENOSPC/.test(d.error)), 'the room is degraded')
  // the writer reconnects and resends; every attempt fails while the disk is full
  await waitFor(() => disk.refused >= 3, 'three refused appends')
  assert.is(sawRefused, false, 'the other peer never received the refused edit')
  assert.is(seen(), 'stored ')

  disk.full = false
  await waitFor(() => seen() === 'stored refused while full', 'the writer’s edit after recovery', 10_000)
  assert.equal(srv.running.deps.rooms.degraded(), [])
  // it is stored: a fresh peer loads it
  const fresh = connectPeer(srv.wsUrl, room, srv.leadToken)
  peers.push(fresh)
  await waitFor(() => fresh.provider.synced, 'a fresh peer')
  assert.is(getWorkspace(fresh.doc).explanation.toString(), 'stored refused while full')
})

test('refuses a server write whose append fails, and relays nothing of it', async () => {
  const { storage, disk } = fullDiskStorage()
  const srv = await startServer({ storage })
  server = srv
  await importTasks(srv, taskLine('t1'))
  const watcher = connectPeer(srv.wsUrl, room, srv.leadToken)
  peers.push(watcher)
  await waitFor(() => watcher.provider.synced, 'sync')
  disk.full = true
  let error: unknown = null
  await srv.running.deps.rooms
    .transact(room, (doc) => getWorkspace(doc).tests.insert(0, 'server write '))
    .catch((err) => (error = err))
  assert.match(String(error), /ENOSPC/)
  disk.full = false
  await srv.running.deps.rooms.transact(room, (doc) => getWorkspace(doc).solution.insert(0, 'later write'))
  await waitFor(() => getWorkspace(watcher.doc).solution.toString() === 'later write', 'the later write (positive control)', 10_000)
  assert.not.match(getWorkspace(watcher.doc).tests.toString(), /server write/)
})

test.run()
