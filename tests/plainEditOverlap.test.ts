/**
 * A string struct that starts inside what the room already holds of its client and runs past it.
 * Yjs integrates only the new part, linked right after the room's last struct of that client (its
 * origin becomes that struct), whatever parent the bytes name; every replica that applies the
 * room's re-encoded update puts it where that struct sits, with that struct's map key. The checks
 * place it by the parent the bytes name. When the room's last struct of an unclaimed client id (the
 * server's own: it writes `runs`) is a run, a "keystroke into `explanation`" replaces that run.
 *
 * The bytes (V1), for the server's client S whose last struct is `runs.c0` at clock n-1:
 *   01 01 <S> <n-1>  04 01 0b "explanation" 02 "xy"  00
 * one client, one struct, client S, clock n-1; info 0x04 (a string, no origins), parent by root
 * name `explanation`; content "xy" (two clocks: n-1 held, n new); an empty delete set.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import fs from 'node:fs'
import { getWorkspace, WorkspaceRoot } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { writeUpdateMessage } from '../shared/protocol'
import { WORKSPACE_TEXTS, checkUpdate } from '../server/sync/updateIntegrity'
import { UpdateView } from '../server/sync/updateView'
import { SERVER_ROOTS, workspaceRules } from '../server/sync/writeRules'
import { checkPlainEdit } from '../server/sync/plainEdit'
import { assign, createUser, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer, rawSocket } from './helpers/peer'
import type { Peer, RawSocket } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('plain edit: structs overlapping what the room holds')
const FORBIDDEN: ReadonlySet<string> = new Set(SERVER_ROOTS)
const WRITER = { id: 'u1', role: 'annotator' }
const anyone = () => true

/** One string struct of `client` at `clock` under root `parent`, no origins, no deletes (V1). */
function overlapping(client: number, clock: number, parent: string, str: string): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 1) // one client
  encoding.writeVarUint(enc, 1) // one struct
  encoding.writeVarUint(enc, client)
  encoding.writeVarUint(enc, clock)
  encoding.writeUint8(enc, 0x04) // ContentString, neither origin: the parent follows
  encoding.writeVarUint(enc, 1) // parent given by root name
  encoding.writeVarString(enc, parent)
  encoding.writeVarString(enc, str)
  encoding.writeVarUint(enc, 0) // empty delete set
  return encoding.toUint8Array(enc)
}

/** Whether the full path (integrity check, then the workspace rules) accepts `update`. */
function fullAccepts(update: Uint8Array, room: Y.Doc): boolean {
  const verdict = checkUpdate(update, room, anyone, WORKSPACE_TEXTS)
  if (!verdict.ok) return false
  return workspaceRules.check(new UpdateView(room, verdict.decoded.structs, verdict.decoded.ds), WRITER) === null
}

/** A room whose server client wrote a text and then, last, the run `c0`; its updates as stored. */
function roomWithRun(): { room: Y.Doc; stored: Uint8Array[]; server: number } {
  const room = new Y.Doc()
  const stored: Uint8Array[] = []
  room.on('update', (u: Uint8Array) => stored.push(u))
  const server = room.clientID
  room.getText(WorkspaceRoot.explanation).insert(0, 'hello')
  room.getMap(WorkspaceRoot.runs).set('c0', { status: 'fail' })
  return { room, stored, server }
}

test('a struct overlapping the room\'s last struct of its client is not accepted by the fast path', () => {
  const { room, server } = roomWithRun()
  const n = Y.getState(room.store, server)
  // Positive control: the same string at the client's next clock is a plain keystroke.
  assert.equal(checkPlainEdit(overlapping(server, n, WorkspaceRoot.explanation, 'y'), room, { mayWrite: anyone }, 'u1', FORBIDDEN), [server])
  const attack = overlapping(server, n - 1, WorkspaceRoot.explanation, 'xy')
  assert.is(checkPlainEdit(attack, room, { mayWrite: anyone }, 'u1', FORBIDDEN), null, 'the overlap takes the full path')
})

test('the full path refuses a "keystroke into explanation" that overlaps the server\'s last run struct', () => {
  const { room, server } = roomWithRun()
  const n = Y.getState(room.store, server)
  // Positive control: the same string at the client's next clock is one more character of the text.
  assert.ok(fullAccepts(overlapping(server, n, WorkspaceRoot.explanation, 'y'), room), 'the next clock is accepted')
  assert.not.ok(fullAccepts(overlapping(server, n - 1, WorkspaceRoot.explanation, 'xy'), room), 'the overlap is refused')
})

