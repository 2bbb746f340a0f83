/**
 * A seeded fuzzer of well-formed but hostile Yjs updates through the real server: wrong types for
 * every root, junk roots, huge lengths, gaps, Skips, foreign client ids, missing dependencies,
 * pending deletes and another room's state, while two honest annotators type. Set FUZZ_SEED to
 * replay a run, FUZZ_UPDATES to change its size.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as prng from 'lib0/prng'
import { getWorkspace, TEXT_ROOTS } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { writeSyncStep2Message, writeUpdateMessage } from '../shared/protocol'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer, rawSocket } from './helpers/peer'
import type { Peer, RawSocket } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('fuzz')
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31)
const TOTAL = Number(process.env.FUZZ_UPDATES ?? 10_000)
/** Hostile updates the room must refuse, one per connection (a refusal closes it). */
const REFUSED = Math.round(TOTAL / 20)
const PARALLEL = 8
/** Roots a writer may touch; `runs` and `server_runs` are the server's (tests/runsRoute.test.ts). */
const ROOTS = ['explanation', 'solution', 'tests', 'ranking', 'ratings', 'notes', 'threads', 'meta']
const room = roomName.workspace('t1')

let server: TestServer | null = null
let peers: Peer[] = []
let raws: RawSocket[] = []
let typing: NodeJS.Timeout | undefined
let aborts: AbortController[] = []
test.after.each(async () => {
  clearInterval(typing)
  for (const a of aborts) a.abort()
  aborts = []
  for (const p of peers) p.destroy()
  for (const r of raws) r.ws.terminate()
  peers = []
  raws = []
  await server?.stop()
  server = null
})

/** One GC struct, or a GC then a Skip, of `client` at `clock` (V1), with no deletes. */
function gcUpdate(client: number, clock: number, length: number, skip = 0): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, skip ? 2 : 1)
  encoding.writeVarUint(enc, client)
  encoding.writeVarUint(enc, clock)
  encoding.writeUint8(enc, 0)
  encoding.writeVarUint(enc, length)
  if (skip) {
    encoding.writeUint8(enc, 10)
    encoding.writeVarUint(enc, skip)
  }
  encoding.writeVarUint(enc, 0)
  return encoding.toUint8Array(enc)
}
function deleteUpdate(client: number, clock: number, length: number): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 0)
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, client)
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, clock)
  encoding.writeVarUint(enc, length)
  return encoding.toUint8Array(enc)
}

/** A value of some type, often the wrong one for where it goes. */
function junkValue(gen: prng.PRNG): unknown {
  switch (prng.uint32(gen, 0, 8)) {
    case 0:
      return prng.int31(gen, -1e6, 1e6)
    case 1:
      return prng.word(gen, 0, prng.bool(gen) ? 40 : 2_000)
    case 2:
      return null
    case 3:
      return JSON.parse('{"__proto__":"x","toString":1,"nested":{"deep":[1,{"a":"b"}]}}')
    case 4:
      return new Y.Map([['correctness', 'five']])
    case 5:
      return Y.Array.from([1, 'two', null])
    case 6:
      return new Y.Text('text where a map belongs')
    case 7:
      return new Uint8Array([1, 2, 3])
    default:
      return [prng.real53(gen), true, 'x']
  }
}

/**
 * A mallory document: one client id, each root of a type it picks, hostile content in each. The
 * workspace's text roots stay texts here: anything else inside them is refused (a refused kind).
 */
function hostileDoc(gen: prng.PRNG, clientID: number): { doc: Y.Doc; updates: Uint8Array[]; write(): void } {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const kinds = new Map<string, number>()
  const write = () => {
    const name = prng.bool(gen) ? prng.oneOf(gen, ROOTS) : `junk-${prng.uint32(gen, 0, 5)}`
    if (!kinds.has(name)) kinds.set(name, (TEXT_ROOTS as readonly string[]).includes(name) ? 2 : prng.uint32(gen, 0, 2))
    const kind = kinds.get(name)!
    if (kind === 0) {
      const m = doc.getMap(name)
      if (prng.bool(gen) || m.size === 0) m.set(prng.oneOf(gen, ['a', 'b', 'c', '__proto__', 'correctness']), junkValue(gen))
      else m.delete([...m.keys()][0])
    } else if (kind === 1) {
      const a = doc.getArray(name)
      if (prng.bool(gen) || a.length === 0) a.insert(prng.uint32(gen, 0, a.length), [junkValue(gen)])
      else a.delete(0, 1)
    } else {
      const t = doc.getText(name)
      if (prng.bool(gen) || t.length === 0) t.insert(prng.uint32(gen, 0, t.length), prng.word(gen, 1, 30), prng.bool(gen) ? { bold: true } : undefined)
      else t.delete(0, Math.min(t.length, prng.uint32(gen, 1, 5)))
    }
  }
  return { doc, updates, write }
}

