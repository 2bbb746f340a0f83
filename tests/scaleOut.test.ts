/**
 * Several codejury processes on one PostgreSQL and one Redis (STORAGE=postgres), each on its own
 * port and DATA_DIR, with stock y-websocket clients on each: the "Done when" of running past one
 * machine, as a new user would try it, down to kill -9 and a third instance joining late.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import { spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'
import { connectAdmin, createTestDatabase } from './helpers/postgres'
import type { TestDatabase } from './helpers/postgres'
import { REDIS_URL, deleteKeys, requireRedis, startPrivateRedis, uniquePrefix } from './helpers/redis'
import { api, taskLine } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { CANDIDATES, CRITERIA } from './helpers/review'
import { waitFor } from './helpers/waitFor'

const test = suite('scale-out: instances on one PostgreSQL and Redis')

let db: TestDatabase | null = null
let prefix = ''
let root = ''
const children: ChildServer[] = []
const peers: Peer[] = []

test.before.each(async () => {
  await requireRedis()
  db = await createTestDatabase()
  prefix = uniquePrefix('scale-out')
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'codejury-scale-'))
})

test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  for (const child of children.splice(0)) {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL')
    await child.exited
  }
  await db?.drop()
  db = null
  await deleteKeys(prefix)
  fs.rmSync(root, { recursive: true, force: true })
})

/** One more instance: its own port and DATA_DIR, the shared engines, the shared record key. */
async function instance(name: string, redisUrl = REDIS_URL): Promise<ChildServer> {
  const child = await spawnServer(path.join(root, name), {
    STORAGE: 'postgres',
    DATABASE_URL: db!.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    RECORD_KEY_FILE: path.join(root, 'record-key.pem'),
  })
  children.push(child)
  return child
}

function peer(server: ChildServer, room: string, token: string): Peer {
  const p = connectPeer(server.wsUrl, room, token)
  peers.push(p)
  return p
}

const view = (doc: Y.Doc) => {
  const w = getWorkspace(doc)
  return JSON.stringify([w.ranking.toJSON(), w.ratings.toJSON(), w.explanation.toString(), w.solution.toString(), w.tests.toString()])
}

/** Every candidate ranked and scored and the three texts written, through `p`. */
function complete(p: Peer): void {
  const ws = getWorkspace(p.doc)
  p.doc.transact(() => {
    ws.ranking.push(['a', 'c', 'b'])
    for (const cand of CANDIDATES) {
      const row = ws.ratings.get(cand) instanceof Y.Map ? (ws.ratings.get(cand) as Y.Map<number>) : new Y.Map<number>()
      if (!ws.ratings.has(cand)) ws.ratings.set(cand, row)
      for (const k of CRITERIA) row.set(k, cand === 'b' ? 1 : 4)
    }
    ws.solution.insert(0, 'def add(a, b):\n    return a + b\n')
    ws.tests.insert(0, 'def test_add():\n    assert add(1, 2) == 3\n')
  })
}

