/** The room's sync answers: complete at `sync`, bounded, coalesced; read-only writers are told. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { rmSync } from 'node:fs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { MessageType, SyncType, writeUpdateMessage } from '../shared/protocol'
import { assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import { startServer as startOn } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer, rawSocket } from './helpers/peer'
import type { Peer, RawSocket } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('room sync')
let server: TestServer
let peers: Peer[] = []
let raws: RawSocket[] = []
let ann: { id: string; token: string }
let reviewer: { id: string; token: string }
const room = roomName.workspace('t1')

test.before.each(async () => {
  server = await startServer()
  await importTasks(server, taskLine('t1'))
  ann = await createUser(server, 'Ann', 'annotator')
  reviewer = await createUser(server, 'Rita', 'reviewer')
  await assign(server, 't1', [ann.id])
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  for (const r of raws) r.ws.terminate()
  peers = []
  raws = []
  await server.stop()
})

const peer = (token: string) => {
  const p = connectPeer(server.wsUrl, room, token)
  peers.push(p)
  return p
}
const synced = (p: Peer) => waitFor(() => p.provider.synced, 'the provider to sync')
const raw = async (token: string) => {
  const r = await rawSocket(server.wsUrl, room, token)
  raws.push(r)
  return r
}
const step1 = (stateVector: Uint8Array) => {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.sync)
  encoding.writeVarUint(enc, SyncType.step1)
  encoding.writeVarUint8Array(enc, stateVector)
  return encoding.toUint8Array(enc)
}
/** The sync sub-type of a message, or -1 for other message types. */
const syncTypeOf = (m: Uint8Array) => (m[0] === MessageType.sync ? m[1] : -1)
const payloadOf = (m: Uint8Array) => {
  const dec = decoding.createDecoder(m)
  decoding.readVarUint(dec)
  decoding.readVarUint(dec)
  return decoding.readVarUint8Array(dec)
}

test('gives a second joiner of a 200 KB room, at its sync event, an edit made after the first joiner', async () => {
  const writer = peer(server.leadToken)
  await synced(writer)
  const big = 'x'.repeat(200 * 1024)
  getWorkspace(writer.doc).solution.insert(0, big)
  const first = peer(ann.token)
  await synced(first)
  await waitFor(() => getWorkspace(first.doc).solution.length === big.length, 'the 200 KB at the first joiner')
  getWorkspace(writer.doc).explanation.insert(0, 'edit after the first joiner')
  await waitFor(() => getWorkspace(first.doc).explanation.length > 0, 'the later edit at the first joiner')

  // The raw view: the kept encoding goes first as an update, what was stored since as step 2.
  const probe = await raw(ann.token)
  probe.ws.send(step1(Uint8Array.of(0)))
  await waitFor(() => probe.messages.some((m) => syncTypeOf(m) === SyncType.step2), 'the probe’s step 2')
  const answer = probe.messages.filter((m) => syncTypeOf(m) === SyncType.update || syncTypeOf(m) === SyncType.step2)
  assert.equal(answer.map(syncTypeOf), [SyncType.update, SyncType.step2], 'the kept encoding, then the edits since')
  const replay = new Y.Doc()
  for (const m of answer) Y.applyUpdate(replay, payloadOf(m))
  assert.is(getWorkspace(replay).explanation.toString(), 'edit after the first joiner')
  assert.is(replay.store.pendingStructs, null)

  const second = peer(ann.token)
  let atSync: { explanation: string; solution: number } | null = null
  second.provider.on('sync', (isSynced: boolean) => {
    if (!isSynced || atSync) return
    const ws = getWorkspace(second.doc)
    atSync = { explanation: ws.explanation.toString(), solution: ws.solution.length }
  })
  await synced(second)
  assert.equal(atSync, { explanation: 'edit after the first joiner', solution: big.length })
})