test('survives 10,000 hostile updates with nothing pending, and honest peers converge', async () => {
  console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it), ${TOTAL} updates`)
  const gen = prng.create(SEED)
  const started = performance.now()
  const srv = await startServer({ config: { storage: 'memory', maxMessagesPerSecond: 1_000_000 } })
  server = srv
  await importTasks(srv, [taskLine('t1'), taskLine('t2')].join('\n'))
  const ann = await createUser(srv, 'Ann', 'annotator')
  const bob = await createUser(srv, 'Bob', 'annotator')
  const mallory = await createUser(srv, 'Mallory', 'annotator')
  await assign(srv, 't1', [ann.id, bob.id, mallory.id])
  const honest = [connectPeer(srv.wsUrl, room, ann.token), connectPeer(srv.wsUrl, room, bob.token)]
  const elsewhere = connectPeer(srv.wsUrl, roomName.workspace('t2'), srv.leadToken)
  peers.push(...honest, elsewhere)
  await waitFor(() => honest.every((p) => p.provider.synced) && elsewhere.provider.synced, 'the peers to sync')
  const otherRoomState = Y.encodeStateAsUpdate(elsewhere.doc)
  // a lead watching live: the server reads every changed workspace for its progress events
  const events = new AbortController()
  aborts.push(events)
  const live = await fetch(`${srv.url}/api/events`, { headers: { authorization: `Bearer ${srv.leadToken}` }, signal: events.signal })
  const liveReader = live.body!.getReader()
  let progressEvents = 0
  void (async () => {
    for (;;) {
      const { done, value } = await liveReader.read().catch(() => ({ done: true, value: undefined }))
      if (done) break
      progressEvents += (new TextDecoder().decode(value).match(/event: progress/g) ?? []).length
    }
  })()
  const roomDoc = () => srv.running.deps.rooms.peek(room)!.doc
  const noPending = (when: string) => {
    assert.is(roomDoc().store.pendingStructs, null, `pending structs ${when}`)
    assert.is(roomDoc().store.pendingDs, null, `pending deletes ${when}`)
  }

  // Honest typing all along.
  typing = setInterval(() => {
    for (const p of honest) {
      const t = getWorkspace(p.doc)[prng.oneOf(gen, [...TEXT_ROOTS])]
      if (prng.bool(gen) || t.length < 5) t.insert(prng.uint32(gen, 0, t.length), prng.word(gen, 1, 6))
      else t.delete(prng.uint32(gen, 0, t.length - 3), 2)
    }
  }, 5)

  // The accepted kind: on one connection, from mallory's own client ids.
  const accepted = TOTAL - REFUSED
  const stream = await rawSocket(srv.wsUrl, room, mallory.token)
  raws.push(stream)
  const docs = Array.from({ length: 12 }, (_, i) => hostileDoc(gen, 7_000_000 + i))
  const freshIds = [8_000_001, 8_000_002, 8_000_003]
  let sent = 0
  while (sent < accepted) {
    const roll = prng.uint32(gen, 0, 99)
    if (roll === 0) stream.ws.send(writeUpdateMessage(otherRoomState))
    else if (roll === 1 && freshIds.length) stream.ws.send(writeUpdateMessage(gcUpdate(freshIds.pop()!, 0, 2 ** 40)))
    else {
      const d = prng.oneOf(gen, docs)
      d.write()
      const u = d.updates.pop()
      if (!u) continue
      stream.ws.send(writeUpdateMessage(u))
    }
    sent++
    if (sent % 200 === 0) {
      await new Promise((r) => setImmediate(r))
      assert.is(stream.closed, null, `mallory’s own-id updates are accepted (at ${sent})`)
    }
  }

  // a marker after them all: once an honest peer holds it, the server has handled the stream
  const end = new Y.Doc()
  end.clientID = 8_000_100
  end.getText('fuzz-end').insert(0, 'end')
  stream.ws.send(writeUpdateMessage(Y.encodeStateAsUpdate(end)))
  await waitFor(() => honest[0].doc.getText('fuzz-end').toString() === 'end', 'the end of the accepted stream', 30_000)
  console.log(`fuzz: ${sent} accepted-kind updates handled after ${(performance.now() - started).toFixed(0)} ms`)

  // The refused kind: each on its own connection, closed with 4400.
  const victim = honest[0].doc
  const refusals: Array<() => Uint8Array> = [
    () => gcUpdate(victim.clientID, Y.getState(victim.store, victim.clientID) + prng.uint32(gen, 1, 10), 2 ** 40),
    () => gcUpdate(victim.clientID, Y.getState(roomDoc().store, victim.clientID), prng.uint32(gen, 1, 2 ** 30)),
    () => deleteUpdate(prng.uint32(gen, 9_000_000, 9_999_999), 0, prng.uint32(gen, 1, 2 ** 30)),
    () => deleteUpdate(victim.clientID, Y.getState(roomDoc().store, victim.clientID) + 1_000_000, 3),
    () => gcUpdate(prng.uint32(gen, 9_000_000, 9_999_999), prng.uint32(gen, 1, 100), 1),
    () => gcUpdate(prng.uint32(gen, 9_000_000, 9_999_999), 0, 1, prng.uint32(gen, 1, 100)),
    () => {
      const d = new Y.Doc()
      d.clientID = prng.uint32(gen, 10_000_000, 19_999_999)
      d.getText('solution').insert(0, 'abc')
      const sv = Y.encodeStateVector(d)
      d.clientID = prng.uint32(gen, 20_000_000, 29_999_999)
      d.getText('solution').insert(prng.uint32(gen, 0, 3), 'def')
      return Y.encodeStateAsUpdate(d, sv)
    },
    () => {
      // anything but text inside a text root: a value, a type or binary as an array element or a
      // map entry, or an embed
      const d = new Y.Doc()
      d.clientID = prng.uint32(gen, 30_000_000, 39_999_999)
      const root = prng.oneOf(gen, [...TEXT_ROOTS])
      const how = prng.uint32(gen, 0, 2)
      if (how === 0) d.getArray(root).insert(0, [junkValue(gen)])
      else if (how === 1) d.getMap(root).set('k', junkValue(gen))
      else d.getText(root).insertEmbed(0, { image: prng.word(gen, 1, 10) })
      return Y.encodeStateAsUpdate(d)
    },
  ]
  let refused = 0
  const worker = async () => {
    while (refused < REFUSED) {
      refused++
      const sock = await rawSocket(srv.wsUrl, room, mallory.token)
      raws.push(sock)
      const kind = prng.uint32(gen, 0, refusals.length - 1)
      // Answered the room's step 1 first, as a stock client does (editBeforeAnswer.test.ts).
      sock.ws.send(writeSyncStep2Message(new Uint8Array([0, 0])))
      sock.ws.send(writeUpdateMessage(refusals[kind]()))
      await waitFor(() => sock.closed !== null, `the refusal of update ${refused} (kind ${kind})`)
      sock.ws.terminate()
      assert.is(sock.closed!.code, 4400, 'refused with 4400')
      if (refused % 250 === 0) noPending(`after ${refused} refusals`)
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker))
  clearInterval(typing)
  noPending('at the end')
  assert.is(stream.closed, null, 'the accepted stream is still open')
  console.log(`fuzz: ${refused} refused-kind updates handled after ${(performance.now() - started).toFixed(0)} ms, room of ${Y.encodeStateAsUpdate(roomDoc()).length} bytes`)

  // Positive control: honest edits still flow both ways, and everyone converges.
  getWorkspace(honest[0].doc).explanation.insert(0, '[ann done]')
  getWorkspace(honest[1].doc).explanation.insert(0, '[bob done]')
  const fresh = connectPeer(srv.wsUrl, room, srv.leadToken)
  peers.push(fresh)
  const same = (a: Y.Doc, b: Y.Doc) =>
    Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b))) &&
    TEXT_ROOTS.every((r) => getWorkspace(a)[r].toString() === getWorkspace(b)[r].toString())
  await waitFor(
    () => fresh.provider.synced && /\[ann done\]/.test(getWorkspace(honest[1].doc).explanation.toString()) && /\[bob done\]/.test(getWorkspace(honest[0].doc).explanation.toString()),
    'the honest markers at the other peer',
    20_000,
  )
  await waitFor(() => same(honest[0].doc, honest[1].doc) && same(honest[0].doc, fresh.doc) && same(fresh.doc, roomDoc()), 'convergence', 20_000)
  const health = await api(srv, null, 'GET', '/api/health')
  assert.is(health.status, 200, 'the server still answers')
  const tasks = await api(srv, srv.leadToken, 'GET', '/api/tasks')
  assert.is(tasks.status, 200, 'the queue, read from the hostile workspace, still answers')
  console.log(`fuzz: ${progressEvents} progress events streamed to the lead meanwhile`)
})

test.run()
