/** Integrity of updates: what would leave state pending, or write another user's client id, is refused. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { writeSyncStep2Message, writeUpdateMessage } from '../shared/protocol'
import { assign, createUser, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer, rawSocket } from './helpers/peer'
import type { Peer, RawSocket } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { RoomHarness, TestClient } from './helpers/roomHarness'
import fs from 'node:fs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const test = suite('integrity')
let server: TestServer
let dataDir: string
let peers: Peer[] = []
let raws: RawSocket[] = []
let ann: { id: string; token: string }
let mallory: { id: string; token: string }
const room = roomName.workspace('t1')

test.before.each(async () => {
  dataDir = tempDir()
  server = await startServer({ dataDir })
  await importTasks(server, taskLine('t1'))
  ann = await createUser(server, 'Ann', 'annotator')
  mallory = await createUser(server, 'Mallory', 'annotator')
  await assign(server, 't1', [ann.id, mallory.id])
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  for (const r of raws) r.ws.terminate()
  peers = []
  raws = []
  await server.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const peer = (token: string) => {
  const p = connectPeer(server.wsUrl, room, token)
  peers.push(p)
  return p
}
const synced = (p: Peer) => waitFor(() => p.provider.synced, 'the provider to sync')
const attacker = async () => {
  const r = await rawSocket(server.wsUrl, room, mallory.token)
  raws.push(r)
  return r
}
/** One GC struct of `client` at `clock` with `length`, and no deletes (V1). */
const gcUpdate = (client: number, clock: number, length: number) => {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 1) // one client
  encoding.writeVarUint(enc, 1) // one struct
  encoding.writeVarUint(enc, client)
  encoding.writeVarUint(enc, clock)
  encoding.writeUint8(enc, 0) // GC
  encoding.writeVarUint(enc, length)
  encoding.writeVarUint(enc, 0) // empty delete set
  return encoding.toUint8Array(enc)
}
/** No structs, one delete range of `client`. */
const deleteUpdate = (client: number, clock: number, length: number) => {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 0)
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, client)
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, clock)
  encoding.writeVarUint(enc, length)
  return encoding.toUint8Array(enc)
}
const text = (p: Peer) => getWorkspace(p.doc).explanation.toString()
const serverDoc = () => server.running.deps.rooms.peek(room)!.doc
const refused = async (update: Uint8Array, what: string) => {
  const sock = await attacker()
  sock.ws.send(writeUpdateMessage(update))
  await waitFor(() => sock.closed !== null, `the close after ${what}`)
  assert.is(sock.closed!.code, 4400, what)
}

test('relays every keystroke after hostile attempts and leaves nothing pending', async () => {
  // How fast the integrity check is lives in tests/bench/micro/integrity.ts; this test holds
  // what must stay true after refused updates: the room still takes and relays every edit.
  const typist = peer(ann.token)
  const observer = peer(server.leadToken)
  await synced(typist)
  await synced(observer)
  const keystrokes = async (mark: string) => {
    for (let i = 0; i < 50; i++) {
      const t = getWorkspace(typist.doc).solution
      t.insert(t.length, mark)
      const expected = t.toString()
      await waitFor(() => getWorkspace(observer.doc).solution.toString() === expected, `keystroke ${mark}${i}`)
    }
  }
  await keystrokes('k') // the control: the same typing before any hostile update
  for (let i = 0; i < 20; i++) {
    await refused(gcUpdate(typist.doc.clientID, Y.getState(typist.doc.store, typist.doc.clientID) + 3 + i, 2 ** 40), 'a GC ahead')
    await refused(deleteUpdate(5000 + i, 0, 2 ** 30), 'a delete over an unknown client')
  }
  await keystrokes('a')
  assert.is(getWorkspace(serverDoc()).solution.toString(), 'k'.repeat(50) + 'a'.repeat(50))
  assert.is(serverDoc().store.pendingStructs, null)
  assert.is(serverDoc().store.pendingDs, null)
})