test('tells a read-only writer once that its edits are refused, and relays none of them', async () => {
  const annotator = peer(ann.token)
  await synced(annotator)
  const sock = await raw(reviewer.token)
  // a fresh client's empty step 2 is no write: nothing to deny
  const empty = encoding.createEncoder()
  encoding.writeVarUint(empty, MessageType.sync)
  encoding.writeVarUint(empty, SyncType.step2)
  encoding.writeVarUint8Array(empty, Uint8Array.of(0, 0))
  sock.ws.send(encoding.toUint8Array(empty))
  // positive control: the reviewer receives the annotator's edit
  getWorkspace(annotator.doc).solution.insert(0, 'from the annotator')
  await waitFor(() => sock.messages.some((m) => syncTypeOf(m) === SyncType.update), 'the annotator edit at the reviewer')
  assert.is(sock.messages.filter((m) => m[0] === MessageType.auth).length, 0, 'no denial before a write')

  const doc = new Y.Doc()
  for (let i = 0; i < 5; i++) {
    getWorkspace(doc).explanation.insert(0, `smuggled ${i} `)
    sock.ws.send(writeUpdateMessage(Y.encodeStateAsUpdate(doc)))
  }
  await waitFor(() => sock.messages.some((m) => m[0] === MessageType.auth), 'the permission-denied message')
  // a later round trip proves every write was handled before we count
  getWorkspace(annotator.doc).solution.insert(0, 'later ')
  await waitFor(() => sock.messages.filter((m) => syncTypeOf(m) === SyncType.update).length >= 2, 'the later edit')
  const denials = sock.messages.filter((m) => m[0] === MessageType.auth)
  assert.is(denials.length, 1, 'told once, not per frame')
  const dec = decoding.createDecoder(denials[0])
  decoding.readVarUint(dec)
  assert.is(decoding.readVarUint(dec), 0, 'permission denied')
  assert.match(decoding.readVarString(dec), /only read/)
  assert.is(getWorkspace(annotator.doc).explanation.toString(), '', 'nothing of the reviewer relayed')
  assert.is(sock.closed, null, 'the reviewer stays connected')
})

test('shows a stock provider the denial when it types, not when it reconnects holding deletes', async () => {
  const annotator = peer(ann.token)
  await synced(annotator)
  getWorkspace(annotator.doc).explanation.insert(0, 'abc')
  getWorkspace(annotator.doc).explanation.delete(1, 1)
  const r = peer(reviewer.token)
  await synced(r)
  await waitFor(() => getWorkspace(r.doc).explanation.toString() === 'ac', 'the edit with a delete at the reviewer')
  const warnings: string[] = []
  const warn = console.warn
  console.warn = (...args: unknown[]) => void warnings.push(args.join(' '))
  try {
    // a reconnect sends step 2 with the reviewer's whole delete set: not a write attempt
    r.provider.disconnect()
    r.provider.connect()
    await waitFor(() => r.provider.wsconnected && r.provider.synced, 'the reconnect')
    getWorkspace(annotator.doc).solution.insert(0, 'round trip')
    await waitFor(() => getWorkspace(r.doc).solution.toString().startsWith('round trip'), 'a round trip after the reconnect')
    assert.equal(warnings, [], 'no denial for a reconnect')
    getWorkspace(r.doc).explanation.insert(0, 'a reviewer types')
    await waitFor(() => warnings.some((w) => /Permission denied/.test(w)), 'the provider’s permission-denied warning')
  } finally {
    console.warn = warn
  }
  assert.match(warnings.join('\n'), /only read/)
})

