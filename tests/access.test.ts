/** Live access: assignments, roles and task status reach connections that are already open. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { onPermissionDenied } from '../client/sync/permissionDenied'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('access')
let server: TestServer
let peers: Peer[] = []
let ann: { id: string; token: string }
let ann2: { id: string; token: string }

test.before.each(async () => {
  server = await startServer()
  await importTasks(server, [taskLine('t1'), taskLine('t2')].join('\n'))
  ann = await createUser(server, 'Ann', 'annotator')
  ann2 = await createUser(server, 'Bob', 'annotator')
  await assign(server, 't1', [ann.id, ann2.id])
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
})

/** A stock provider that also records the permission-denied reasons it is told. */
const peer = (room: string, token: string) => {
  const p = connectPeer(server.wsUrl, room, token)
  const denied: string[] = []
  onPermissionDenied(p.provider, (reason) => denied.push(reason))
  peers.push(p)
  return Object.assign(p, { denied })
}
const synced = (p: Peer) => waitFor(() => p.provider.synced, 'the provider to sync')
const text = (p: Peer) => getWorkspace(p.doc).explanation.toString()
/** The server's own copy of a room's explanation: what is stored and handed to joiners. */
const stored = async (room: string) => getWorkspace((await server.running.deps.rooms.open(room)).doc).explanation.toString()
/** Sets a presence field after an edit: once others see it, the server has handled the edit. */
const mark = (p: Peer, value: string) => p.provider.awareness.setLocalStateField('mark', value)
const sawMark = (p: Peer, from: Peer, value: string) =>
  waitFor(() => p.provider.awareness.getStates().get(from.doc.clientID)?.mark === value, `the mark "${value}"`)
const connFor = (userId: string, room: string) =>
  [...server.running.deps.connections].find((c) => c.user.id === userId && c.room && roomName.workspace(c.room.taskId) === room && c.room.kind === 'workspace')

test('closes the workspace of an annotator unassigned while typing with 4403, and still relays the other annotator', async () => {
  const room = roomName.workspace('t1')
  const a = peer(room, ann.token)
  const b = peer(room, ann2.token)
  const lead = peer(room, server.leadToken)
  await Promise.all([synced(a), synced(b), synced(lead)])
  getWorkspace(a.doc).explanation.insert(0, 'typed while assigned.')
  await waitFor(() => text(b) === 'typed while assigned.', 'the first keystrokes at b')

  await assign(server, 't1', [ann2.id])
  // The room table (docs/protocol.md#who-may-open-which-room): an unassigned annotator may not even read the workspace.
  await waitFor(() => a.closes.some((c) => c.code === 4403), 'the 4403 close at the unassigned annotator')
  getWorkspace(a.doc).explanation.insert(text(a).length, ' AFTER')
  // Positive control: the annotator who is still assigned reaches everyone.
  getWorkspace(b.doc).solution.insert(0, 'still relayed')
  await waitFor(() => getWorkspace(lead.doc).solution.toString() === 'still relayed', 'b edit at the lead')
  const late = peer(room, server.leadToken)
  await synced(late)
  assert.is(getWorkspace(late.doc).solution.toString(), 'still relayed')
  assert.is(text(late), 'typed while assigned.', 'the server never stored the keystroke')
  assert.is(text(lead), 'typed while assigned.', 'the lead never got it')
  assert.is(text(b), 'typed while assigned.', 'the other annotator never got it')
  assert.is(await stored(room), 'typed while assigned.')
  assert.not.ok(a.provider.wsconnected, 'a stock provider does not reconnect after 4403')
  assert.equal(b.closes, [], 'the assigned annotator stays connected')
})

