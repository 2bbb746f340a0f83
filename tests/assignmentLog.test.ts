/** The assignment log: durable batches, restarts, torn tails, a real full disk, compaction. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { Db } from '../server/storage/db'
import type { Task } from '../shared/types'
import { api, assign, createUser, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { fill, mountTmpfs, unmountTmpfs } from './helpers/tmpfs'

const test = suite('assignment log')
let servers: TestServer[] = []
let dirs: string[] = []
let mnt = ''

test.after.each(async () => {
  for (const s of servers) await s.stop()
  servers = []
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  dirs = []
  if (mnt) {
    unmountTmpfs(mnt)
    mnt = ''
  }
})

const ids = (n: number) => Array.from({ length: n }, (_, i) => `t${i + 1}`)
const logFile = (dir: string) => path.join(dir, 'assignments.log')

function task(id: string): Task {
  const now = new Date().toISOString()
  return { id, prompt: 'p', language: 'python', candidates: [{ id: 'a', code: 'x' }, { id: 'b', code: 'y' }], batch: 'b', status: 'open', revision: 1, assignees: [], createdAt: now, updatedAt: now }
}

async function dbWithTasks(n: number): Promise<{ dir: string; db: Db }> {
  const dir = tempDir('codejury-assignments-')
  dirs.push(dir)
  const db = await Db.open(dir)
  await db.addTasks(ids(n).map(task))
  return { dir, db }
}

test('keeps assignments across a restart, without a task file per assignment', async () => {
  const dir = tempDir('codejury-assignments-')
  dirs.push(dir)
  let server = await startServer({ dataDir: dir })
  servers.push(server)
  await importTasks(server, ids(6).map((id) => taskLine(id)).join('\n'))
  const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => createUser(server, n, 'annotator')))
  const res = await api(server, server.leadToken, 'POST', '/api/batches/test/distribute', { annotators: [ann.id, bob.id], per_task: 1 })
  assert.is(res.status, 200)
  await assign(server, 't1', [ann.id, bob.id]) // a single assignment goes through the same log
  const before = new Map(ids(6).map((id) => [id, server.running.deps.db.task(id)!.assignees]))
  assert.equal(before.get('t1'), [ann.id, bob.id])
  assert.equal(fs.readdirSync(path.join(dir, 'tasks')), [], 'no task file written for an assignment')
  await server.stop()
  servers = []
  server = await startServer({ dataDir: dir })
  servers.push(server)
  for (const id of ids(6)) assert.equal(server.running.deps.db.task(id)!.assignees, before.get(id), `${id} after restart`)
  assert.equal(server.running.deps.db.notices, [])
})

test('ignores a batch a crash cut short, with a notice, and starts; a committed one is applied', async () => {
  const { dir, db } = await dbWithTasks(3)
  await db.setAssignees(new Map([['t1', ['u1']]]))
  const intact = fs.readFileSync(logFile(dir), 'utf8')
  // a whole entry line and a torn one, no commit line: the write never returned
  fs.appendFileSync(logFile(dir), `${JSON.stringify({ task: 't2', assignees: ['u2'], at: new Date().toISOString() })}\n{"task":"t3","assi`)
  const reopened = await Db.open(dir)
  assert.equal(reopened.task('t1')!.assignees, ['u1'], 'the committed batch is applied')
  assert.equal(reopened.task('t2')!.assignees, [], 'the uncommitted entry is not')
  assert.equal(reopened.task('t3')!.assignees, [])
  assert.is(reopened.notices.length, 1)
  assert.match(reopened.notices[0], /cut short from line 3 on/)
  assert.is(fs.readFileSync(logFile(dir), 'utf8'), intact, 'the torn tail is cut off, so the next batch starts on a whole line')
  await reopened.setAssignees(new Map([['t3', ['u3']]]))
  const third = await Db.open(dir)
  assert.equal(third.task('t3')!.assignees, ['u3'], 'appends go on after the cut')
  assert.equal(third.notices, [])
})

test('answers 507 on a full disk and changes nothing, then distributes once space is freed', async () => {
  if (!(mnt = mountTmpfs('4m') ?? '')) return
  const dir = path.join(mnt, 'data')
  const server = await startServer({ dataDir: dir })
  servers.push(server)
  await importTasks(server, ids(200).map((id) => taskLine(id)).join('\n'))
  const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => createUser(server, n, 'annotator')))
  await assign(server, 't200', [bob.id]) // the log exists and holds a batch
  const filler = fill(mnt)
  const logBefore = fs.readFileSync(logFile(dir))
  const body = { annotators: [ann.id, bob.id], per_task: 2 }
  const full = await api(server, server.leadToken, 'POST', '/api/batches/test/distribute', body)
  assert.is(full.status, 507, JSON.stringify(full.body))
  assert.match(full.body.error, /disk is full/)
  for (const id of ids(199)) assert.equal(server.running.deps.db.task(id)!.assignees, [], `${id} unchanged in memory`)
  assert.equal(server.running.deps.db.task('t200')!.assignees, [bob.id])
  assert.equal(fs.readFileSync(logFile(dir)), logBefore, 'the log as it was, byte for byte')
  fs.rmSync(filler)
  const ok = await api(server, server.leadToken, 'POST', '/api/batches/test/distribute', body)
  assert.is(ok.status, 200, 'control: with space it distributes')
  for (const id of ids(200)) assert.is(server.running.deps.db.task(id)!.assignees.length, 2)
})

test('compacts the log once it grows well past one entry per task, keeping the latest', async () => {
  const { dir, db } = await dbWithTasks(10)
  let round = 0
  let largest = 0
  while (round < 120) {
    round++
    await db.setAssignees(new Map(ids(10).map((id) => [id, [`u${round}`, id]])))
    largest = Math.max(largest, db.assignmentLogSize.entries)
  }
  assert.ok(largest > 1000, `the log grew (${largest} entries)`)
  assert.ok(db.assignmentLogSize.entries < largest, `and was compacted (${db.assignmentLogSize.entries} now)`)
  const lines = fs.readFileSync(logFile(dir), 'utf8').trim().split('\n').length
  assert.ok(lines < largest, `${lines} lines on disk`)
  const reopened = await Db.open(dir)
  for (const id of ids(10)) assert.equal(reopened.task(id)!.assignees, ['u120', id], `${id}: the latest entry`)
  // a batch that changes nothing writes nothing
  const size = fs.statSync(logFile(dir)).size
  assert.equal(await db.setAssignees(new Map([['t1', ['u120', 't1']], ['nope', ['x']]])), [])
  assert.is(fs.statSync(logFile(dir)).size, size)
})

test('tells the task listeners every change of one batch at once', async () => {
  const { db } = await dbWithTasks(3)
  const seen: string[][] = []
  db.onTasksChanged((changes) => seen.push(changes.map((c) => `${c.after.id}:${c.before?.assignees.join(',')}>${c.after.assignees.join(',')}`)))
  await db.setAssignees(new Map([['t1', ['a']], ['t2', ['b']], ['t3', []]]))
  assert.equal(seen, [['t1:>a', 't2:>b']], 't3 was already unassigned: left out')
})

test.run()
