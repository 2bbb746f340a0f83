import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { createThread } from '../shared/comments'
import { MessageType, writeAwarenessMessage, writeAwarenessUpdate, writeUpdateMessage } from '../shared/protocol'
import { assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import { rawSocket } from './helpers/peer'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer, RawSocket } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import WebSocket from 'ws'

const test = suite('sync')
let server: TestServer
let peers: Peer[] = []
let raws: RawSocket[] = []
let ann: { id: string; token: string }
let ann2: { id: string; token: string }
let reviewer: { id: string; token: string }

test.before.each(async () => {
  server = await startServer()
  await importTasks(server, [taskLine('t1'), taskLine('t2')].join('\n'))
  ann = await createUser(server, 'Ann', 'annotator')
  ann2 = await createUser(server, 'Bob', 'annotator')
  reviewer = await createUser(server, 'Rita', 'reviewer')
  await assign(server, 't1', [ann.id, ann2.id])
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  for (const r of raws) r.ws.terminate()
  peers = []
  raws = []
  await server.stop()
})

const peer = (room: string, token: string) => {
  const p = connectPeer(server.wsUrl, room, token)
  peers.push(p)
  return p
}
const synced = (p: Peer) => waitFor(() => p.provider.synced, 'the provider to sync')

test('gives a stock WebsocketProvider the seeded workspace', async () => {
  const a = peer(roomName.workspace('t1'), ann.token)
  await synced(a)
  const ws = getWorkspace(a.doc)
  assert.equal(ws.ranking.toArray(), [], 'nobody has ranked anything yet')
  assert.is(ws.tests.toString(), 'def test_add():\n    assert add(1, 2) == 3\n')
  assert.equal([...ws.notes.keys()].sort(), ['a', 'b', 'c'])
})

test('relays an edit from one annotator to another', async () => {
  const a = peer(roomName.workspace('t1'), ann.token)
  const b = peer(roomName.workspace('t1'), ann2.token)
  await synced(a)
  await synced(b)
  getWorkspace(a.doc).explanation.insert(0, 'B is off by one')
  await waitFor(() => getWorkspace(b.doc).explanation.toString() === 'B is off by one', 'the edit at b')
})

test('keeps rooms apart', async () => {
  const a = peer(roomName.workspace('t1'), server.leadToken)
  const a2 = peer(roomName.workspace('t1'), ann.token)
  const b = peer(roomName.workspace('t2'), server.leadToken)
  const b2 = peer(roomName.workspace('t2'), server.leadToken)
  await Promise.all([a, a2, b, b2].map(synced))
  getWorkspace(a.doc).explanation.insert(0, 'only t1')
  await waitFor(() => getWorkspace(a2.doc).explanation.toString() === 'only t1', 'the edit in its own room (positive control)')
  // Relayed to t1 already; anything sent to b since would arrive before this later t2 marker.
  getWorkspace(b2.doc).solution.insert(0, 't2 marker')
  await waitFor(() => getWorkspace(b.doc).solution.toString() === 't2 marker', 'a later edit in the other room')
  assert.is(getWorkspace(b.doc).explanation.toString(), '')
})

test('drops updates from a reviewer and never relays or stores them', async () => {
  const a = peer(roomName.workspace('t1'), ann.token)
  const r = peer(roomName.workspace('t1'), reviewer.token)
  await synced(a)
  await synced(r)
  getWorkspace(r.doc).explanation.insert(0, 'reviewer was here')
  // The reviewer's presence, sent after its edit on the same socket: once the annotator sees it,
  // the room has handled the edit, and a relay of it would have come first.
  r.provider.awareness.setLocalStateField('view', 'after the edit')
  getWorkspace(a.doc).solution.insert(0, 'marker')
  await waitFor(() => getWorkspace(r.doc).solution.toString() === 'marker', 'the annotator edit at the reviewer')
  await waitFor(() => (a.provider.awareness.getStates().get(r.doc.clientID) as any)?.view === 'after the edit', 'the reviewer’s later presence at the annotator')
  assert.is(getWorkspace(a.doc).explanation.toString(), '')
  // A fresh peer sees what the server holds: no reviewer text.
  const c = peer(roomName.workspace('t1'), server.leadToken)
  await synced(c)
  assert.is(getWorkspace(c.doc).explanation.toString(), '')
  assert.is(getWorkspace(c.doc).solution.toString(), 'marker')
})

