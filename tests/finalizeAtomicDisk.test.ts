/**
 * Finalize on a real full disk (a small tmpfs filled to the last byte): it fails cleanly, leaving
 * no record, no status and no audit line; as space comes back a page at a time, every attempt
 * either commits whole or leaves nothing; and a finalize after a failed one seals the work as it
 * is then.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import { api, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { act, completeWorkspace, syncedPeer, waitForServerDoc } from './helpers/review'
import type { Peer } from './helpers/peer'
import { fill, mountTmpfs, unmountTmpfs } from './helpers/tmpfs'

const test = suite('finalize atomic on a full disk')
let mnt = ''
let servers: TestServer[] = []
const peers: Peer[] = []

test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  for (const s of servers.splice(0)) await s.stop()
  if (mnt) {
    unmountTmpfs(mnt)
    mnt = ''
  }
})

const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l))

function finalizeLines(dataDir: string, id: string): any[] {
  const dir = path.join(dataDir, 'audit')
  return fs
    .readdirSync(dir)
    .flatMap((n) => lines(fs.readFileSync(path.join(dir, n), 'utf8')))
    .filter((e) => e.task === id && e.action === 'finalize')
}

/** Asserts that `id` is either finalized with exactly its record and line, or untouched. */
function assertWholeOrNothing(s: TestServer, id: string, answered: number, what: string): void {
  const { db, records } = s.running.deps
  const task = db.task(id)!
  const file = path.join(s.dataDir, 'records', id, '1.json')
  const audit = finalizeLines(s.dataDir, id)
  if (answered === 200) {
    assert.is(task.status, 'finalized', what)
    assert.equal(records.revisions(id), [1], what)
    assert.is(audit.length, 1, what)
    assert.is(audit[0].record_hash, records.read(id, 1)!.record_hash, what)
  } else {
    assert.is(answered, 507, what)
    assert.is.not(task.status, 'finalized', what)
    assert.equal(records.revisions(id), [], what)
    assert.is(audit.length, 0, `${what}: no audit line`)
    assert.not.ok(fs.existsSync(file), `${what}: no record file left in place`)
  }
}

test('fails cleanly on a full disk, commits whole or not at all as space returns, and then seals the work as it is', async () => {
  if (!(mnt = mountTmpfs('6m') ?? '')) return
  const dataDir = path.join(mnt, 'data')
  let s = await startServer({ dataDir })
  servers.push(s)
  const ids = Array.from({ length: 8 }, (_, i) => `d${i + 1}`)
  await importTasks(s, ids.map((id) => taskLine(id)).join('\n'))
  const workspaces = new Map<string, Peer>()
  for (const id of ids) {
    const peer = await syncedPeer(s, roomName.workspace(id), s.leadToken, peers)
    workspaces.set(id, peer)
    await completeWorkspace(s, peer, id)
    // Every room finalize reads is loaded now, so the full disk meets the commit itself.
    await syncedPeer(s, roomName.comments(id), s.leadToken, peers)
    await syncedPeer(s, roomName.meta(id), s.leadToken, peers)
  }
  const filler = fill(mnt)
  const refused = await act(s, s.leadToken, 'd1', 'finalize')
  assert.is(refused.status, 507, JSON.stringify(refused.body))
  assert.match(refused.body.error, /disk is full: nothing was saved/)
  assertWholeOrNothing(s, 'd1', 507, 'd1 on a full disk')
  // Space comes back 1 KB at a time; each attempt commits whole or leaves nothing.
  const outcomes = { refused: 1, committed: 0 }
  for (const id of ids.slice(1)) {
    for (let attempt = 0; attempt < 60; attempt++) {
      fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - 1024))
      const res = await act(s, s.leadToken, id, 'finalize')
      assertWholeOrNothing(s, id, res.status, `${id} attempt ${attempt} (${res.status}: ${JSON.stringify(res.body).slice(0, 120)})`)
      if (res.status === 200) {
        outcomes.committed++
        break
      }
      outcomes.refused++
    }
  }
  console.log(`  with space returning 1 KB at a time: ${outcomes.refused} finalizes refused whole, ${outcomes.committed} committed`)
  assert.ok(outcomes.committed >= 1, 'some finalizes committed once a little space was back')
  fs.rmSync(filler)
  // The first one, failed on the full disk, seals the work as it is now.
  getWorkspace(workspaces.get('d1')!.doc).explanation.insert(0, 'Written after the disk filled. ')
  await waitForServerDoc(s, roomName.workspace('d1'), (d) => getWorkspace(d).explanation.toString().startsWith('Written after'), 'the new explanation')
  const sealed = await act(s, s.leadToken, 'd1', 'finalize')
  assert.is(sealed.status, 200, JSON.stringify(sealed.body))
  assert.match(sealed.body.explanation, /^Written after the disk filled\. /)
  for (const id of ids) {
    if (s.running.deps.db.task(id)!.status !== 'finalized') assert.is((await act(s, s.leadToken, id, 'finalize')).status, 200)
  }
  const before = ids.map((id) => s.running.deps.records.read(id, 1)!.record_hash)
  for (const p of peers.splice(0)) p.destroy()
  await s.stop()
  servers = []
  // After a restart every task file agrees with its committed record (completed if a full disk
  // stopped the task file after the commit), and the export holds each record once.
  s = await startServer({ dataDir })
  servers.push(s)
  for (const id of ids) assertWholeOrNothing(s, id, 200, `${id} after a restart`)
  const exported = await api(s, s.leadToken, 'GET', '/api/export/counts')
  assert.is(exported.body.records, ids.length)
  assert.equal(ids.map((id) => s.running.deps.records.read(id, 1)!.record_hash), before)
})

test.run()