test('closes with 4413 for a state vector over 64 KB and answers one under it', async () => {
  const ok = await raw(ann.token)
  const small = encoding.createEncoder()
  encoding.writeVarUint(small, 1)
  encoding.writeVarUint(small, 12345)
  encoding.writeVarUint(small, 0)
  ok.ws.send(step1(encoding.toUint8Array(small)))
  await waitFor(() => ok.messages.some((m) => syncTypeOf(m) === SyncType.step2), 'an answer under the limit')

  const big = encoding.createEncoder()
  const entries = 20_000
  encoding.writeVarUint(big, entries)
  for (let i = 0; i < entries; i++) {
    encoding.writeVarUint(big, 1_000_000 + i)
    encoding.writeVarUint(big, 1)
  }
  const bytes = encoding.toUint8Array(big)
  assert.ok(bytes.length > 64 * 1024 && bytes.length < 1024 * 1024, `${bytes.length} bytes`)
  const bad = await raw(ann.token)
  bad.ws.send(step1(bytes))
  await waitFor(() => bad.closed !== null, 'the close')
  assert.is(bad.closed!.code, 4413)
  assert.is(ok.closed, null)
})

test('coalesces sync answers to a connection that asks faster than it reads', async () => {
  const writer = peer(server.leadToken)
  await synced(writer)
  getWorkspace(writer.doc).solution.insert(0, 'y'.repeat(900 * 1024))
  const reader = peer(ann.token)
  await synced(reader)
  const slow = await raw(reviewer.token)
  // stop reading: answers pile up in the server's socket buffers
  ;(slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause()
  for (let i = 0; i < 40; i++) slow.ws.send(step1(Uint8Array.of(0)))
  // positive control: a round trip on another connection, so all 40 asks were handled
  getWorkspace(writer.doc).explanation.insert(0, 'after the asks')
  await waitFor(() => getWorkspace(reader.doc).explanation.length > 0, 'an edit after the asks')
  await new Promise((r) => setImmediate(r))
  ;(slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.resume()
  // A last question after the 40: its answer leaves the server's ordered send path behind every
  // sync answer still queued, so when it arrives the count is final (no sleep).
  const before = slow.messages.length
  slow.ws.send(Uint8Array.of(MessageType.queryAwareness))
  await waitFor(
    () => slow.messages.slice(before).some((m) => m[0] === MessageType.awareness),
    'the answer to a query sent after the asks',
  )
  await waitFor(() => slow.messages.filter((m) => syncTypeOf(m) === SyncType.step2).length >= 2, 'the answers')
  const answers = slow.messages.filter((m) => syncTypeOf(m) === SyncType.step2).length
  console.log(`coalescing: ${answers} answers to 40 asks`)
  assert.ok(answers <= 20, `${answers} answers to 40 asks`)
  assert.is(slow.closed, null, 'never over the slow-reader cap')
})

test('answers a client that reconnects holding part of a stored room from the stored bytes, without decoding it', async () => {
  const writer = peer(ann.token)
  await synced(writer)
  const text = getWorkspace(writer.doc).explanation
  text.insert(0, 'held by the reconnecting client. ')
  const held = Y.encodeStateAsUpdate(writer.doc)
  text.insert(text.length, 'written after it left.')
  const want = text.toString()
  await waitFor(() => server.running.deps.rooms.peek(room)?.doc.getText('explanation').toString() === want, 'the server to hold both edits')
  writer.destroy()
  // restart on the same data: the room comes back as its snapshot, kept as bytes
  const dataDir = server.dataDir
  await server.running.stop()
  const again = await startOn({ dataDir })
  server = { ...again, stop: async () => (await again.stop(), rmSync(dataDir, { recursive: true, force: true })) }
  // a client that held the first edit when the server went away
  const provider = connectPeer(server.wsUrl, room, reviewer.token, { connect: false })
  peers.push(provider)
  Y.applyUpdate(provider.doc, held)
  provider.provider.connect()
  await waitFor(() => provider.provider.synced, 'the reconnecting client to sync')
  assert.is(getWorkspace(provider.doc).explanation.toString(), want, 'it holds the part it lacked at sync')
  assert.ok(server.running.deps.rooms.peek(room)?.deferred, 'the room was answered from its stored bytes')
})

test.run()