test('drops the writes of a connection downgraded to read and tells it why, once', async () => {
  const room = roomName.workspace('t1')
  const rev = await createUser(server, 'Rita', 'reviewer')
  const promoted = await createUser(server, 'Lena', 'lead')
  const l = peer(room, promoted.token)
  const watcher = peer(room, rev.token)
  await Promise.all([synced(l), synced(watcher)])
  getWorkspace(l.doc).explanation.insert(0, 'as a lead.')
  await waitFor(() => text(watcher) === 'as a lead.', 'the lead edit at the reviewer')

  const res = await api(server, server.leadToken, 'PATCH', `/api/users/${promoted.id}`, { role: 'reviewer' })
  assert.is(res.status, 200, JSON.stringify(res.body))
  await waitFor(() => l.denied.length === 1, 'the permission-denied message')
  assert.match(l.denied[0], /role/)
  getWorkspace(l.doc).explanation.insert(0, 'DROPPED ')
  getWorkspace(l.doc).explanation.insert(0, 'AGAIN ')
  mark(l, 'after the writes')
  await sawMark(watcher, l, 'after the writes')
  assert.is(text(watcher), 'as a lead.', 'the dropped writes reached nobody')
  assert.is(await stored(room), 'as a lead.', 'and were not stored')
  assert.is(l.denied.length, 1, 'told once')
  assert.equal(l.closes, [], 'a reviewer still reads')
  // Positive control: someone who may write still reaches the downgraded reader.
  const lead = peer(room, server.leadToken)
  await synced(lead)
  getWorkspace(lead.doc).solution.insert(0, 'from the lead')
  await waitFor(() => getWorkspace(l.doc).solution.toString() === 'from the lead', 'the lead edit at the reader')
})

test('upgrades a read connection to write on the same socket when a reviewer becomes a lead', async () => {
  const room = roomName.workspace('t1')
  const rev = await createUser(server, 'Rita', 'reviewer')
  const r = peer(room, rev.token)
  const lead = peer(room, server.leadToken)
  await Promise.all([synced(r), synced(lead)])
  assert.is(connFor(rev.id, room)?.access, 'read')
  const before = connFor(rev.id, room)

  const res = await api(server, server.leadToken, 'PATCH', `/api/users/${rev.id}`, { role: 'lead' })
  assert.is(res.status, 200)
  assert.is(connFor(rev.id, room), before, 'the same connection')
  assert.is(before?.access, 'write')
  getWorkspace(r.doc).solution.insert(0, 'kept')
  await waitFor(() => getWorkspace(lead.doc).solution.toString() === 'kept', 'the edit after the promotion at the lead')
  assert.equal(r.closes, [], 'never reconnected')
  assert.equal(r.denied, [], 'never told it was read-only: it never wrote')
})

test('resyncs a reader that wrote while read-only when it gains write: its later edits land, what it typed while read-only never does', async () => {
  const room = roomName.workspace('t1')
  const rev = await createUser(server, 'Rita', 'reviewer')
  const r = peer(room, rev.token)
  const lead = peer(room, server.leadToken)
  await Promise.all([synced(r), synced(lead)])
  getWorkspace(r.doc).explanation.insert(0, 'typed while read-only. ')
  await waitFor(() => r.denied.length === 1, 'the permission-denied message')
  assert.match(r.denied[0], /role can only read/)
  mark(r, 'read-only edit sent')
  await sawMark(lead, r, 'read-only edit sent')
  assert.is(text(lead), '', 'dropped while read-only')

  const res = await api(server, server.leadToken, 'PATCH', `/api/users/${rev.id}`, { role: 'lead' })
  assert.is(res.status, 200)
  // The client reconnects and its sync step 2 carries the dropped edit again: the room sealed it.
  await waitFor(() => r.closes.some((c) => c.code === 1012), 'the reconnect request')
  await waitFor(() => r.provider.synced && r.provider.wsconnected, 'the resync')
  getWorkspace(r.doc).solution.insert(0, 'kept')
  await waitFor(() => getWorkspace(lead.doc).solution.toString() === 'kept', 'the edit after the promotion at the lead')
  assert.is(text(lead), '', 'what the room refused never lands later')
})

