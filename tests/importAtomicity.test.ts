/** Imports are atomic: concurrent imports of one id have one winner, and a crash leaves nothing half. */
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import { api, startServer, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('import atomicity')
let server: TestServer | null = null
let child: ChildServer | null = null
let peers: Peer[] = []
let dirs: string[] = []
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  if (child && child.proc.exitCode === null && child.proc.signalCode === null) {
    child.proc.kill('SIGKILL')
    await child.exited
  }
  child = null
  await server?.stop()
  server = null
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  dirs = []
})

/** A valid task line whose seeded `tests` text says which import it came from. */
function line(id: string, tag: string): string {
  return JSON.stringify({
    id,
    prompt: `# ${id}`,
    language: 'python',
    candidates: [
      { id: 'a', code: 'def f():\n    return 1\n' },
      { id: 'b', code: 'def f():\n    return 2\n' },
    ],
    tests: `# from ${tag}\n`,
  })
}

function postImport(s: { url: string; leadToken: string }, batch: string, body: string) {
  return api(s, s.leadToken, 'POST', `/api/tasks/import?batch=${encodeURIComponent(batch)}`, body, 'application/x-ndjson')
}

/** The seeded `tests` text of a task's workspace, read through a stock provider. */
async function seededTests(s: TestServer, taskId: string): Promise<string> {
  const peer = connectPeer(s.wsUrl, roomName.workspace(taskId), s.leadToken)
  peers.push(peer)
  await waitFor(() => peer.provider.synced, `sync with ${taskId}`)
  return getWorkspace(peer.doc).tests.toString()
}

function dataDir(): string {
  const d = tempDir()
  dirs.push(d)
  return d
}

function list(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : []
}

test('lets exactly one of five concurrent imports of one id win, and keeps its batch after a restart', async () => {
  const dir = dataDir()
  server = await startServer({ dataDir: dir })
  const tags = [0, 1, 2, 3, 4].map((i) => `import-${i}`)
  const results = await Promise.all(
    tags.map((tag) => postImport(server!, `batch-${tag}`, `${line(`other-${tag}`, tag)}\n${line('shared', tag)}\n`)),
  )
  const statuses = results.map((r) => r.status).sort()
  assert.equal(statuses, [200, 409, 409, 409, 409])
  const winner = tags[results.findIndex((r) => r.status === 200)]
  for (const r of results.filter((r) => r.status === 409)) {
    assert.is(r.body.errors.length, 1)
    assert.is(r.body.errors[0].line, 2, 'the error names the line of the contested id')
    assert.match(r.body.errors[0].message, /task id "shared" (already exists|is being imported|was imported by another request)/)
  }
  await server.stop()
  server = await startServer({ dataDir: dir })
  const tasks = (await api(server, server.leadToken, 'GET', '/api/tasks')).body.tasks
  assert.equal(tasks.map((t: any) => t.id).sort(), [`other-${winner}`, 'shared'], "the losers' other lines were not imported either")
  assert.is(tasks.find((t: any) => t.id === 'shared').batch, `batch-${winner}`)
  assert.is(await seededTests(server, 'shared'), `# from ${winner}\n`, "the room holds the winner's content")
  assert.equal(list(path.join(dir, 'rooms')), ['shared'], 'rooms are written when first loaded, not at import')
  assert.is(list(path.join(dir, 'task-packs')).length, 1, "one pack: the winner's")
  assert.equal(list(path.join(dir, 'imports')), [], 'no staging left behind')
})

