import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { Db } from '../server/storage/db'
import type { Task } from '../shared/types'
import { taskLine, tempDir } from './helpers/server'
import { spawnExpectingExit, spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'

// Record files (users, batches, tasks): a damaged one stops the server with one clear line
// naming it, and every write is on disk before memory changes.
const test = suite('record files')
let dir = ''
let children: ChildServer[] = []
test.before.each(() => {
  dir = tempDir('codejury-records-')
})
test.after.each(async () => {
  for (const c of children) c.proc.kill('SIGKILL')
  await Promise.all(children.map((c) => c.exited))
  children = []
  fs.rmSync(dir, { recursive: true, force: true })
})

function task(id: string): Task {
  const now = new Date().toISOString()
  return {
    id,
    prompt: 'p',
    language: 'python',
    candidates: [{ id: 'a', code: 'x' }, { id: 'b', code: 'y' }],
    batch: 'b',
    status: 'open',
    revision: 1,
    assignees: [],
    createdAt: now,
    updatedAt: now,
  }
}

/**
 * A data dir as a server leaves it: a lead, an annotator, a batch, two imported tasks in one pack,
 * t1 assigned (the assignment log) and changed since, so it has its own task file as well.
 */
async function populate(): Promise<void> {
  const c = await spawnServer(dir)
  children.push(c)
  const call = (method: string, url: string, body: string, type = 'application/json') =>
    fetch(`${c.url}${url}`, { method, headers: { authorization: `Bearer ${c.leadToken}`, 'content-type': type }, body })
  assert.is((await call('POST', '/api/tasks/import?batch=b', `${taskLine('t1')}\n${taskLine('t2')}\n`, 'application/x-ndjson')).status, 200)
  const ann = await (await call('POST', '/api/users', JSON.stringify({ name: 'Ann', role: 'annotator' }))).json()
  assert.is((await call('POST', '/api/tasks/t1/assign', JSON.stringify({ userIds: [ann.id] }))).status, 200)
  c.proc.kill('SIGTERM')
  assert.is(await c.exited, 0)
  children = []
  const db = await Db.open(dir)
  await db.updateTask('t1', (t) => void (t.metadata = { changed: true }))
}

/** The one task pack of the populated directory. */
const pack = () => path.join('task-packs', fs.readdirSync(path.join(dir, 'task-packs'))[0])

const DAMAGES: [() => string, string, (text: string) => string, RegExp][] = [
  [() => 'users.json', 'truncated', (t) => t.slice(0, Math.floor(t.length / 2)), /is not valid JSON/],
  [() => 'users.json', 'emptied', () => '', /is empty/],
  [() => 'batches.json', 'invalid JSON', (t) => t.replace('{', '{,'), /is not valid JSON/],
  [() => 'tasks/t1.json', 'truncated', (t) => t.slice(0, t.length - 3), /is not valid JSON/],
  [() => 'tasks/t1.json', 'valid JSON of the wrong shape', () => '{"id":"t1"}', /is not a valid task \(prompt: is required\)/],
  [() => 'users.json', 'a users list with a broken entry', () => '{"users":[{"id":"x"}]}', /without a "name"/],
  [() => 'assignments.log', 'a damaged line in a committed batch', (t) => `{,${t}`, /line 1 is not a valid assignment/],
  [pack, 'cut mid-line', (t) => t.slice(0, t.length - 10), /does not end with a whole line/],
  [pack, 'a line of invalid JSON', (t) => t.replace('\n{', '\n{,'), /line 2 is not valid JSON/],
  [pack, 'a line of the wrong shape', (t) => `{"id":"t3"}\n${t}`, /line 1 is not a valid task \(prompt: is required\)/],
]

test('refuses to start on a damaged record file with one line naming it, and starts when it is intact', async () => {
  await populate()
  // positive control: the intact directory starts
  const ok = await spawnServer(dir)
  children.push(ok)
  ok.proc.kill('SIGTERM')
  assert.is(await ok.exited, 0)
  children = []
  for (const [named, how, damage, expected] of DAMAGES) {
    const name = named()
    const file = path.join(dir, name)
    const original = fs.readFileSync(file, 'utf8')
    fs.writeFileSync(file, damage(original))
    const damaged = fs.readFileSync(file)
    const { code, output } = await spawnExpectingExit(dir)
    assert.is(code, 1, `${name} ${how}: exit code`)
    const lines = output.trim().split('\n')
    assert.is(lines.length, 1, `${name} ${how}: one line, got:\n${output}`)
    assert.match(lines[0], `codejury: cannot start: ${file} `)
    assert.match(lines[0], expected)
    assert.not.match(output, /\n\s+at /, 'no stack trace')
    assert.equal(fs.readFileSync(file), damaged, `${name} ${how}: left as it was`)
    fs.writeFileSync(file, original)
  }
})

test('refuses a task file that holds another task', async () => {
  await populate()
  fs.copyFileSync(path.join(dir, 'tasks', 't1.json'), path.join(dir, 'tasks', 't2.json'))
  const { code, output } = await spawnExpectingExit(dir)
  assert.is(code, 1)
  assert.match(output, /tasks\/t2\.json holds task "t1"/)
})

test('keeps the earlier of two packs that hold one task, and says so', async () => {
  await populate()
  const first = await Db.open(dir)
  assert.equal(first.notices, [], 'control: one pack, nothing to say')
  const copy = path.join(dir, 'task-packs', 'zz-copy.jsonl')
  const original = fs.readFileSync(path.join(dir, pack()), 'utf8')
  fs.writeFileSync(copy, original.replace(/"prompt":"[^"]*"/g, '"prompt":"from the copy"'))
  const db = await Db.open(dir)
  assert.is(db.tasks.length, 2)
  assert.is.not(db.task('t2')!.prompt, 'from the copy', 'the earlier pack wins')
  assert.is(db.notices.length, 2, 'one notice per task held twice')
  assert.match(db.notices[0], /zz-copy\.jsonl holds task "t\d", which .* holds too; the earlier one is kept/)
})

test('applies concurrent changes to one task one after another, each on the latest state', async () => {
  const db = await Db.open(dir)
  await db.addTasks([task('t1')])
  const ids = Array.from({ length: 20 }, (_, i) => `u${i}`)
  await Promise.all(ids.map((id) => db.updateTask('t1', (t) => void t.assignees.push(id))))
  assert.equal([...db.task('t1')!.assignees].sort(), [...ids].sort())
  const reopened = await Db.open(dir)
  assert.equal([...reopened.task('t1')!.assignees].sort(), [...ids].sort(), 'every change is on disk')
})

test('changes nothing in memory when a change throws before it is written', async () => {
  const db = await Db.open(dir)
  await db.addTasks([task('t1')])
  const before = JSON.stringify(db.task('t1'))
  try {
    await db.updateTask('t1', (t) => {
      t.assignees.push('half-done')
      throw new Error('refused')
    })
    assert.unreachable('the change throws')
  } catch (err) {
    assert.is((err as Error).message, 'refused')
  }
  assert.is(JSON.stringify(db.task('t1')), before)
  // positive control: a change that does not throw is applied and written
  await db.updateTask('t1', (t) => void t.assignees.push('u1'))
  assert.equal(db.task('t1')!.assignees, ['u1'])
})

test.run()
