/** A full disk end to end: a real tmpfs, a real server process, stock clients, then kill -9. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { api, taskLine } from './helpers/server'
import { spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { fill, mountTmpfs, unmountTmpfs } from './helpers/tmpfs'

// An append that fails is neither applied for others nor relayed; the writer is sent
// away with 1012, its stock client keeps the edit and sends it again once space returns; nothing
// anyone saw is lost after kill -9 and a restart.
const test = suite('full disk room')
let mnt = ''
let peers: Peer[] = []
let children: ChildServer[] = []
const room = roomName.workspace('t1')

test.after.each(async () => {
  for (const p of peers) p.destroy()
  for (const c of children) c.proc.kill('SIGKILL')
  await Promise.all(children.map((c) => c.exited))
  peers = []
  children = []
  if (mnt) unmountTmpfs(mnt)
  mnt = ''
})

const child = async (dataDir: string) => {
  const c = await spawnServer(dataDir)
  children.push(c)
  return c
}
const peer = (c: ChildServer, token: string) => {
  const p = connectPeer(c.wsUrl, room, token)
  peers.push(p)
  return p
}
const health = async (c: ChildServer, token: string | null) => (await api(c, token, 'GET', '/api/health')).body

test('relays no edit it could not store on a full disk, delivers it once space returns, and loses nothing anyone saw after kill -9', async () => {
  if (!(mnt = mountTmpfs('8m') ?? '')) return
  const dataDir = path.join(mnt, 'data')
  const c1 = await child(dataDir)
  assert.is((await api(c1, c1.leadToken, 'POST', '/api/tasks/import?batch=b', taskLine('t1'), 'application/x-ndjson')).status, 200)
  const ann = (await api(c1, c1.leadToken, 'POST', '/api/users', { name: 'Ann', role: 'annotator' })).body
  const bob = (await api(c1, c1.leadToken, 'POST', '/api/users', { name: 'Bob', role: 'annotator' })).body
  assert.is((await api(c1, c1.leadToken, 'POST', '/api/tasks/t1/assign', { userIds: [ann.id, bob.id] })).status, 200)
  const writer = peer(c1, ann.token)
  const other = peer(c1, bob.token)
  await waitFor(() => writer.provider.synced && other.provider.synced, 'both synced')
  const mine = getWorkspace(writer.doc).explanation
  const seen = () => getWorkspace(other.doc).explanation.toString()
  let sawRefused = false
  other.doc.on('update', () => {
    if (seen().includes('refused')) sawRefused = true
  })

  // positive control: with space, edits from both sides arrive
  mine.insert(0, 'stored ')
  await waitFor(() => seen() === 'stored ', 'an edit before the disk filled')
  getWorkspace(other.doc).solution.insert(0, 'def solve(): pass')
  await waitFor(() => getWorkspace(writer.doc).solution.toString() === 'def solve(): pass', 'the other way too')
  assert.equal(await health(c1, null), { ok: true }, 'healthy with space')

  const filler = fill(mnt)
  // A paste larger than a page: a file's last page may have room left on a full tmpfs.
  const paste = `refused while full ${'#'.repeat(6000)}`
  mine.insert(mine.length, paste)
  await waitFor(() => writer.closes.filter((e) => e.code === 1012).length >= 3, 'the writer sent away with 1012 three times', 20_000)
  const asLead = await health(c1, c1.leadToken)
  assert.is(asLead.ok, false)
  assert.ok(
    asLead.degraded.some((d: { problem: string; room?: string }) => d.problem === 'store-failing' && d.room === room),
    `the failing room in /api/health: ${JSON.stringify(asLead)}`,
  )
  const asAnyone = await health(c1, null)
  assert.is(asAnyone.ok, false)
  assert.ok(asAnyone.degraded.some((d: { problem: string }) => d.problem === 'store-failing'), 'anyone learns that stores fail')
  assert.ok(!asAnyone.degraded.some((d: { room?: string }) => d.room), 'but not which room')
  assert.is(sawRefused, false, 'the other peer never received the edit that was not stored')
  // and once it has synced again with the room, it still holds only what was stored
  await waitFor(() => other.provider.synced, 'the other peer back in the room', 20_000)
  assert.is(sawRefused, false, 'nor after syncing with the room again')
  assert.is(seen(), 'stored ')

  fs.rmSync(filler)
  await waitFor(() => seen() === `stored ${paste}`, 'the refused edit at the other peer once space returned', 20_000)
  await waitFor(async () => (await health(c1, null)).ok === true, 'health ok again')
  // both go on working; everything either of them saw must survive kill -9
  mine.insert(mine.length, ' and after')
  getWorkspace(other.doc).tests.insert(0, 'def test_x(): assert True')
  const texts = (p: Peer) => {
    const ws = getWorkspace(p.doc)
    return { explanation: ws.explanation.toString(), solution: ws.solution.toString(), tests: ws.tests.toString() }
  }
  const done = (p: Peer) => texts(p).explanation.endsWith(' and after') && texts(p).tests.startsWith('def test_x()')
  await waitFor(() => done(writer) && done(other), 'both peers hold the last edits')
  const expected = texts(other)
  assert.equal(texts(writer), expected, 'both peers hold the same')
  assert.is(expected.explanation, `stored ${paste} and after`)
  c1.proc.kill('SIGKILL')
  await c1.exited
  for (const p of peers) p.destroy()
  peers = []

  const c2 = await child(dataDir)
  const reader = peer(c2, c2.leadToken)
  await waitFor(() => reader.provider.synced, 'a fresh peer after kill -9 and restart', 10_000)
  assert.equal(texts(reader), expected, 'everything anyone saw survives kill -9 and a restart')
})

test.run()