test('lets another import of an id win while a slow upload that names it turns out invalid', async () => {
  const dir = dataDir()
  server = await startServer({ dataDir: dir })
  const s = server
  let send!: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (send = c) })
  const slow = fetch(`${s.url}/api/tasks/import?batch=slow`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.leadToken}`, 'content-type': 'application/x-ndjson' },
    body,
    duplex: 'half',
  } as RequestInit)
  slow.catch(() => {}) // awaited below; a failure before that must not end the run
  send.enqueue(new TextEncoder().encode(`${line('shared', 'slow')}\n`))
  // The slow import has read and staged its valid first line.
  await waitFor(() => list(path.join(dir, 'imports')).some((f) => f.endsWith('.partial')), 'the first line to be staged')
  const fast = await postImport(s, 'fast', `${line('shared', 'fast')}\n`)
  assert.is(fast.status, 200, 'the other import is not blocked by an upload still in flight')
  send.enqueue(new TextEncoder().encode('{"id": "broken",\n'))
  send.close()
  const refused = await slow
  assert.is(refused.status, 400)
  assert.is(((await refused.json()) as { errors: { line: number }[] }).errors[0].line, 2)
  const task = await api(s, s.leadToken, 'GET', '/api/tasks/shared')
  assert.is(task.body.batch, 'fast', 'exactly one winner: the valid import')
  assert.equal(list(path.join(dir, 'imports')), [], 'the refused upload left nothing staged')
})

test('leaves nothing of an import killed before its commit, and the same import then succeeds', async () => {
  const dir = dataDir()
  child = await spawnServer(dir, { CODEJURY_TEST_CRASH_AT: 'import-staged' })
  const body = `${line('t1', 'first')}\n${line('t2', 'first')}\n`
  await postImport(child, 'crashed', body).catch(() => null)
  assert.is(await child.exited, null, 'killed by a signal')
  const staged = list(path.join(dir, 'imports'))
  assert.is(staged.length, 1, 'the crash happened mid-import, with the pack staged')
  assert.match(staged[0], /\.jsonl\.partial$/)
  child = null
  server = await startServer({ dataDir: dir })
  assert.equal((await api(server, server.leadToken, 'GET', '/api/tasks')).body.tasks, [])
  assert.equal(list(path.join(dir, 'task-packs')), [], 'no pack')
  assert.equal(list(path.join(dir, 'imports')), [], 'the staged pack is gone')
  const batches = path.join(dir, 'batches.json')
  assert.not.ok(fs.existsSync(batches) && fs.readFileSync(batches, 'utf8').includes('crashed'), 'no batch')
  const again = await postImport(server, 'crashed', body)
  assert.is(again.status, 200)
  assert.is(await seededTests(server, 't2'), '# from first\n')
})

test('finishes an import killed after its commit: every task appears, with its batch', async () => {
  const dir = dataDir()
  child = await spawnServer(dir, { CODEJURY_TEST_CRASH_AT: 'import-committed' })
  await postImport(child, 'committed', `${line('t1', 'c1')}\n${line('t2', 'c2')}\n`).catch(() => null)
  assert.is(await child.exited, null, 'killed by a signal')
  child = null
  assert.is(list(path.join(dir, 'task-packs')).length, 1, 'the pack was committed before the kill')
  const batchesFile = path.join(dir, 'batches.json')
  assert.not.ok(fs.existsSync(batchesFile) && fs.readFileSync(batchesFile, 'utf8').includes('committed'), 'the batch was not written yet')
  server = await startServer({ dataDir: dir })
  const tasks = (await api(server, server.leadToken, 'GET', '/api/tasks')).body.tasks
  assert.equal(tasks.map((t: any) => [t.id, t.batch]).sort(), [['t1', 'committed'], ['t2', 'committed']])
  const batches = (await api(server, server.leadToken, 'GET', '/api/batches')).body.batches
  assert.ok(batches.some((b: any) => b.name === 'committed'), 'start-up created the batch')
  assert.is(await seededTests(server, 't1'), '# from c1\n')
  assert.is(await seededTests(server, 't2'), '# from c2\n')
  assert.equal(list(path.join(dir, 'imports')), [])
})

test('finishes a committed import staged by the previous version (rooms and commit.json)', async () => {
  const dir = dataDir()
  const now = new Date().toISOString()
  const task = { ...JSON.parse(line('old1', 'legacy')), batch: 'legacy', status: 'open', revision: 1, assignees: [], createdAt: now, updatedAt: now }
  const staged = path.join(dir, 'imports', '1700000000000-abcdef')
  fs.mkdirSync(staged, { recursive: true })
  fs.writeFileSync(path.join(staged, 'commit.json'), JSON.stringify({ batch: 'legacy', tasks: [task] }))
  const uncommitted = path.join(dir, 'imports', '1700000000001-abcdef')
  fs.mkdirSync(path.join(uncommitted, 'rooms', 'old2'), { recursive: true })
  server = await startServer({ dataDir: dir })
  const tasks = (await api(server, server.leadToken, 'GET', '/api/tasks')).body.tasks
  assert.equal(tasks.map((t: any) => [t.id, t.batch]), [['old1', 'legacy']], 'the committed one is finished, the other discarded')
  assert.is(await seededTests(server, 'old1'), '# from legacy\n')
  assert.equal(list(path.join(dir, 'imports')), [])
})

test('moves aside room directories of tasks that do not exist, so the id can be imported', async () => {
  const dir = dataDir()
  fs.mkdirSync(path.join(dir, 'rooms', 'ghost'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'rooms', 'ghost', 'workspace.snap'), 'left by an old failed import')
  server = await startServer({ dataDir: dir })
  assert.equal(list(path.join(dir, 'rooms')), [])
  const aside = list(path.join(dir, 'orphan-rooms'))
  assert.is(aside.length, 1)
  assert.is(fs.readFileSync(path.join(dir, 'orphan-rooms', aside[0], 'workspace.snap'), 'utf8'), 'left by an old failed import')
  assert.is((await postImport(server, 'b', line('ghost', 'new'))).status, 200)
  assert.is(await seededTests(server, 'ghost'), '# from new\n')
})

test('imports into memory storage with rooms seeded on first load and nothing written under rooms/', async () => {
  const dir = dataDir()
  server = await startServer({ dataDir: dir, config: { storage: 'memory' } })
  assert.is((await postImport(server, 'b', line('m1', 'memory'))).status, 200)
  assert.is(await seededTests(server, 'm1'), '# from memory\n')
  assert.equal(list(path.join(dir, 'rooms')), [])
  assert.equal(list(path.join(dir, 'imports')), [])
})

test.run()
