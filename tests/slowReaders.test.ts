/** Slow readers: bytes queued to sockets that stop reading stay under the server-wide and per-user caps. */
import v8 from 'node:v8'
import vm from 'node:vm'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as encoding from 'lib0/encoding'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { MessageType, SyncType } from '../shared/protocol'
import { Backlog } from '../server/sync/backlog'
import type { BacklogMember } from '../server/sync/backlog'
import { assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer, rawSocket } from './helpers/peer'
import type { Peer, RawSocket } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const MiB = 1024 * 1024
v8.setFlagsFromString('--expose-gc')
/** A full collection, to read the RSS that is really held rather than garbage not yet swept. */
const gc = vm.runInNewContext('gc') as () => void
const MAX_QUEUED = 24 * MiB
const MAX_QUEUED_PER_USER = 12 * MiB
/** The document the slow readers ask for, again and again. */
const DOC_BYTES = 900 * 1024
/** How many times each slow reader asks for the whole document. */
const REQUESTS = 12

const test = suite('slow readers')
let server: TestServer | null = null
let peers: Peer[] = []
let raws: RawSocket[] = []
let stopSampling: (() => void) | null = null

test.after.each(async () => {
  stopSampling?.()
  for (const p of peers) p.destroy()
  for (const r of raws) r.ws.terminate()
  peers = []
  raws = []
  await server?.stop()
  server = null
})

/** A sync step 1 with an empty state vector: "send me the whole document". */
function askForEverything(): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.sync)
  encoding.writeVarUint(enc, SyncType.step1)
  encoding.writeVarUint8Array(enc, new Uint8Array([0]))
  return encoding.toUint8Array(enc)
}

/** Text that does not compress or merge into anything small. */
function noise(bytes: number): string {
  let s = ''
  let x = 12345
  while (s.length < bytes) {
    x = (x * 1103515245 + 12345) >>> 0
    s += String.fromCharCode(97 + (x % 26))
  }
  return s
}

