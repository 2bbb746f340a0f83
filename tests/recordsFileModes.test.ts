import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { taskLine, tempDir } from './helpers/server'
import { spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

// Every file under DATA_DIR is 0600 and every directory 0700, including what an older
// version left readable, after a real server run (records, rooms, logs, snapshots, lock, tokens).
const test = suite('file modes')
let dir = ''
let children: ChildServer[] = []
let peers: Peer[] = []
test.before.each(() => {
  dir = tempDir('codejury-modes-')
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  for (const c of children) c.proc.kill('SIGKILL')
  await Promise.all(children.map((c) => c.exited))
  peers = []
  children = []
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Every entry under `root` (root included) with its permission bits. */
function walk(root: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = []
  const visit = (p: string) => {
    const st = fs.lstatSync(p)
    out.push({ path: path.relative(dir, p) || '.', dir: st.isDirectory(), mode: st.mode & 0o777 })
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name))
  }
  visit(root)
  return out
}

test('leaves every file 0600 and every directory 0700 under DATA_DIR after a server run', async () => {
  // What an older version left behind: a world-readable record file in a readable directory.
  fs.chmodSync(dir, 0o755)
  fs.mkdirSync(path.join(dir, 'tasks'), { mode: 0o755 })
  fs.writeFileSync(path.join(dir, 'batches.json'), '{"batches":[]}', { mode: 0o644 })
  fs.chmodSync(path.join(dir, 'batches.json'), 0o644)
  assert.is(fs.statSync(path.join(dir, 'batches.json')).mode & 0o777, 0o644, 'control: the old file is readable')

  const c = await spawnServer(dir, { SEED_DEMO: '1' })
  children.push(c)
  const res = await fetch(`${c.url}/api/tasks/import?batch=b`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.leadToken}`, 'content-type': 'application/x-ndjson' },
    body: taskLine('t1'),
  })
  assert.is(res.status, 200)
  const p = connectPeer(c.wsUrl, roomName.workspace('t1'), c.leadToken)
  peers.push(p)
  await waitFor(() => p.provider.synced, 'sync')
  getWorkspace(p.doc).explanation.insert(0, 'stored in a log')
  await waitFor(() => fs.existsSync(path.join(dir, 'rooms', 't1', 'workspace.log')), 'the log')
  const running = walk(dir)
  assert.ok(running.some((e) => e.path === 'codejury.lock'), 'the lock is walked while running')
  assert.ok(running.some((e) => e.path === 'lead-token') && running.some((e) => e.path === 'demo-tokens.json'))
  c.proc.kill('SIGTERM')
  assert.is(await c.exited, 0)
  children = []
  const after = walk(dir)
  assert.ok(after.some((e) => e.path.endsWith('workspace.snap.prev')), 'a compaction ran')
  for (const e of [...running, ...after]) {
    assert.is(e.mode.toString(8), (e.dir ? 0o700 : 0o600).toString(8), `${e.path}`)
  }
})

test.run()
