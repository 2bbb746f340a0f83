/** Removing users and rotating tokens: the old credential stops working at once, HTTP and sockets. */
import fs from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('access users')
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
  await assign(server, 't2', [ann.id])
})
/** Directories of restarted servers, which their second `startServer` does not own. */
const restartedDirs: string[] = []
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
  for (const dir of restartedDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

const peer = (room: string, token: string) => {
  const p = connectPeer(server.wsUrl, room, token)
  peers.push(p)
  return p
}
const synced = (p: Peer) => waitFor(() => p.provider.synced, 'the provider to sync')
const closedWith = (p: Peer, code: number, what: string) => waitFor(() => p.closes.some((c) => c.code === code), what)

test('closes every socket of a rotated token with 4401, and the new token works over HTTP and WebSocket', async () => {
  const workspace = peer(roomName.workspace('t1'), ann.token)
  const comments = peer(roomName.comments('t2'), ann.token)
  const other = peer(roomName.workspace('t1'), ann2.token)
  await Promise.all([synced(workspace), synced(comments), synced(other)])

  const res = await api(server, server.leadToken, 'POST', `/api/users/${ann.id}/token`)
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.is(res.body.id, ann.id)
  assert.match(res.body.token, /^cj_/)
  assert.is.not(res.body.token, ann.token)
  await closedWith(workspace, 4401, 'the workspace socket closing with 4401')
  await closedWith(comments, 4401, 'the comments socket closing with 4401')
  assert.not.ok(workspace.provider.wsconnected, 'a stock provider does not reconnect after 4401')

  assert.is((await api(server, ann.token, 'GET', '/api/me')).status, 401, 'the old token fails over HTTP')
  const refused = peer(roomName.workspace('t1'), ann.token)
  await closedWith(refused, 4401, 'a new socket with the old token refused')
  const me = await api(server, res.body.token, 'GET', '/api/me')
  assert.is(me.status, 200)
  assert.is(me.body.id, ann.id)
  const renewed = peer(roomName.workspace('t1'), res.body.token)
  await synced(renewed)
  getWorkspace(renewed.doc).explanation.insert(0, 'with the new token')
  await waitFor(() => getWorkspace(other.doc).explanation.toString() === 'with the new token', 'the new token edit at Bob')
  // Another change to the same user re-checks the new socket and keeps it.
  server.running.deps.access.refresh({ userId: ann.id })
  getWorkspace(renewed.doc).solution.insert(0, 'still open')
  await waitFor(() => getWorkspace(other.doc).solution.toString() === 'still open', 'an edit after the re-check')
  assert.equal(renewed.closes, [])
  assert.equal(other.closes, [], 'other users keep their sockets')
})

test('closes every socket of a removed user with 4401 and takes them off every task', async () => {
  const workspace = peer(roomName.workspace('t1'), ann.token)
  const other = peer(roomName.workspace('t1'), ann2.token)
  const lead = peer(roomName.meta('t1'), server.leadToken)
  await Promise.all([synced(workspace), synced(other), synced(lead)])

  const res = await api(server, server.leadToken, 'DELETE', `/api/users/${ann.id}`)
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.is(res.body.removed.id, ann.id)
  await closedWith(workspace, 4401, 'the removed user socket closing with 4401')
  assert.is((await api(server, ann.token, 'GET', '/api/me')).status, 401)
  const list = await api(server, server.leadToken, 'GET', '/api/users')
  assert.not.ok(list.body.users.some((u: { id: string }) => u.id === ann.id), 'gone from the list')
  assert.equal((await api(server, server.leadToken, 'GET', '/api/tasks/t1')).body.assignees, [ann2.id])
  assert.equal((await api(server, server.leadToken, 'GET', '/api/tasks/t2')).body.assignees, [])
  await waitFor(
    () => JSON.stringify(lead.doc.getMap('meta').get('assignees')) === JSON.stringify([ann2.id]),
    'the meta room showing the new assignees',
  )
  // Positive control: the other annotator still writes.
  getWorkspace(other.doc).explanation.insert(0, 'Bob carries on')
  const check = peer(roomName.workspace('t1'), server.leadToken)
  await waitFor(() => getWorkspace(check.doc).explanation.toString() === 'Bob carries on', 'Bob edit at the lead')
  assert.equal(other.closes, [])
})

test('refuses removing yourself, unknown users, and anyone but a lead doing it', async () => {
  const me = await api(server, server.leadToken, 'GET', '/api/me')
  const self = await api(server, server.leadToken, 'DELETE', `/api/users/${me.body.id}`)
  assert.is(self.status, 409)
  assert.match(self.body.error, /cannot remove yourself/)
  assert.is((await api(server, server.leadToken, 'GET', '/api/me')).status, 200, 'the lead still works')
  const unknown = await api(server, server.leadToken, 'DELETE', '/api/users/ann_nobody')
  assert.is(unknown.status, 404)
  assert.match(unknown.body.error, /no user "ann_nobody"/)
  assert.is((await api(server, server.leadToken, 'POST', '/api/users/ann_nobody/token')).status, 404)
  const byAnnotator = await api(server, ann.token, 'DELETE', `/api/users/${ann2.id}`)
  assert.is(byAnnotator.status, 403)
  const rotateByAnnotator = await api(server, ann.token, 'POST', `/api/users/${ann.id}/token`)
  assert.is(rotateByAnnotator.status, 403)
  assert.is((await api(server, ann.token, 'GET', '/api/me')).status, 200, 'nothing changed')
  const badRole = await api(server, server.leadToken, 'PATCH', `/api/users/${ann.id}`, { role: 'boss' })
  assert.is(badRole.status, 400)
})

test('keeps a removal and a rotation across a restart', async () => {
  const rotated = await api(server, server.leadToken, 'POST', `/api/users/${ann.id}/token`)
  await api(server, server.leadToken, 'DELETE', `/api/users/${ann2.id}`)
  const dataDir = server.dataDir
  const leadToken = server.leadToken
  await server.running.stop()
  server = await startServer({ dataDir })
  restartedDirs.push(dataDir)
  assert.is((await api(server, rotated.body.token, 'GET', '/api/me')).status, 200)
  assert.is((await api(server, ann.token, 'GET', '/api/me')).status, 401)
  assert.is((await api(server, ann2.token, 'GET', '/api/me')).status, 401)
  assert.is((await api(server, leadToken, 'GET', '/api/me')).status, 200)
})

test.run()