test('keeps the bytes queued to 50 reviewers who stopped reading under the caps, and a reader gets everything', async () => {
  const s = (server = await startServer({
    config: { maxQueuedBytes: MAX_QUEUED, maxQueuedBytesPerUser: MAX_QUEUED_PER_USER },
  }))
  await importTasks(s, taskLine('big'))
  const ann = await createUser(s, 'Ann', 'annotator')
  await assign(s, 'big', [ann.id])
  const room = roomName.workspace('big')
  const writer = connectPeer(s.wsUrl, room, ann.token)
  peers.push(writer)
  await waitFor(() => writer.provider.synced, 'the writer to sync')
  getWorkspace(writer.doc).explanation.insert(0, noise(DOC_BYTES))
  const reader = connectPeer(s.wsUrl, room, (await createUser(s, 'Reader', 'reviewer')).token)
  peers.push(reader)
  await waitFor(() => reader.provider.synced && getWorkspace(reader.doc).explanation.length === DOC_BYTES, 'the reader to hold the document')

  // After every send (and the shedding it may cause), sum what the server really holds for its
  // open sockets: in all, and per user.
  const { connections, backlog } = s.running.deps
  let peakQueued = 0
  let peakPerUser = 0
  const sends = new Map<unknown, number>()
  const note = backlog.note.bind(backlog)
  backlog.note = (m) => {
    sends.set(m, (sends.get(m) ?? 0) + 1)
    note(m)
    let queued = 0
    const perUser = new Map<string, number>()
    for (const c of connections) {
      if (c.closed) continue
      queued += c.socket.bufferedAmount
      perUser.set(c.user.id, (perUser.get(c.user.id) ?? 0) + c.socket.bufferedAmount)
    }
    peakQueued = Math.max(peakQueued, queued)
    peakPerUser = Math.max(peakPerUser, ...perUser.values())
  }
  gc()
  const rssBefore = process.memoryUsage().rss
  let peakRss = rssBefore
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5)
  stopSampling = () => clearInterval(timer)

  const reviewers = await Promise.all([1, 2, 3, 4, 5].map((i) => createUser(s, `Slow ${i}`, 'reviewer')))
  const slow = await Promise.all(
    Array.from({ length: 50 }, (_, i) => rawSocket(s.wsUrl, room, reviewers[i % 5].token)),
  )
  raws.push(...slow)
  const request = askForEverything()
  // Unbounded, this queues 50 × 12 × 900 KB = 540 MB for readers that read nothing, each under
  // the per-connection limit (MAX_BUFFERED_BYTES), so only the sums can stop it.
  for (const sock of slow) {
    sock.ws.pause()
    for (let i = 0; i < REQUESTS; i++) sock.ws.send(request)
  }
  const slowConns = () => [...connections].filter((c) => reviewers.some((r) => r.id === c.user.id))
  // Each is done when shed, or when it got its sync step 1 and an answer: the room coalesces
  // further requests while that answer is still queued (a reader that never reads never gets more).
  await waitFor(
    () => slowConns().every((c) => c.closed || (sends.get(c) ?? 0) >= 2),
    'every reader answered or shed',
    15_000,
  )
  // Answers alone no longer pile up (coalesced above); the room's own broadcasts still do: the
  // writer keeps pasting, 12 MB in all: more than the kernel's socket buffers take for a stalled
  // reader, so what is left queues in the server, where the caps must hold it.
  for (let i = 0; i < 20; i++) getWorkspace(writer.doc).tests.insert(0, noise(600_000))
  const pasted = getWorkspace(writer.doc).tests.toString()
  await waitFor(() => getWorkspace(reader.doc).tests.toString() === pasted, 'the pastes at the reading reviewer', 15_000)
  const shed = 50 - slowConns().filter((c) => !c.closed).length
  assert.ok(shed > 0, 'the caps shed some readers')

  // Positive control: the writer's edits during and after the storm reach the reader that reads.
  for (let i = 0; i < 20; i++) getWorkspace(writer.doc).solution.insert(0, `${i};`)
  const expected = getWorkspace(writer.doc).solution.toString()
  await waitFor(() => getWorkspace(reader.doc).solution.toString() === expected, 'every edit at the reading reviewer', 15_000)
  assert.is(getWorkspace(reader.doc).explanation.length, DOC_BYTES)
  assert.equal(reader.closes, [], 'the reader was never shed')
  assert.equal(writer.closes, [], 'the writer was never shed')
  stopSampling()

  assert.ok(peakQueued > 0, 'the storm queued bytes')
  assert.ok(peakQueued <= MAX_QUEUED, `queued bytes peaked at ${(peakQueued / MiB).toFixed(1)} MiB, cap ${MAX_QUEUED / MiB} MiB`)
  assert.ok(peakPerUser <= MAX_QUEUED_PER_USER, `one user's queue peaked at ${(peakPerUser / MiB).toFixed(1)} MiB`)
  // RSS is reported, not asserted: most of it is the room's answers that the kernel's socket
  // buffers took before anything queued in the process, and the allocator keeps after they are freed.
  console.log(
    `  ${shed} of 50 shed; peak queued ${(peakQueued / MiB).toFixed(1)} MiB (cap ${MAX_QUEUED / MiB}), per user ` +
      `${(peakPerUser / MiB).toFixed(1)} MiB (cap ${MAX_QUEUED_PER_USER / MiB}); RSS peak ` +
      `+${((peakRss - rssBefore) / MiB).toFixed(0)} MB`,
  )
})

/** A connection stand-in whose queue the test sets. */
function member(userId: string, queued = 0): BacklogMember & { queued: number; shedCount: number } {
  const m = {
    userId,
    queued,
    shedCount: 0,
    get bufferedAmount() {
      return m.queued
    },
    shed() {
      m.shedCount++
    },
  }
  return m
}

test('sheds the largest queues first, and only as many as bring the sums back under the caps', () => {
  const backlog = new Backlog({ maxQueuedBytes: 100, maxQueuedBytesPerUser: 60 })
  const a1 = member('a', 30)
  const a2 = member('a', 25)
  const b1 = member('b', 40)
  for (const m of [a1, a2, b1]) backlog.note(m)
  assert.is(backlog.queuedBytes, 95)
  assert.equal([a1.shedCount, a2.shedCount, b1.shedCount], [0, 0, 0], 'under both caps: nobody shed')
  a2.queued = 35 // user a: 65 > 60, and 105 > 100 in all
  backlog.note(a2)
  assert.equal([a1.shedCount, a2.shedCount, b1.shedCount], [0, 1, 0], 'the slowest of user a, which fixes both')
  assert.is(backlog.queuedBytes, 70)
  // A queue that drained since it was last noted is read afresh before anyone is shed.
  b1.queued = 0
  const c1 = member('c', 50)
  backlog.note(c1)
  assert.equal([a1.shedCount, b1.shedCount, c1.shedCount], [0, 0, 0], 'b drained: 80 in all, nobody shed')
  backlog.forget(a1)
  assert.is(backlog.queuedBytes, 50)
})

test.run()
