/** Presence claims: bytes-counted limits, one client id per connection, ids kept per user. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { writeAwarenessMessage, writeAwarenessUpdate, writeUpdateMessage } from '../shared/protocol'
import { MAX_AWARENESS_STATE_BYTES } from '../server/config'
import { assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer, rawSocket } from './helpers/peer'
import type { Peer, RawSocket } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('room presence')
let server: TestServer
let peers: Peer[] = []
let raws: RawSocket[] = []
let ann: { id: string; token: string }
let bob: { id: string; token: string }
let observer: Peer
const room = roomName.workspace('t1')

test.before.each(async () => {
  server = await startServer()
  await importTasks(server, taskLine('t1'))
  ann = await createUser(server, 'Ann', 'annotator')
  bob = await createUser(server, 'Bob', 'annotator')
  await assign(server, 't1', [ann.id, bob.id])
  observer = connectPeer(server.wsUrl, room, server.leadToken)
  peers.push(observer)
  await waitFor(() => observer.provider.synced, 'the observer synced')
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  for (const r of raws) r.ws.terminate()
  peers = []
  raws = []
  await server.stop()
})

const raw = async (token: string) => {
  const r = await rawSocket(server.wsUrl, room, token)
  raws.push(r)
  return r
}
let clock = 1
const say = (sock: RawSocket, clientID: number, state: Record<string, unknown>) =>
  sock.ws.send(writeAwarenessMessage(writeAwarenessUpdate([{ clientID, clock: clock++, state: JSON.stringify(state) }])))
const seenAs = (clientID: number) => observer.provider.awareness.getStates().get(clientID) as { user?: { id: string }; tag?: string } | undefined
/** Waits for a marker state from another client, so everything sent before it was handled. */
const roundTrip = async (sock: RawSocket, clientID: number, tag: string) => {
  say(sock, clientID, { tag })
  await waitFor(() => seenAs(clientID)?.tag === tag, `the marker ${tag}`)
}

test('counts the presence size limit in bytes, not characters', async () => {
  const sock = await raw(ann.token)
  const emoji = '😀'.repeat(Math.floor(MAX_AWARENESS_STATE_BYTES / 3)) // fewer characters than the limit, more bytes
  assert.ok(emoji.length < MAX_AWARENESS_STATE_BYTES)
  say(sock, 501, { tag: 'too big', pad: emoji })
  const small = '😀'.repeat(100)
  const other = await raw(bob.token)
  await roundTrip(other, 502, 'marker')
  assert.is(seenAs(501), undefined, 'the multi-byte state over the limit was dropped')
  say(sock, 501, { tag: 'small', pad: small })
  await waitFor(() => seenAs(501)?.tag === 'small', 'a state under the limit (positive control)')
})

test('keeps a client id for the user who used it, and lets that user take it back on reconnect', async () => {
  const first = await raw(ann.token)
  say(first, 600, { tag: 'ann 1' })
  await waitFor(() => seenAs(600)?.tag === 'ann 1', 'ann’s state')
  assert.is(seenAs(600)?.user?.id, ann.id)

  // a reconnect by the same user while the old socket is still open takes the id back
  const second = await raw(ann.token)
  say(second, 600, { tag: 'ann 2' })
  await waitFor(() => seenAs(600)?.tag === 'ann 2', 'the reconnect’s state')
  say(first, 600, { tag: 'stale' })
  const bobSock = await raw(bob.token)
  await roundTrip(bobSock, 700, 'bob marker')
  assert.is(seenAs(600)?.tag, 'ann 2', 'the stale connection no longer speaks for the id')

  // another user cannot claim it, not even after ann's connections close
  second.ws.close()
  first.ws.close()
  await waitFor(() => seenAs(600) === undefined, 'ann’s presence released on close')
  const thief = await raw(bob.token)
  say(thief, 600, { tag: 'bob took it' })
  await roundTrip(bobSock, 700, 'bob marker 2')
  assert.is(seenAs(600), undefined, 'bob cannot speak for ann’s client id')
  const back = await raw(ann.token)
  say(back, 600, { tag: 'ann back' })
  await waitFor(() => seenAs(600)?.tag === 'ann back', 'ann takes her id back (positive control)')
})

test('refuses presence for a client id another user edits with', async () => {
  const writer = await raw(ann.token)
  const doc = new Y.Doc()
  doc.clientID = 9090
  getWorkspace(doc).explanation.insert(0, 'ann edits as 9090')
  writer.ws.send(writeUpdateMessage(Y.encodeStateAsUpdate(doc)))
  await waitFor(() => getWorkspace(observer.doc).explanation.length > 0, 'ann’s edit')
  const thief = await raw(bob.token)
  say(thief, 9090, { tag: 'bob as 9090' })
  say(thief, 9091, { tag: 'bob as himself' })
  await waitFor(() => seenAs(9091)?.tag === 'bob as himself', 'bob’s own id (positive control)')
  assert.is(seenAs(9090), undefined)
})

test.run()
