/**
 * Finalize is one atomic step under kill -9: a real server process is killed at random instants
 * while thirty finalizes are under way, restarted, and checked; every task ends either finalized
 * with exactly its record (and one audit line) or open with no record at all.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { roomName } from '../shared/roomNames'
import { mulberry32 } from '../shared/seeded'
import { importTasks, startServer, taskLine, tempDir } from './helpers/server'
import { completeWorkspace, syncedPeer } from './helpers/review'
import { spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'
import type { Peer } from './helpers/peer'

const test = suite('finalize atomic')
const TASKS = 30
let dataDir = ''
let children: ChildServer[] = []
const peers: Peer[] = []

test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  for (const c of children.splice(0)) {
    c.proc.kill('SIGKILL')
    await c.exited
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

async function get(c: ChildServer, route: string): Promise<{ status: number; text: string }> {
  const res = await fetch(c.url + route, { headers: { authorization: `Bearer ${c.leadToken}` } })
  return { status: res.status, text: await res.text() }
}

const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l))

/** Checks every task on a freshly started server; returns the ids that are finalized. */
async function checkAll(c: ChildServer, ids: string[], answered: Set<string>, round: number): Promise<Set<string>> {
  const exported = await get(c, '/api/export?format=native&revisions=all')
  assert.is(exported.status, 200, `round ${round}: the export is refused: ${exported.text}`)
  const records = new Map<string, any[]>()
  for (const r of lines(exported.text)) records.set(r.task_id, [...(records.get(r.task_id) ?? []), r])
  const audit = fs
    .readdirSync(path.join(dataDir, 'audit'))
    .flatMap((n) => lines(fs.readFileSync(path.join(dataDir, 'audit', n), 'utf8')))
    .filter((e) => e.action === 'finalize')
  const finalized = new Set<string>()
  for (const id of ids) {
    const task = JSON.parse((await get(c, `/api/tasks/${id}`)).text)
    const mine = records.get(id) ?? []
    const lines = audit.filter((e) => e.task === id)
    if (task.status === 'finalized') {
      finalized.add(id)
      assert.is(task.revision, 1, `round ${round}: ${id} revision`)
      assert.is(mine.length, 1, `round ${round}: finalized ${id} exports exactly its record`)
      assert.is(lines.length, 1, `round ${round}: finalized ${id} has one audit line`)
      assert.is(lines[0].record_hash, mine[0].record_hash, `round ${round}: ${id}'s audit line names its record`)
    } else {
      assert.not.ok(answered.has(id), `round ${round}: ${id} was answered 200 before the kill, so it must stay finalized`)
      assert.is(mine.length, 0, `round ${round}: open ${id} exports no record`)
      assert.is(lines.length, 0, `round ${round}: open ${id} has no finalize in the audit log`)
      assert.not.ok(fs.existsSync(path.join(dataDir, 'records', id, '1.json')), `round ${round}: open ${id} keeps no record file in place`)
    }
  }
  return finalized
}

test('leaves every task finalized with exactly its record or open with none, whenever the server is killed', async () => {
  const seed = Number(process.env.SEED ?? Date.now() % 1_000_000)
  console.log(`  finalize kill -9 seed: ${seed} (SEED=${seed} to repeat)`)
  const random = mulberry32(seed)
  dataDir = tempDir('codejury-atomic-')
  const t0 = performance.now()
  const ids = Array.from({ length: TASKS }, (_, i) => `k${String(i).padStart(2, '0')}`)
  const setup = await startServer({ dataDir })
  try {
    await importTasks(setup, ids.map((id) => taskLine(id)).join('\n'))
    for (const id of ids) {
      const peer = await syncedPeer(setup, roomName.workspace(id), setup.leadToken, peers)
      await completeWorkspace(setup, peer, id)
    }
  } finally {
    for (const p of peers.splice(0)) p.destroy()
    await setup.stop()
  }
  console.log(`  set up ${TASKS} complete workspaces in ${Math.round(performance.now() - t0)} ms`)
  const answered = new Set<string>()
  let finalized = new Set<string>()
  let interrupted = 0
  let last: ChildServer | null = null
  for (let round = 1; round <= 9; round++) {
    const c = await spawnServer(dataDir)
    children.push(c)
    finalized = await checkAll(c, ids, answered, round)
    const pending = ids.filter((id) => !finalized.has(id))
    if (pending.length === 0) {
      last = c
      break
    }
    // The last rounds let every finalize finish, so the run ends with all of them done.
    const killAfterMs = round >= 7 ? null : Math.floor(random() * 600)
    const calls = pending.map((id) =>
      fetch(`${c.url}/api/tasks/${id}/finalize`, { method: 'POST', headers: { authorization: `Bearer ${c.leadToken}` } })
        .then((res) => {
          if (res.status === 200) answered.add(id)
        })
        .catch(() => {}),
    )
    if (killAfterMs === null) await Promise.all(calls)
    else await new Promise((r) => setTimeout(r, killAfterMs))
    c.proc.kill('SIGKILL')
    await c.exited
    // Its exit was awaited, so its lock is stale; on a busy machine its pid may already belong to
    // another node process, which the lock would take for a live owner.
    fs.rmSync(path.join(dataDir, 'codejury.lock'), { force: true })
    await Promise.all(calls)
    children = children.filter((x) => x !== c)
    const done = pending.filter((id) => answered.has(id)).length
    if (done < pending.length) interrupted++
    console.log(`  round ${round}: killed after ${killAfterMs ?? 'all'} ms, ${done} of ${pending.length} finalizes answered`)
  }
  assert.ok(last, 'every task is finalized in the end')
  const exported = lines((await get(last!, '/api/export?format=native')).text)
  const seqs = exported.map((r) => r.seq).sort((a, b) => a - b)
  // A commit that never happened used no seq: the committed records are numbered 1..30 exactly.
  assert.equal(seqs, Array.from({ length: TASKS }, (_, i) => i + 1))
  console.log(`  ${interrupted} rounds were cut off before every finalize was answered`)
})

test.run()