test('answers a read-only connection with the document but ignores its sync step 2', async () => {
  const a = peer(roomName.workspace('t1'), ann.token)
  await synced(a)
  const doc = new Y.Doc()
  getWorkspace(doc).explanation.insert(0, 'smuggled')
  const sock = await rawSocket(server.wsUrl, roomName.workspace('t1'), reviewer.token)
  raws.push(sock)
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 0)
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint8Array(enc, Y.encodeStateAsUpdate(doc))
  sock.ws.send(encoding.toUint8Array(enc))
  sock.ws.send(writeUpdateMessage(Y.encodeStateAsUpdate(doc)))
  // Presence sent after both writes on the same socket: when it reaches the annotator, the room
  // has handled the writes, and a relay of them would have come first (positive control: it relays).
  sock.ws.send(writeAwarenessMessage(writeAwarenessUpdate([{ clientID: 4343, clock: 1, state: '{"view":"after"}' }])))
  await waitFor(() => (a.provider.awareness.getStates().get(4343) as any)?.view === 'after', 'the reviewer’s later presence')
  assert.is(getWorkspace(a.doc).explanation.toString(), '')
  assert.ok(sock.messages.some((m) => m[0] === MessageType.sync), 'the reviewer was answered with the document')
  assert.is(sock.closed, null, 'the reviewer stays connected')
})

test('lets a reviewer write comments', async () => {
  const r = peer(roomName.comments('t1'), reviewer.token)
  const a = peer(roomName.comments('t1'), ann.token)
  await synced(r)
  await synced(a)
  createThread(r.doc, { anchor: { kind: 'task' }, quote: '', author: reviewer.id, body: 'why is B ranked first?' }, null)
  await waitFor(() => a.doc.getArray('threads').length === 1, 'the comment at the annotator')
})

test('refuses writes to the meta room from everyone, the lead included', async () => {
  const l = peer(roomName.meta('t1'), server.leadToken)
  await synced(l)
  l.doc.getMap('meta').set('status', 'finalized')
  // The lead's presence, sent after the write on the same socket: once another peer sees it, the
  // room has handled the write, and a relay of it would have come first (positive control: it relays).
  l.provider.awareness.setLocalStateField('view', 'after the write')
  const other = peer(roomName.meta('t1'), ann.token)
  await synced(other)
  await waitFor(() => (other.provider.awareness.getStates().get(l.doc.clientID) as any)?.view === 'after the write', 'the lead’s later presence')
  assert.is(other.doc.getMap('meta').get('status'), 'open')
  assert.equal(other.doc.getMap('meta').get('assignees'), [ann.id, ann2.id])
})

test('stamps presence with the signed-in user and refuses to speak for another client', async () => {
  const a = peer(roomName.workspace('t1'), ann.token)
  const b = peer(roomName.workspace('t1'), ann2.token)
  await synced(a)
  await synced(b)
  // y-protocols ignores a first state at clock 0, so clients set a field before they show up.
  b.provider.awareness.setLocalStateField('view', 'explanation')
  a.provider.awareness.setLocalStateField('user', { name: 'Mallory', color: 'red;background:url(x)' })
  await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as any)?.user?.name === 'Ann', 'the stamped name at b')
  const user = (b.provider.awareness.getStates().get(a.doc.clientID) as any).user
  assert.is(user.id, ann.id)
  assert.ok(/^#[0-9a-f]{6}$/.test(user.color))
  // A raw socket claiming b's clientID cannot overwrite b's presence.
  const sock = await rawSocket(server.wsUrl, roomName.workspace('t1'), ann.token)
  raws.push(sock)
  sock.ws.send(writeAwarenessMessage(writeAwarenessUpdate([{ clientID: 4242, clock: 1, state: '{}' }])))
  sock.ws.send(writeAwarenessMessage(writeAwarenessUpdate([{ clientID: b.doc.clientID, clock: 999, state: '{"user":{"name":"Evil"}}' }])))
  // The raw socket's own id, sent after the spoof: once a sees it, the spoof was handled.
  sock.ws.send(writeAwarenessMessage(writeAwarenessUpdate([{ clientID: 4242, clock: 2, state: '{"view":"after"}' }])))
  await waitFor(() => (a.provider.awareness.getStates().get(4242) as any)?.view === 'after', 'the raw socket’s later state at a')
  assert.is((a.provider.awareness.getStates().get(b.doc.clientID) as any)?.user?.name, 'Bob')
})

