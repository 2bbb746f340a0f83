/** The `codejury submit|request-changes|finalize|reopen` and `export` commands against a real server. */
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { against, runCliCaptured } from './helpers/cli'
import { roomName } from '../shared/roomNames'
import { api, startServer, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import type { Peer } from './helpers/peer'
import { completeWorkspace, reviewTask, syncedPeer } from './helpers/review'

const test = suite('cli workflow')
let server: TestServer
let peers: Peer[] = []
const dirs: string[] = []
test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

const cli = (argv: string[], token = server.leadToken) => runCliCaptured([...argv, ...against(server, token)])

function fields(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((l) => l.split(/\s{2,}/) as [string, string]))
}

test('submits, requests changes, finalizes and reopens a task, printing its new status', async () => {
  const { id, ann } = await reviewTask(server)
  const early = await cli(['submit', id], ann.token)
  assert.is(early.code, 1)
  assert.match(early.stderr, /not ready to submit/)
  assert.match(early.stderr, /Explanation is empty/)
  const annPeer = await syncedPeer(server, roomName.workspace(id), ann.token, peers)
  await completeWorkspace(server, annPeer, id)
  const sub = await cli(['submit', id], ann.token)
  assert.is(sub.code, 0, sub.stderr)
  assert.equal(fields(sub.stdout), { task: id, status: 'submitted', revision: '1' })
  const back = await cli(['request-changes', id, '--message', 'Cover negative numbers.', '--json'])
  assert.is(back.code, 0, back.stderr)
  assert.is(JSON.parse(back.stdout).status, 'changes_requested')
  const lead = await syncedPeer(server, roomName.workspace(id), server.leadToken, peers)
  await completeWorkspace(server, lead, id)
  const fin = await cli(['finalize', id])
  assert.is(fin.code, 0, fin.stderr)
  assert.match(fields(fin.stdout).record_hash, /^[0-9a-f]{64}$/)
  const again = await cli(['reopen', id, '--json'])
  assert.equal([again.code, JSON.parse(again.stdout).revision], [0, 2])
})

test('lists every reason finalize is refused and exits 1; refusals and usage errors have their codes', async () => {
  const { id } = await reviewTask(server)
  const fin = await cli(['finalize', id])
  assert.is(fin.code, 1)
  assert.match(fin.stderr, /not ready to finalize/)
  assert.match(fin.stderr, /Explanation is empty/)
  assert.match(fin.stderr, /Reference solution is empty/)
  const json = await cli(['finalize', id, '--json'])
  assert.ok(JSON.parse(json.stdout).reasons.some((r: any) => r.code === 'empty_solution'))
  const early = await cli(['reopen', id])
  assert.is(early.code, 1)
  assert.match(early.stderr, /cannot reopen a task that is open/)
  assert.is((await cli(['finalize', 'no-such-task'])).code, 1)
  assert.is((await cli(['request-changes', id])).code, 2, 'no --message')
  assert.is((await cli(['submit', 'bad/id'])).code, 2)
  assert.not.match(fin.stderr + early.stderr, /\n\s+at /, 'no stack trace')
  assert.is(server.running.deps.db.task(id)!.status, 'open')
})

test('exports native records to a file and refuses to export a tampered one', async () => {
  const { id } = await reviewTask(server)
  const lead = await syncedPeer(server, roomName.workspace(id), server.leadToken, peers)
  await completeWorkspace(server, lead, id)
  assert.is((await cli(['finalize', id])).code, 0)
  const dir = tempDir('codejury-cli-')
  dirs.push(dir)
  const out = path.join(dir, 'records.jsonl')
  const res = await cli(['export', '--format', 'native', '--out', out, '--revisions', 'all'])
  assert.is(res.code, 0, res.stderr)
  const rows = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  assert.equal(rows.map((r) => [r.task_id, r.revision]), [[id, 1]])
  const file = path.join(server.dataDir, 'records', id, '1.json')
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('B subtracts', 'C subtracts'))
  const tampered = await cli(['export', '--format', 'native'])
  assert.is(tampered.code, 1)
  assert.match(tampered.stderr, /fails its integrity check/)
  assert.is(tampered.stdout, '')
})

test('exports a gold task only with --gold include, and refuses any other --gold value as a usage error', async () => {
  const { id } = await reviewTask(server)
  const lead = await syncedPeer(server, roomName.workspace(id), server.leadToken, peers)
  await completeWorkspace(server, lead, id)
  assert.is((await cli(['finalize', id])).code, 0)
  const taskIds = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).task_id)
  const before = await cli(['export', '--format', 'native'])
  assert.equal([before.code, taskIds(before.stdout)], [0, [id]], 'positive control: not gold yet, exported by default')
  assert.is((await api(server, server.leadToken, 'POST', `/api/tasks/${id}/gold`, { from_record: true })).status, 200)
  const byDefault = await cli(['export', '--format', 'native'])
  assert.equal([byDefault.code, taskIds(byDefault.stdout)], [0, []], 'gold is left out by default')
  const excluded = await cli(['export', '--format', 'native', '--gold', 'exclude'])
  assert.equal([excluded.code, taskIds(excluded.stdout)], [0, []])
  const included = await cli(['export', '--format', 'native', '--gold', 'include'])
  assert.equal([included.code, taskIds(included.stdout)], [0, [id]], included.stderr)
  const bad = await cli(['export', '--format', 'native', '--gold', 'yes'])
  assert.is(bad.code, 2)
  assert.match(bad.stderr, /--gold must be include or exclude/)
  assert.is(bad.stdout, '')
})

test.run()
