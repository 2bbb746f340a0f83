import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { api, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { spawnExpectingExit, spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { encodeRecord } from '../server/storage/updateLog'

const test = suite('persistence')
let dir = ''
let peers: Peer[] = []
let children: ChildServer[] = []
let servers: TestServer[] = []

test.before.each(() => {
  dir = tempDir('codejury-persist-')
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  for (const c of children) c.proc.kill('SIGKILL')
  await Promise.all(children.map((c) => c.exited))
  for (const s of servers) await s.stop()
  peers = []
  children = []
  servers = []
  fs.rmSync(dir, { recursive: true, force: true })
})

const peer = (wsUrl: string, token: string, room = roomName.workspace('t1')) => {
  const p = connectPeer(wsUrl, room, token)
  peers.push(p)
  return p
}
const child = async (env: Record<string, string> = {}) => {
  const c = await spawnServer(dir, env)
  children.push(c)
  return c
}
/** An in-process server on `dir` whose rooms unload 50 ms after their last client leaves. */
const unloadingServer = async () => {
  const s = await startServer({ dataDir: dir, config: { roomIdleMs: 50 } })
  servers.push(s)
  return s
}
/** Waits until every room has unloaded and finished saving. */
const allUnloaded = (s: TestServer) =>
  waitFor(() => s.running.deps.rooms.size === 0 && s.running.deps.rooms.unloadingCount === 0, 'every room to unload')
/** Waits until task `id`'s workspace log holds an append (the file exists from the room's first open). */
const appended = (id = 't1') => {
  const log = path.join(dir, 'rooms', id, 'workspace.log')
  return waitFor(() => fs.existsSync(log) && fs.statSync(log).size > 0, 'the append')
}

/** A child server with task t1 imported. */
const childWithTask = async () => {
  const c = await child()
  const res = await fetch(`${c.url}/api/tasks/import?batch=b`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.leadToken}`, 'content-type': 'application/x-ndjson' },
    body: taskLine('t1'),
  })
  assert.is(res.status, 200, 'import into the child server')
  return c
}

test('keeps every edit across a clean restart', async () => {
  const s1 = await startServer({ dataDir: dir })
  await importTasks(s1, taskLine('t1'))
  const a = peer(s1.wsUrl, s1.leadToken)
  const watcher = peer(s1.wsUrl, s1.leadToken)
  await waitFor(() => a.provider.synced && watcher.provider.synced, 'sync')
  getWorkspace(a.doc).explanation.insert(0, 'kept across restart')
  getWorkspace(a.doc).ranking.push(['b', 'c'])
  // Nothing is relayed before it is stored: seen by another client means stored.
  await waitFor(() => getWorkspace(watcher.doc).ranking.length === 2 && getWorkspace(watcher.doc).explanation.length > 0, 'both edits relayed')
  a.destroy()
  watcher.destroy()
  await s1.stop()
  const s2 = await startServer({ dataDir: dir })
  servers.push(s2)
  const b = peer(s2.wsUrl, s2.leadToken)
  await waitFor(() => b.provider.synced, 'sync after restart')
  assert.is(getWorkspace(b.doc).explanation.toString(), 'kept across restart')
  assert.equal(getWorkspace(b.doc).ranking.toArray(), ['b', 'c'])
})

test('loses no relayed update when the server is killed with SIGKILL', async () => {
  const c1 = await childWithTask()
  const writer = peer(c1.wsUrl, c1.leadToken)
  const watcher = peer(c1.wsUrl, c1.leadToken)
  await waitFor(() => writer.provider.synced && watcher.provider.synced, 'both synced')
  const text = getWorkspace(writer.doc).explanation
  for (let i = 0; i < 200; i++) text.insert(text.length, `${i},`)
  // Relayed = seen by another client. Kill the moment the watcher has all of it.
  const expected = text.toString()
  await waitFor(() => getWorkspace(watcher.doc).explanation.toString() === expected, 'relay of 200 edits')
  c1.proc.kill('SIGKILL')
  await c1.exited
  writer.destroy()
  watcher.destroy()
  const c2 = await child()
  const reader = peer(c2.wsUrl, c2.leadToken)
  await waitFor(() => reader.provider.synced, 'sync after kill -9')
  assert.is(getWorkspace(reader.doc).explanation.toString(), expected)
})

test('flushes, closes sockets with 1012 and releases the lock on SIGTERM', async () => {
  const c1 = await childWithTask()
  const a = peer(c1.wsUrl, c1.leadToken)
  const watcher = peer(c1.wsUrl, c1.leadToken)
  await waitFor(() => a.provider.synced && watcher.provider.synced, 'sync')
  getWorkspace(a.doc).solution.insert(0, 'def add(a, b):\n    return a + b\n')
  await waitFor(() => getWorkspace(watcher.doc).solution.length > 0, 'the edit received by the server (relayed)')
  watcher.destroy()
  c1.proc.kill('SIGTERM')
  assert.is(await c1.exited, 0)
  await waitFor(() => a.closes.some((c) => c.code === 1012), 'the 1012 close at the client')
  assert.not.ok(fs.existsSync(path.join(dir, 'codejury.lock')), 'the lock is released')
  const log = path.join(dir, 'rooms', 't1', 'workspace.log')
  assert.ok(!fs.existsSync(log) || fs.statSync(log).size === 0, 'the log was compacted at shutdown')
  a.destroy()
  const c2 = await child()
  const b = peer(c2.wsUrl, c2.leadToken)
  await waitFor(() => b.provider.synced, 'sync after restart')
  assert.is(getWorkspace(b.doc).solution.toString(), 'def add(a, b):\n    return a + b\n')
})

test('refuses a second process on the same DATA_DIR with a clear message', async () => {
  const c1 = await child()
  const second = await spawnExpectingExit(dir)
  assert.is(second.code, 1)
  assert.match(second.output, /in use by another codejury process/)
  assert.match(second.output, new RegExp(`pid ${c1.proc.pid}`))
  const health = await fetch(`${c1.url}/api/health`)
  assert.is(health.status, 200, 'the first keeps serving')
})

test('takes over the lock of a process that died', async () => {
  const c1 = await child()
  c1.proc.kill('SIGKILL')
  await c1.exited
  assert.ok(fs.existsSync(path.join(dir, 'codejury.lock')))
  const c2 = await child()
  assert.is((await fetch(`${c2.url}/api/health`)).status, 200)
})

test('recovers a room whose log ends in a torn record', async () => {
  const s1 = await startServer({ dataDir: dir, config: { roomIdleMs: 60_000 } })
  await importTasks(s1, taskLine('t1'))
  const a = peer(s1.wsUrl, s1.leadToken)
  await waitFor(() => a.provider.synced, 'sync')
  // Two appends, each waited for, so that tearing the log's last record loses only the second.
  const logFile = path.join(dir, 'rooms', 't1', 'workspace.log')
  const logSize = () => (fs.existsSync(logFile) ? fs.statSync(logFile).size : 0)
  getWorkspace(a.doc).explanation.insert(0, 'first')
  await waitFor(() => logSize() > 0, 'the first append')
  const afterFirst = logSize()
  getWorkspace(a.doc).explanation.insert(5, ' second')
  await waitFor(() => logSize() > afterFirst, 'the second append')
  a.destroy()
  // Simulate a crash mid-append: keep the room's files as they were while it ran, with the
  // last record torn, in place of what the clean shutdown writes.
  const roomDir = path.join(dir, 'rooms', 't1')
  const crashed = path.join(dir, 'crashed')
  fs.cpSync(roomDir, crashed, { recursive: true })
  await s1.stop()
  fs.rmSync(roomDir, { recursive: true })
  fs.renameSync(crashed, roomDir)
  const log = path.join(roomDir, 'workspace.log')
  const bytes = fs.readFileSync(log)
  fs.writeFileSync(log, bytes.subarray(0, bytes.length - 2))
  const s2 = await startServer({ dataDir: dir })
  servers.push(s2)
  const b = peer(s2.wsUrl, s2.leadToken)
  await waitFor(() => b.provider.synced, 'sync after repair')
  assert.is(getWorkspace(b.doc).explanation.toString(), 'first')
  // And the repaired log takes new appends.
  getWorkspace(b.doc).explanation.insert(5, '!')
  await waitFor(() => fs.statSync(log).size > bytes.length - 20, 'the append')
  const res = await api(s2, s2.leadToken, 'GET', '/api/tasks/t1')
  assert.is(res.status, 200)
})

test('compacts a room into its snapshot when it unloads', async () => {
  const s1 = await unloadingServer()
  await importTasks(s1, taskLine('t1'))
  const a = peer(s1.wsUrl, s1.leadToken)
  await waitFor(() => a.provider.synced, 'sync')
  getWorkspace(a.doc).explanation.insert(0, 'compact me')
  const log = path.join(dir, 'rooms', 't1', 'workspace.log')
  await waitFor(() => fs.existsSync(log) && fs.statSync(log).size > 0, 'the append')
  a.destroy()
  await allUnloaded(s1)
  const old = path.join(dir, 'rooms', 't1', 'workspace.old')
  await waitFor(
    () => (!fs.existsSync(log) || fs.statSync(log).size === 0) && !fs.existsSync(old),
    'the log to be folded into the snapshot',
  )
  const b = peer(s1.wsUrl, s1.leadToken)
  await waitFor(() => b.provider.synced, 'sync after unload')
  assert.is(getWorkspace(b.doc).explanation.toString(), 'compact me')
})

test('saves progress into the task when a changed room unloads, and rewrites no task nobody changed', async () => {
  const s1 = await unloadingServer()
  await importTasks(s1, [taskLine('t1'), taskLine('t2')].join('\n'))
  const taskFile = (id: string) => path.join(dir, 'tasks', `${id}.json`)
  assert.not.ok(fs.existsSync(taskFile('t2')), 'imported tasks live in their pack until they change')
  const a = peer(s1.wsUrl, s1.leadToken)
  const b = peer(s1.wsUrl, s1.leadToken, roomName.workspace('t2'))
  await waitFor(() => a.provider.synced && b.provider.synced, 'sync')
  getWorkspace(a.doc).explanation.insert(0, 'three words here')
  await appended()
  a.destroy()
  b.destroy()
  await allUnloaded(s1)
  const saved = JSON.parse(fs.readFileSync(taskFile('t1'), 'utf8'))
  assert.is(saved.progress.explanationWords, 3)
  assert.not.ok(fs.existsSync(taskFile('t2')), 'the room nobody changed wrote no task file')
  const res = await api(s1, s1.leadToken, 'GET', '/api/tasks')
  const list = res.body.tasks as Array<{ id: string; progress: { explanationWords: number } | null }>
  assert.is(list.find((t) => t.id === 't1')?.progress?.explanationWords, 3)
  assert.is(list.find((t) => t.id === 't2')?.progress, null)
})

test('unloads many idle rooms across event-loop turns, not all in one', async () => {
  const s1 = await unloadingServer()
  const ids = Array.from({ length: 30 }, (_, i) => `u${i}`)
  // each provider listens for the process's exit; thirty at once are expected here
  const listeners = process.getMaxListeners()
  process.setMaxListeners(listeners + ids.length)
  await importTasks(s1, ids.map((id) => taskLine(id)).join('\n'))
  const ps = ids.map((id) => peer(s1.wsUrl, s1.leadToken, roomName.workspace(id)))
  await waitFor(() => ps.every((p) => p.provider.synced), 'sync')
  for (const p of ps) p.destroy()
  // count the turns in which the number of loaded rooms went down
  let turns = 0
  let last = s1.running.deps.rooms.size
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 10_000
    const tick = () => {
      const size = s1.running.deps.rooms.size
      if (size < last) turns++
      last = size
      if (size === 0) return resolve()
      if (Date.now() > deadline) return reject(new Error(`${size} rooms still loaded`))
      setImmediate(tick)
    }
    tick()
  })
  process.setMaxListeners(listeners)
  assert.ok(turns >= ids.length / 2, `rooms unloaded in ${turns} turns`)
})

test('answers fresh clients of a reloaded room from its snapshot bytes, and decodes it on the first write', async () => {
  const s1 = await unloadingServer()
  await importTasks(s1, taskLine('t1'))
  const name = roomName.workspace('t1')
  const a = peer(s1.wsUrl, s1.leadToken)
  await waitFor(() => a.provider.synced, 'sync')
  getWorkspace(a.doc).explanation.insert(0, 'stored before the unload')
  await appended()
  a.destroy()
  await allUnloaded(s1)

  const readers = [peer(s1.wsUrl, s1.leadToken), peer(s1.wsUrl, s1.leadToken)]
  await waitFor(() => readers.every((r) => r.provider.synced), 'readers sync')
  for (const r of readers) assert.is(getWorkspace(r.doc).explanation.toString(), 'stored before the unload')
  const room = s1.running.deps.rooms.peek(name)!
  assert.ok(room.deferred, 'reading clients leave the snapshot undecoded')

  getWorkspace(readers[0].doc).explanation.insert(0, 'then edited: ')
  await waitFor(
    () => getWorkspace(readers[1].doc).explanation.toString() === 'then edited: stored before the unload',
    'the edit to reach the other reader',
  )
  assert.not.ok(room.deferred, 'a write decodes the document')
  assert.is(getWorkspace(room.doc).explanation.toString(), 'then edited: stored before the unload')
})

test('merges a returning client that holds part of a reloaded room, both ways', async () => {
  const s1 = await unloadingServer()
  await importTasks(s1, taskLine('t1'))
  const name = roomName.workspace('t1')
  const a = peer(s1.wsUrl, s1.leadToken)
  await waitFor(() => a.provider.synced, 'sync')
  getWorkspace(a.doc).explanation.insert(0, 'both had this')
  await appended()
  a.provider.disconnect()
  // while a is away: a edits offline, and someone else edits on the server
  getWorkspace(a.doc).tests.insert(0, 'def test_offline(): pass\n')
  const b = peer(s1.wsUrl, s1.leadToken)
  const watcher = peer(s1.wsUrl, s1.leadToken)
  await waitFor(() => b.provider.synced && watcher.provider.synced, 'b syncs')
  getWorkspace(b.doc).solution.insert(0, 'def add(a, b): return a + b\n')
  // relayed means stored
  await waitFor(() => getWorkspace(watcher.doc).solution.length > 0, 'b’s edit relayed')
  b.destroy()
  watcher.destroy()
  await allUnloaded(s1)
  const c = peer(s1.wsUrl, s1.leadToken)
  await waitFor(() => c.provider.synced, 'a fresh reader syncs')
  assert.ok(s1.running.deps.rooms.peek(name)?.deferred, 'the reloaded room is still undecoded')
  a.provider.connect()
  await waitFor(
    () => a.provider.synced && getWorkspace(a.doc).solution.toString().includes('def add'),
    'a to get what it missed',
  )
  await waitFor(() => getWorkspace(c.doc).tests.toString().includes('test_offline'), 'the others to get a’s offline edit')
  assert.is(getWorkspace(c.doc).explanation.toString(), 'both had this')
  assert.not.ok(s1.running.deps.rooms.peek(name)?.deferred)
})

test('saves progress with each snapshot, so a crash cannot leave the queue behind the document', async () => {
  const s1 = await startServer({ dataDir: dir })
  servers.push(s1)
  await importTasks(s1, taskLine('t1'))
  const a = peer(s1.wsUrl, s1.leadToken)
  await waitFor(() => a.provider.synced, 'sync')
  const text = getWorkspace(a.doc).explanation
  // past the snapshot threshold (64 KB of log), in messages under the size limit
  for (let i = 0; i < 9; i++) text.insert(text.length, 'word '.repeat(2_000))
  const taskFile = path.join(dir, 'tasks', 't1.json')
  await waitFor(() => fs.existsSync(taskFile) && JSON.parse(fs.readFileSync(taskFile, 'utf8')).progress?.explanationWords === 18_000, 'progress saved after the snapshot', 15_000)
  assert.ok(s1.running.deps.rooms.size === 1, 'while the room is still in use')
})

test('recomputes progress of a room reloaded from a log left by a crash', async () => {
  const c1 = await childWithTask()
  const writer = peer(c1.wsUrl, c1.leadToken)
  await waitFor(() => writer.provider.synced, 'sync')
  getWorkspace(writer.doc).explanation.insert(0, 'written before the crash')
  await appended()
  c1.proc.kill('SIGKILL')
  await c1.exited
  writer.destroy()
  const s2 = await unloadingServer()
  const list = async () => (await api(s2, s2.leadToken, 'GET', '/api/tasks')).body.tasks[0].progress
  assert.is(await list(), null, 'nothing was saved before the crash')
  const reader = peer(s2.wsUrl, s2.leadToken)
  await waitFor(() => reader.provider.synced, 'sync after the crash')
  // Progress is recomputed from the reloaded room in the background: wait for it, not a turn.
  await waitFor(async () => (await list())?.explanationWords === 4, 'progress recomputed from the reloaded room')
  reader.destroy()
  const file = path.join(dir, 'tasks', 't1.json')
  const saved = () => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).progress : null)
  await waitFor(() => saved()?.explanationWords === 4, 'progress saved when the room unloads')
})

test('sends clients away with 1012 from a room whose stored state cannot be decoded, and never stores over it', async () => {
  const s1 = await unloadingServer()
  await importTasks(s1, taskLine('t1'))
  const snap = path.join(dir, 'rooms', 't1', 'workspace.snap')
  // intact framing and CRC, content Yjs cannot read
  fs.mkdirSync(path.dirname(snap), { recursive: true })
  fs.writeFileSync(snap, encodeRecord(new TextEncoder().encode('not a yjs update at all')))
  const before = fs.readFileSync(snap)
  const a = peer(s1.wsUrl, s1.leadToken)
  await waitFor(() => a.closes.some((c) => c.code === 1012), 'a 1012 close')
  a.destroy()
  await allUnloaded(s1)
  assert.equal(fs.readFileSync(snap), before)
  const res = await api(s1, s1.leadToken, 'GET', '/api/tasks/t1')
  assert.is(res.status, 200, 'the server goes on serving')
})

test.run()