test('an overlapping struct whose held part sits where its bytes say is accepted, and every replica ends where the room does', () => {
  const room = new Y.Doc()
  const stored: Uint8Array[] = []
  room.on('update', (u: Uint8Array) => stored.push(u))
  const server = room.clientID
  room.getMap(WorkspaceRoot.runs).set('c0', { status: 'fail' })
  room.getText(WorkspaceRoot.explanation).insert(0, 'hello')
  const n = Y.getState(room.store, server)
  const twin = overlapping(server, n - 1, WorkspaceRoot.explanation, 'oX')
  assert.ok(fullAccepts(twin, room), 'a resent last character plus one new one')
  Y.applyUpdate(room, twin)
  const replica = new Y.Doc()
  for (const u of stored) Y.applyUpdate(replica, u)
  const explanation = room.getText(WorkspaceRoot.explanation)
  assert.is(explanation.toString(), 'helloX')
  assert.is(explanation.length, 6, 'the room\'s text counts what it holds')
  assert.is(replica.getText(WorkspaceRoot.explanation).toString(), 'helloX')
  assert.equal(replica.getMap(WorkspaceRoot.runs).toJSON(), { c0: { status: 'fail' } })
})

/** One string struct of `client` at `clock` after `origin`, no deletes (V1). */
function overlappingAfter(client: number, clock: number, origin: Y.ID, str: string): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, client)
  encoding.writeVarUint(enc, clock)
  encoding.writeUint8(enc, 0x84) // ContentString after an origin
  encoding.writeVarUint(enc, origin.client)
  encoding.writeVarUint(enc, origin.clock)
  encoding.writeVarString(enc, str)
  encoding.writeVarUint(enc, 0)
  return encoding.toUint8Array(enc)
}

test('the full path refuses an overlap whose held part is a text but whose origin is the server\'s run', () => {
  // Yjs takes the parent and map key from the origin (runs, `c0`) and links the new part after
  // the held character: in the room itself the string becomes runs.c0 and the character is deleted.
  const room = new Y.Doc()
  const server = room.clientID
  room.getMap(WorkspaceRoot.runs).set('c0', { status: 'fail' })
  room.getText(WorkspaceRoot.explanation).insert(0, 'hello')
  const n = Y.getState(room.store, server)
  const run = Y.createID(server, 0)
  // Positive control: the same overlap after the text's own last character is accepted.
  assert.ok(fullAccepts(overlappingAfter(server, n - 1, Y.createID(server, n - 2), 'oX'), room), 'an honest overlap')
  const hostile = overlappingAfter(server, n - 1, run, 'oX')
  const accepted = fullAccepts(hostile, room)
  if (accepted) Y.applyUpdate(room, hostile)
  assert.equal(room.getMap(WorkspaceRoot.runs).toJSON(), { c0: { status: 'fail' } }, 'the run stays')
  assert.not.ok(accepted, 'refused')
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

test('through a real server, an annotator\'s raw overlapping keystroke never replaces the server\'s run', async () => {
  dataDir = tempDir()
  server = await startServer({ dataDir })
  await importTasks(server, taskLine('t1'))
  const mallory = await createUser(server, 'Mallory', 'annotator')
  await assign(server, 't1', [mallory.id])
  const room = roomName.workspace('t1')
  const running = server
  await running.running.deps.rooms.transact(room, (doc) => {
    getWorkspace(doc).runs.set('c0', { status: 'fail' } as never)
  })
  const observer = connectPeer(running.wsUrl, room, running.leadToken)
  peers.push(observer)
  await waitFor(() => observer.provider.synced && getWorkspace(observer.doc).runs.has('c0'), 'the observer to see the run')
  const serverDoc = running.running.deps.rooms.peek(room)!.doc
  const runItem = serverDoc.getMap(WorkspaceRoot.runs)._map.get('c0')!
  const client = runItem.id.client
  const n = Y.getState(serverDoc.store, client)
  assert.is(runItem.id.clock, n - 1, 'the run is the last struct of the server\'s client')

  const sock = await rawSocket(running.wsUrl, room, mallory.token)
  raws.push(sock)
  sock.ws.send(writeUpdateMessage(overlapping(client, n - 1, WorkspaceRoot.explanation, 'xy')))
  // Judged once the room holds clock n of that client (applied, or sealed when refused) or closed.
  await waitFor(() => Y.getState(serverDoc.store, client) > n || sock.closed !== null, 'the room to judge the update')
  // Positive control: an honest keystroke after it, from a client id of Mallory's own, reaches the observer.
  const honest = await rawSocket(running.wsUrl, room, mallory.token)
  raws.push(honest)
  honest.ws.send(writeUpdateMessage(overlapping(4242, 0, WorkspaceRoot.explanation, 'Q')))
  await waitFor(() => getWorkspace(observer.doc).explanation.toString().includes('Q'), 'the honest keystroke')
  assert.equal(getWorkspace(observer.doc).runs.toJSON(), { c0: { status: 'fail' } }, 'the observer keeps the server\'s run')
  assert.equal(serverDoc.getMap(WorkspaceRoot.runs).toJSON(), { c0: { status: 'fail' } }, 'the room keeps the server\'s run')
})

test.run()