test('two instances serve one task: edits cross, kill -9 of one loses no relayed edit, the other finalizes and exports, a third catches up', async () => {
  const a = await instance('a')
  const b = await instance('b')
  const lead = a.leadToken
  assert.ok(lead, 'the first instance made the lead')
  assert.is(b.leadToken, '', 'the second found the lead instead of making another')
  assert.is((await api(b, lead, 'GET', '/api/me')).status, 200, "the lead's token signs in on the other instance")

  const imported = await api(a, lead, 'POST', '/api/tasks/import?batch=scale&blind=0', taskLine('t1'), 'application/x-ndjson')
  assert.is(imported.status, 200, JSON.stringify(imported.body))
  const ann = (await api(b, lead, 'POST', '/api/users', { name: 'Ann', role: 'annotator' })).body
  await waitFor(async () => (await api(a, lead, 'POST', '/api/tasks/t1/assign', { userIds: [ann.id] })).status === 200, 'the user made on B to be assignable on A')

  // Ann works through instance A; the lead watches through instance B.
  const room = roomName.workspace('t1')
  const annPeer = peer(a, room, ann.token)
  const watcher = peer(b, room, lead)
  await waitFor(() => annPeer.provider.synced && watcher.provider.synced, 'both synced')
  complete(annPeer)
  await waitFor(() => view(watcher.doc) === view(annPeer.doc), "ann's work at the lead, through the other instance")
  getWorkspace(annPeer.doc).explanation.insert(0, 'A is right; ')
  await waitFor(() => getWorkspace(watcher.doc).explanation.toString() === 'A is right; ', 'a relayed edit')

  // Instance A dies. What the lead saw was relayed, so it was committed: it survives.
  a.proc.kill('SIGKILL')
  await a.exited
  // Ann keeps typing offline, then her client reaches the live instance with the same document.
  getWorkspace(annPeer.doc).explanation.insert(getWorkspace(annPeer.doc).explanation.length, 'B subtracts.')
  const again = new WebsocketProvider(b.wsUrl, encodeURIComponent(room), annPeer.doc, {
    params: { token: ann.token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  peers.push({ doc: annPeer.doc, provider: again, closes: [], destroy: () => again.destroy() })
  const expected = 'A is right; B subtracts.'
  await waitFor(() => getWorkspace(watcher.doc).explanation.toString() === expected, "ann's offline edit arrives through instance B", 10_000)

  // The lead finalizes through B; the record holds everything, the export carries it.
  const fin = await api(b, lead, 'POST', '/api/tasks/t1/finalize')
  assert.is(fin.status, 200, JSON.stringify(fin.body))
  assert.is(fin.body.explanation ?? fin.body.content?.explanation, expected)
  const exported = await fetch(`${b.url}/api/export?format=native`, { headers: { authorization: `Bearer ${lead}` } })
  const text = await exported.text()
  assert.is(exported.status, 200, text)
  assert.ok(text.includes('A is right; B subtracts.'), 'the export carries the edit made across the kill')

  // A third instance, added now, serves the same room and the finalized record.
  const c = await instance('c')
  const late = peer(c, room, lead)
  await waitFor(() => late.provider.synced && view(late.doc) === view(watcher.doc), 'the late instance serves the same document')
  const task = await api(c, lead, 'GET', '/api/tasks/t1')
  assert.is(task.body.status ?? task.body.task?.status, 'finalized')
})

/** Imports t1, makes an annotator assigned to it, and returns her. */
async function taskWithAnnotator(a: ChildServer): Promise<{ id: string; token: string }> {
  const lead = a.leadToken
  const imported = await api(a, lead, 'POST', '/api/tasks/import?batch=scale&blind=0', taskLine('t1'), 'application/x-ndjson')
  assert.is(imported.status, 200, JSON.stringify(imported.body))
  const ann = (await api(a, lead, 'POST', '/api/users', { name: 'Ann', role: 'annotator' })).body
  assert.is((await api(a, lead, 'POST', '/api/tasks/t1/assign', { userIds: [ann.id] })).status, 200)
  return ann
}

const explanation = (p: Peer) => getWorkspace(p.doc).explanation.toString()

test('while Redis is away each instance keeps serving its own clients and says so; when it is back the others get every edit', async () => {
  const redis = await startPrivateRedis()
  try {
    const a = await instance('a', redis.url)
    const b = await instance('b', redis.url)
    const ann = await taskWithAnnotator(a)
    const room = roomName.workspace('t1')
    const onA = peer(a, room, ann.token)
    const onB = peer(b, room, a.leadToken)
    await waitFor(() => onA.provider.synced && onB.provider.synced, 'both synced')
    getWorkspace(onA.doc).explanation.insert(0, 'before. ')
    await waitFor(() => explanation(onB) === 'before. ', 'control: an edit crosses while Redis is up')

    await redis.kill()
    await waitFor(async () => (await api(a, null, 'GET', '/api/health')).body.ok === false, 'health to say Redis is away')
    const health = (await api(a, a.leadToken, 'GET', '/api/health')).body
    assert.is(health.redis.ok, false)
    assert.ok(health.degraded.some((d: { problem: string }) => d.problem === 'redis-unreachable'))
    const sameInstance = peer(a, room, a.leadToken)
    getWorkspace(onA.doc).explanation.insert(8, 'during. ')
    await waitFor(() => sameInstance.provider.synced && explanation(sameInstance) === 'before. during. ', 'the same instance still serves its clients')
    assert.is(explanation(onB), 'before. ', 'nothing reaches the other instance while Redis is away')

    // Redis comes back empty (no persistence): the other instance reads what it missed from the log.
    await redis.start()
    await waitFor(() => explanation(onB) === 'before. during. ', 'the missed edit at the other instance', 15_000)
    getWorkspace(onB.doc).explanation.insert(0, 'after. ')
    await waitFor(() => explanation(onA) === 'after. before. during. ', 'edits cross again')
    await waitFor(async () => (await api(b, null, 'GET', '/api/health')).body.ok === true, 'health to recover')
  } finally {
    await redis.stop()
  }
})

test('an annotator unassigned through one instance is sent away at once by the other, where her socket is', async () => {
  const a = await instance('a')
  const b = await instance('b')
  const ann = await taskWithAnnotator(a)
  const room = roomName.workspace('t1')
  const annOnB = peer(b, room, ann.token)
  const leadOnA = peer(a, room, a.leadToken)
  await waitFor(() => annOnB.provider.synced && leadOnA.provider.synced, 'both synced')
  getWorkspace(annOnB.doc).explanation.insert(0, 'mine. ')
  await waitFor(() => explanation(leadOnA) === 'mine. ', 'control: her edit lands while she is assigned')

  assert.is((await api(a, a.leadToken, 'POST', '/api/tasks/t1/assign', { userIds: [] })).status, 200)
  // Her instance learns from the records feed, and closes her socket: she may no longer read the task.
  await waitFor(() => annOnB.closes.some((c) => c.code === 4403), 'her socket on the other instance closed with 4403')
  getWorkspace(annOnB.doc).explanation.insert(0, 'after. ')
  const leadOnB = peer(b, room, a.leadToken)
  await waitFor(() => leadOnB.provider.synced, 'a reader on her instance')
  assert.is(explanation(leadOnB), 'mine. ', 'nothing she wrote after it landed')
})

test('an instance asked to stop drains: its sockets close with 1012 after its last commit, and its client finishes on the other instance losing nothing', async () => {
  const a = await instance('a')
  const b = await instance('b')
  const ann = await taskWithAnnotator(a)
  const room = roomName.workspace('t1')
  const onA = peer(a, room, ann.token)
  const onB = peer(b, room, a.leadToken)
  await waitFor(() => onA.provider.synced && onB.provider.synced, 'both synced')
  // Ann keeps typing while the instance she is on is stopped.
  let typed = 0
  const typing = setInterval(() => getWorkspace(onA.doc).explanation.insert(typed++, 'x'), 5)
  try {
    await waitFor(() => explanation(onB).length >= 20, 'control: her typing crosses to the other instance')
    a.proc.kill('SIGTERM')
    await waitFor(() => onA.closes.some((c) => c.code === 1012), 'her socket closed with 1012', 10_000)
  } finally {
    clearInterval(typing)
  }
  assert.is(await a.exited, 0, 'the instance stopped cleanly')
  // Her client reconnects elsewhere (a proxy would send it to B) with the same document.
  onA.provider.destroy()
  const moved = new WebsocketProvider(b.wsUrl, encodeURIComponent(room), onA.doc, {
    params: { token: ann.token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  peers.push({ doc: onA.doc, provider: moved, closes: [], destroy: () => moved.destroy() })
  await waitFor(() => explanation(onB) === 'x'.repeat(typed), `all ${typed} characters at the other instance`, 10_000)
  const fresh = peer(b, room, a.leadToken)
  await waitFor(() => fresh.provider.synced && explanation(fresh) === 'x'.repeat(typed), 'and stored there')
})

/** Reads `/api/events` until `until` matches what arrived; the stream is aborted after the test. */
async function readEvents(server: ChildServer, token: string, until: RegExp, aborts: AbortController[]): Promise<string> {
  const controller = new AbortController()
  aborts.push(controller)
  const timer = setTimeout(() => controller.abort(), 10_000)
  let text = ''
  try {
    const res = await fetch(`${server.url}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal })
    const reader = res.body!.getReader()
    while (!until.test(text)) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
  } catch (err) {
    throw new Error(`no event matching ${until} within 10 s; the stream said:\n${text}`, { cause: err })
  } finally {
    clearTimeout(timer)
  }
  return text
}

test("a lead's dashboard on one instance shows who works on the other and how far they are, and forgets them when they go", async () => {
  const a = await instance('a')
  const b = await instance('b')
  const ann = await taskWithAnnotator(a)
  const aborts: AbortController[] = []
  try {
    const present = async () => (await api(a, a.leadToken, 'GET', '/api/tasks')).body.tasks.find((t: { id: string }) => t.id === 't1').present
    assert.equal(await present(), [], 'control: nobody is there yet')
    const joined = readEvents(a, a.leadToken, /event: presence\ndata: .*"name":"Ann"/, aborts)
    const annOnB = peer(b, roomName.workspace('t1'), ann.token)
    await waitFor(() => annOnB.provider.synced, 'ann synced on B')
    await joined
    assert.equal((await present()).map((p: { name: string }) => p.name), ['Ann'])

    const moved = readEvents(a, a.leadToken, /event: progress\ndata: .*"taskId":"t1"/, aborts)
    complete(annOnB)
    await moved

    annOnB.destroy()
    await waitFor(async () => (await present()).length === 0, 'her leaving seen on the other instance')
  } finally {
    for (const c of aborts) c.abort()
  }
})

test("PostgreSQL dropping every connection pauses writes with a clear status, and clients' edits land once it answers", async () => {
  const a = await instance('a')
  const b = await instance('b')
  const ann = await taskWithAnnotator(a)
  const room = roomName.workspace('t1')
  const onA = peer(a, room, ann.token)
  const onB = peer(b, room, a.leadToken)
  await waitFor(() => onA.provider.synced && onB.provider.synced, 'both synced')
  getWorkspace(onA.doc).explanation.insert(0, 'kept. ')
  await waitFor(() => explanation(onB) === 'kept. ', 'control: an edit crosses')

  // Every session of the database is cut (a restart, as the instances see it), and new ones are refused for a while.
  const admin = await connectAdmin()
  try {
    await admin.client.query(`ALTER DATABASE "${db!.name}" WITH ALLOW_CONNECTIONS false`)
    await admin.client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db!.name])
    getWorkspace(onA.doc).explanation.insert(6, 'paused. ')
    await waitFor(async () => (await api(a, null, 'GET', '/api/health')).body.ok === false, 'health to say the database is away')
    assert.is(explanation(onB), 'kept. ', 'nothing is relayed that was not stored')
    await admin.client.query(`ALTER DATABASE "${db!.name}" WITH ALLOW_CONNECTIONS true`)
  } finally {
    await admin.client.end()
  }
  await waitFor(() => explanation(onB) === 'kept. paused. ', 'the edit made during the outage, stored once PostgreSQL answers', 20_000)
  assert.is(explanation(onA), 'kept. paused. ')
  await waitFor(async () => (await api(a, null, 'GET', '/api/health')).body.ok === true, 'health to recover', 15_000)
})

test.run()