test('echoes presence to its sender so an idle client stays connected', async () => {
  const sock = await rawSocket(server.wsUrl, roomName.workspace('t1'), ann.token)
  raws.push(sock)
  sock.ws.send(writeAwarenessMessage(writeAwarenessUpdate([{ clientID: 77, clock: 1, state: '{"cursor":null}' }])))
  await waitFor(() => sock.messages.some((m) => m[0] === MessageType.awareness), 'an awareness message back')
})

test('removes the presence of a client that disconnects', async () => {
  const a = peer(roomName.workspace('t1'), ann.token)
  const b = peer(roomName.workspace('t1'), ann2.token)
  await synced(a)
  await synced(b)
  b.provider.awareness.setLocalStateField('view', 'tests')
  await waitFor(() => a.provider.awareness.getStates().has(b.doc.clientID), 'b present at a')
  b.provider.disconnect()
  await waitFor(() => !a.provider.awareness.getStates().has(b.doc.clientID), 'b gone at a')
})

test('closes a connection that stops answering pings and keeps the ones that answer', async () => {
  const pinging = await startServer({ config: { pingIntervalMs: 100 } })
  try {
    await importTasks(pinging, taskLine('t1'))
    const url = `${pinging.wsUrl}/${encodeURIComponent(roomName.workspace('t1'))}?token=${pinging.leadToken}`
    const open = (autoPong: boolean) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url, { autoPong })
        ws.on('open', () => resolve(ws))
        ws.on('error', reject)
      })
    const answering = await open(true)
    const silent = await open(false)
    let pings = 0
    silent.on('ping', () => pings++)
    let answered = 0
    answering.on('ping', () => answered++)
    const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)))
    await waitFor(() => silent.readyState === WebSocket.CLOSED, 'the silent connection to be closed', 3_000)
    assert.ok(pings >= 1, 'it was pinged first')
    assert.is(await closed, 1006, 'terminated, not closed politely: it is not listening')
    // Three more ping rounds after the silent one went: each would have closed a silent socket.
    const seen = answered
    await waitFor(() => answered >= seen + 3 || answering.readyState !== WebSocket.OPEN, 'three more pings to the answering connection', 3_000)
    assert.is(answering.readyState, WebSocket.OPEN)
    answering.terminate()
  } finally {
    await pinging.stop()
  }
})

test('brings every client that joins a large room while someone types to the same document', async () => {
  const writer = peer(roomName.workspace('t1'), server.leadToken)
  await synced(writer)
  const text = getWorkspace(writer.doc).explanation
  for (let i = 0; i < 4; i++) text.insert(text.length, `${'lorem ipsum '.repeat(5_000)}\n`)
  const joiners: Peer[] = []
  for (let i = 0; i < 8; i++) {
    text.insert(text.length, `edit ${i} `)
    const joiner = peer(roomName.workspace('t1'), server.leadToken)
    joiners.push(joiner)
    // the next edit comes once this joiner is connected, so joins and edits interleave
    await waitFor(() => joiner.provider.wsconnected, `joiner ${i} connected`)
  }
  text.insert(0, 'last edit ')
  const want = () => text.toString()
  await waitFor(
    () => joiners.every((j) => j.provider.synced && getWorkspace(j.doc).explanation.toString() === want()),
    'every joiner to converge',
    10_000,
  )
  assert.ok(want().length > 240_000)
})

test.run()