test('closes an unassigned annotator ballot with 4403 and keeps the other annotator ballot open', async () => {
  const mine = peer(roomName.ballot('t1', ann.id), ann.token)
  const theirs = peer(roomName.ballot('t1', ann2.id), ann2.token)
  const leadView = peer(roomName.ballot('t1', ann2.id), server.leadToken)
  await Promise.all([synced(mine), synced(theirs), synced(leadView)])
  await assign(server, 't1', [ann2.id])
  await waitFor(() => mine.closes.some((c) => c.code === 4403), 'the 4403 close of the ballot')
  theirs.doc.getMap('ratings').set('x', 1)
  await waitFor(() => leadView.doc.getMap('ratings').get('x') === 1, 'the assigned annotator ballot edit at the lead')
  assert.equal(theirs.closes, [], 'the assigned annotator keeps their ballot')
})

test('gives open connections the new role at once when the lead changes it', async () => {
  const room = roomName.workspace('t1')
  const a = peer(room, ann.token)
  const ballot = peer(roomName.ballot('t1', ann.id), ann.token)
  const lead = peer(room, server.leadToken)
  await Promise.all([synced(a), synced(ballot), synced(lead)])

  const res = await api(server, server.leadToken, 'PATCH', `/api/users/${ann.id}`, { role: 'reviewer' })
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.is(res.body.role, 'reviewer')
  await waitFor(() => ballot.closes.some((c) => c.code === 4403), 'the ballot closing: reviewers have none')
  await waitFor(() => a.denied.length === 1, 'the workspace turning read-only')
  assert.match(a.denied[0], /role/)
  assert.equal(a.closes, [], 'a reviewer still reads the workspace')
  const task = await api(server, server.leadToken, 'GET', '/api/tasks/t1')
  assert.equal(task.body.assignees, [ann2.id], 'a reviewer is assigned to nothing')

  getWorkspace(a.doc).explanation.insert(0, 'as a reviewer')
  getWorkspace(lead.doc).solution.insert(0, 'lead edit')
  mark(a, 'sent')
  await sawMark(lead, a, 'sent')
  await waitFor(() => getWorkspace(a.doc).solution.toString() === 'lead edit', 'the lead edit at the reviewer')
  assert.is(text(lead), '')
  const self = await api(server, server.leadToken, 'GET', '/api/me')
  const refused = await api(server, server.leadToken, 'PATCH', `/api/users/${self.body.id}`, { role: 'annotator' })
  assert.is(refused.status, 409)
  assert.match(refused.body.error, /your own role/)
})

test('makes every room of a task read-only when its status changes to finalized, and writable when reopened', async () => {
  const room = roomName.workspace('t1')
  const lead = peer(room, server.leadToken)
  const a = peer(room, ann.token)
  const other = peer(roomName.workspace('t2'), server.leadToken)
  await Promise.all([synced(lead), synced(a), synced(other)])
  const { db, access } = server.running.deps
  await db.updateTask('t1', (t) => void (t.status = 'finalized'))
  access.refresh({ taskId: 't1' })
  await waitFor(() => lead.denied.length === 1 && a.denied.length === 1, 'both told the task is read-only')
  assert.match(lead.denied[0], /finalized/)
  assert.equal(other.denied, [], 'another task is untouched')
  getWorkspace(lead.doc).explanation.insert(0, 'too late')
  getWorkspace(other.doc).explanation.insert(0, 'other task')
  mark(lead, 'sent')
  await sawMark(a, lead, 'sent')
  assert.is(text(a), '')
  assert.is(await stored(roomName.workspace('t2')), 'other task', 'the other task still takes writes')

  await db.updateTask('t1', (t) => void (t.status = 'in_progress'))
  access.refresh({ taskId: 't1' })
  getWorkspace(a.doc).solution.insert(0, 'reopened')
  await waitFor(() => getWorkspace(lead.doc).solution.toString() === 'reopened', 'an edit after reopening')
})

test.run()