test('keeps who owns each client id across a restart', async () => {
  const victim = peer(ann.token)
  await synced(victim)
  getWorkspace(victim.doc).explanation.insert(0, 'owned')
  const observer = peer(server.leadToken)
  await synced(observer)
  await waitFor(() => text(observer) === 'owned', 'the edit stored')
  const id = victim.doc.clientID
  const clock = Y.getState(victim.doc.store, id)
  victim.provider.destroy() // the doc stays, as a page's does across a server restart
  peers = peers.filter((p) => p !== victim)
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
  server = await startServer({ dataDir })
  await refused(gcUpdate(id, clock, 5), 'another user’s client id after a restart')
  // positive control: the owner, holding its document, writes on with the same client id
  const provider = new WebsocketProvider(server.wsUrl, encodeURIComponent(room), victim.doc, {
    params: { token: ann.token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  const again: Peer = { doc: victim.doc, provider, closes: [], destroy: () => (provider.destroy(), victim.doc.destroy()) }
  peers.push(again)
  await synced(again)
  const watcher = peer(server.leadToken)
  await synced(watcher)
  getWorkspace(again.doc).explanation.insert(5, '!')
  await waitFor(() => text(watcher) === 'owned!', 'the owner’s edit after the restart')
  assert.is(again.doc.clientID, id, 'the same client id')
})

test.run()

/**
 * The same rules in process: a room with an explicit turn flush, no server and no waits. A refused
 * update closes its sender with 4400 before `send` returns.
 */
const inRoom = suite('integrity in a room')
let harness: RoomHarness
let clients: TestClient[] = []
inRoom.before.each(() => {
  harness = new RoomHarness({ name: room })
  clients = []
})
inRoom.after.each(() => {
  harness.close()
})
const client = (id: string, role = 'annotator') => {
  const c = new TestClient(harness.connect({ id, role }))
  clients.push(c)
  harness.settle(...clients)
  return c
}
const EMPTY_UPDATE = new Uint8Array([0, 0])
const docText = (c: TestClient) => getWorkspace(c.doc).explanation.toString()
const refusedIn = (update: Uint8Array, what: string, user = 'mallory') => {
  const tc = harness.connect({ id: user })
  // Answered the room's step 1 first, as a stock client does: an edit before that answer that
  // builds on the writer's own unsent structs is dropped instead (editBeforeAnswer.test.ts).
  tc.send(writeSyncStep2Message(EMPTY_UPDATE))
  tc.send(writeUpdateMessage(update))
  assert.is(tc.closedWith?.code, 4400, what)
  harness.settle(...clients)
}

inRoom('refuses a GC struct a few clocks ahead of another user’s client id, and that user stays relayed', () => {
  const victim = client('ann')
  const observer = client('lead', 'lead')
  getWorkspace(victim.doc).explanation.insert(0, 'before ')
  harness.settle(...clients)
  assert.is(docText(observer), 'before ')
  const id = victim.doc.clientID
  const clock = Y.getState(victim.doc.store, id)
  refusedIn(gcUpdate(id, clock + 5, 2 ** 40), 'a GC five clocks ahead')
  refusedIn(gcUpdate(id, clock, 2 ** 40), 'a GC at the next clock of another user')
  assert.is(Y.getState(harness.room.doc.store, id), clock, 'the victim’s clock is untouched')
  getWorkspace(victim.doc).explanation.insert(7, 'and after')
  harness.settle(...clients)
  assert.is(docText(observer), 'before and after', 'the victim’s later edit at the observer')
  assert.is(harness.room.doc.store.pendingStructs, null)
})

inRoom('accepts structs for a client id of one’s own and refuses them for one another user owns', () => {
  const observer = client('lead', 'lead')
  const mallory = harness.connect({ id: 'mallory' })
  const doc = new Y.Doc()
  getWorkspace(doc).explanation.insert(0, 'mine')
  mallory.send(writeUpdateMessage(Y.encodeStateAsUpdate(doc)))
  harness.settle(...clients)
  assert.is(docText(observer), 'mine', 'an unclaimed client id written by its first user')
  assert.is(mallory.closedWith, null)
  const before = Y.encodeStateVector(doc)
  getWorkspace(doc).explanation.insert(4, ' or not')
  refusedIn(Y.encodeStateAsUpdate(doc, before), 'the other user', 'ann')
  assert.is(docText(observer), 'mine')
  doc.destroy()
})

inRoom('refuses structs with missing dependencies and a delete set over unknown clients', () => {
  const observer = client('lead', 'lead')
  // client 1 writes "abc", never sent; client 2 types after it
  const doc = new Y.Doc()
  doc.clientID = 1
  getWorkspace(doc).explanation.insert(0, 'abc')
  const sv = Y.encodeStateVector(doc)
  doc.clientID = 2
  getWorkspace(doc).explanation.insert(3, 'def')
  refusedIn(Y.encodeStateAsUpdate(doc, sv), 'structs whose origin the room lacks')
  refusedIn(deleteUpdate(987654, 0, 10), 'a delete set over an unknown client')
  refusedIn(gcUpdate(424242, 3, 1), 'structs that start past clock 0 of a new client')
  assert.is(harness.room.doc.store.pendingStructs, null)
  assert.is(harness.room.doc.store.pendingDs, null)
  // positive control: the same content, whole, is accepted
  const whole = harness.connect({ id: 'mallory' })
  whole.send(writeUpdateMessage(Y.encodeStateAsUpdate(doc)))
  harness.settle(...clients)
  assert.is(docText(observer), 'abcdef', 'the whole update at the observer')
  assert.is(whole.closedWith, null)
  doc.destroy()
})

inRoom.run()
