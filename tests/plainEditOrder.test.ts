/**
 * Left open: a string whose right origin lies left of its origin. Yjs places it by a conflict scan
 * that depends on how the room's items are split when it integrates, so the room that applies the
 * raw bytes and every replica that applies the room's re-encoded update (peers, the stored log, a
 * reload) order the text differently. Both checks accept it: it is a string in a text.
 *
 * The bytes (V1), after the room holds "heABllo" (client 100 wrote "hello", client 5 "AB"):
 *   02  01 05 02  44 64 00 04 "abcd"  01 64 05  c4 05 04 05 03 01 "m"  00
 * two clients: client 5 at clock 2, a string with right origin 100:0 ("abcd", clocks 2..5);
 * client 100 at clock 5, a string with origin 5:4 ("c") and right origin 5:3 ("b"), "m".
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { WorkspaceRoot } from '../shared/schema'
import { WORKSPACE_TEXTS, checkUpdate } from '../server/sync/updateIntegrity'
import { SERVER_ROOTS } from '../server/sync/writeRules'
import { checkPlainEdit } from '../server/sync/plainEdit'
import * as encoding from 'lib0/encoding'
import fs from 'node:fs'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { writeUpdateMessage } from '../shared/protocol'
import { assign, createUser, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer, rawSocket } from './helpers/peer'
import type { Peer, RawSocket } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('plain edit: origins out of order')
const FORBIDDEN: ReadonlySet<string> = new Set(SERVER_ROOTS)
const anyone = () => true
const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'))

function room(): { doc: Y.Doc; stored: Uint8Array[] } {
  const doc = new Y.Doc()
  doc.clientID = 100
  const stored: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => stored.push(u))
  doc.getText(WorkspaceRoot.explanation).insert(0, 'hello')
  const other = new Y.Doc()
  other.clientID = 5
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
  other.getText(WorkspaceRoot.explanation).insert(2, 'AB')
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(other))
  return { doc, stored }
}

/** Applies `update` to a room and returns its text and that of a replica of what it stored. */
function both(update: Uint8Array): { room: string; replica: string } {
  const { doc, stored } = room()
  Y.applyUpdate(doc, update)
  const replica = new Y.Doc()
  for (const u of stored) Y.applyUpdate(replica, u)
  return { room: doc.getText(WorkspaceRoot.explanation).toString(), replica: replica.getText(WorkspaceRoot.explanation).toString() }
}

test('an update whose right origin lies left of its origin is refused, or leaves the room where its replicas are', () => {
  // Positive control: the same two structs with the right origin just right of the origin ("d", 5:5).
  const honest = hex('02 01 05 02 44 64 00 04 61626364 01 64 05 c4 05 04 05 05 01 6d 00')
  assert.ok(checkUpdate(honest, room().doc, anyone, WORKSPACE_TEXTS).ok)
  assert.equal(both(honest), { room: 'abcmdheABllo', replica: 'abcmdheABllo' })
  const hostile = hex('02 01 05 02 44 64 00 04 61626364 01 64 05 c4 05 04 05 03 01 6d 00')
  const fast = checkPlainEdit(hostile, room().doc, { mayWrite: anyone }, 'u1', FORBIDDEN) !== null
  const full = checkUpdate(hostile, room().doc, anyone, WORKSPACE_TEXTS).ok
  if (fast || full) {
    const after = both(hostile)
    assert.is(after.room, after.replica, `accepted (fast ${fast}, full ${full}): the room and its replicas agree`)
  }
})

let server: TestServer | null = null
let dataDir = ''
const peers: Peer[] = []
const raws: RawSocket[] = []

test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  for (const r of raws.splice(0)) r.ws.terminate()
  await server?.stop()
  server = null
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  dataDir = ''
})

/** "abcd" of client `a` before `first`, then "m" of client `b` after a:2 ("c") and before a:`right`. */
function crossed(first: Y.ID, a: number, b: number, right: number): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 2)
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, a)
  encoding.writeVarUint(enc, 0)
  encoding.writeUint8(enc, 0x44) // a string with a right origin
  encoding.writeVarUint(enc, first.client)
  encoding.writeVarUint(enc, first.clock)
  encoding.writeVarString(enc, 'abcd')
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, b)
  encoding.writeVarUint(enc, 0)
  encoding.writeUint8(enc, 0xc4) // a string with both origins
  encoding.writeVarUint(enc, a)
  encoding.writeVarUint(enc, 2)
  encoding.writeVarUint(enc, a)
  encoding.writeVarUint(enc, right)
  encoding.writeVarString(enc, 'm')
  encoding.writeVarUint(enc, 0)
  return encoding.toUint8Array(enc)
}

test('through a real server, the room and its peers never disagree on a text after a crossed-origins update', async () => {
  dataDir = tempDir()
  server = await startServer({ dataDir })
  await importTasks(server, taskLine('t1'))
  const mallory = await createUser(server, 'Mallory', 'annotator')
  await assign(server, 't1', [mallory.id])
  const name = roomName.workspace('t1')
  const running = server
  const observer = connectPeer(running.wsUrl, name, running.leadToken)
  peers.push(observer)
  await waitFor(() => observer.provider.synced, 'the observer to sync')
  getWorkspace(observer.doc).explanation.insert(0, 'hello')
  const serverDoc = () => running.running.deps.rooms.peek(name)!.doc
  await waitFor(() => running.running.deps.rooms.peek(name) !== undefined && serverDoc().getText(WorkspaceRoot.explanation).toString().includes('hello'), 'the room to hold the text')
  const first = serverDoc().getText(WorkspaceRoot.explanation)._start!.id
  const sock = await rawSocket(running.wsUrl, name, mallory.token)
  raws.push(sock)
  // Positive control first: right origin 5:3 ("d"), just right of the origin 5:2 ("c").
  sock.ws.send(writeUpdateMessage(crossed(first, 5, 100, 3)))
  await waitFor(() => getWorkspace(observer.doc).explanation.toString().includes('abcmd'), 'the honest update at the observer')
  // The crossed one on fresh client ids: right origin 6:1 ("b"), left of the origin 6:2 ("c").
  const hostile = crossed(first, 6, 101, 1)
  sock.ws.send(writeUpdateMessage(hostile))
  await waitFor(() => Y.getState(serverDoc().store, 101) > 0 || sock.closed !== null, 'the room to judge the update')
  await waitFor(() => sock.closed !== null || getWorkspace(observer.doc).explanation.length === serverDoc().getText(WorkspaceRoot.explanation).length, 'the observer to catch up')
  assert.is(getWorkspace(observer.doc).explanation.toString(), serverDoc().getText(WorkspaceRoot.explanation).toString(), 'the room and the observer agree')
})

test.run()
