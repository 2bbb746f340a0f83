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
    assert.match(r.body.errors[0].message, /task id "shared" (already exists|is being imported)/)
  }
  await server.stop()
  server = await startServer({ dataDir: dir })
  const tasks = (await api(server, server.leadToken, 'GET', '/api/tasks')).body.tasks
  assert.equal(tasks.map((t: any) => t.id).sort(), [`other-${winner}`, 'shared'], "the losers' other lines were not imported either")
  assert.is(tasks.find((t: any) => t.id === 'shared').batch, `batch-${winner}`)
  assert.is(await seededTests(server, 'shared'), `# from ${winner}\n`, "the room holds the winner's content")
  assert.equal(list(path.join(dir, 'rooms')).sort(), [`other-${winner}`, 'shared'])
  assert.equal(list(path.join(dir, 'imports')), [], 'no staging left behind')
})

test('leaves nothing of an import killed before its commit, and the same import then succeeds', async () => {
  const dir = dataDir()
  child = await spawnServer(dir, { CODEJURY_TEST_CRASH_AT: 'import-staged' })
  const body = `${line('t1', 'first')}\n${line('t2', 'first')}\n`
  await postImport(child, 'crashed', body).catch(() => null)
  assert.is(await child.exited, null, 'killed by a signal')
  const staged = list(path.join(dir, 'imports'))
  assert.is(staged.length, 1, 'the crash happened mid-import, with rooms staged')
  assert.equal(list(path.join(dir, 'imports', staged[0], 'rooms')).sort(), ['t1', 't2'])
  child = null
  server = await startServer({ dataDir: dir })
  assert.equal((await api(server, server.leadToken, 'GET', '/api/tasks')).body.tasks, [])
  assert.equal(list(path.join(dir, 'rooms')), [], 'no room files')
  assert.equal(list(path.join(dir, 'imports')), [], 'the staging directory is gone')
  const batches = path.join(dir, 'batches.json')
  assert.not.ok(fs.existsSync(batches) && fs.readFileSync(batches, 'utf8').includes('crashed'), 'no batch')
  const again = await postImport(server, 'crashed', body)
  assert.is(again.status, 200)
  assert.is(await seededTests(server, 't2'), '# from first\n')
})

test('finishes an import killed after its commit: every task and room appears', async () => {
  const dir = dataDir()
  child = await spawnServer(dir, { CODEJURY_TEST_CRASH_AT: 'import-committed' })
  await postImport(child, 'committed', `${line('t1', 'c1')}\n${line('t2', 'c2')}\n`).catch(() => null)
  assert.is(await child.exited, null, 'killed by a signal')
  child = null
  assert.equal(list(path.join(dir, 'tasks')).filter((f) => f.endsWith('.json')), [], 'no record was written yet')
  assert.is(list(path.join(dir, 'rooms')).length, 1, 'one room directory was moved in before the kill')
  server = await startServer({ dataDir: dir })
  const tasks = (await api(server, server.leadToken, 'GET', '/api/tasks')).body.tasks
  assert.equal(tasks.map((t: any) => [t.id, t.batch]).sort(), [['t1', 'committed'], ['t2', 'committed']])
  assert.is(await seededTests(server, 't1'), '# from c1\n')
  assert.is(await seededTests(server, 't2'), '# from c2\n')
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

test('imports into memory storage with seeded rooms and nothing written under rooms/', async () => {
  const dir = dataDir()
  server = await startServer({ dataDir: dir, config: { storage: 'memory' } })
  assert.is((await postImport(server, 'b', line('m1', 'memory'))).status, 200)
  assert.is(await seededTests(server, 'm1'), '# from memory\n')
  assert.equal(list(path.join(dir, 'rooms')), [])
  assert.equal(list(path.join(dir, 'imports')), [])
})

test.run()
