/** `POST/GET /api/batches`: create, update, validation, who may, and that a change rewrites no task. */
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { api, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'

const test = suite('batches')
let server: TestServer
test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  await server.stop()
})

const post = (body: unknown, token = server.leadToken) => api(server, token, 'POST', '/api/batches', body)
const rubric = [
  { id: 'works', name: 'Works', description: 'Passes the tests', min: 1, max: 5 },
  { id: 'style', name: 'Style', description: '', min: 0, max: 2 },
]

test('creates a blind, collaborative batch with the default rubric when only a name is given', async () => {
  const res = await post({ name: 'june' })
  assert.is(res.status, 201)
  assert.is(res.body.blind, true)
  assert.is(res.body.mode, 'collaborative')
  assert.is(res.body.run_timeout_ms, 5000)
  assert.equal(res.body.rubric.map((c: { id: string }) => c.id), ['correctness', 'efficiency', 'readability'])
  const list = await api(server, server.leadToken, 'GET', '/api/batches')
  assert.equal(list.body.batches.map((b: { name: string }) => b.name), ['june'])
  assert.is(list.body.batches[0].taskCount, 0)
})

test('updates only the fields given and keeps the others', async () => {
  await post({ name: 'june', guidelines: '# Read me', rubric, mode: 'independent', run_timeout_ms: 12_000 })
  const res = await post({ name: 'june', blind: false, rubric: [] })
  assert.is(res.status, 200, 'an update is 200, a creation 201')
  assert.is(res.body.guidelines, '# Read me')
  assert.is(res.body.mode, 'independent')
  assert.is(res.body.run_timeout_ms, 12_000)
  assert.is(res.body.blind, false)
  assert.equal(res.body.rubric, [], 'a rubric may be empty')
})

test('applies to the tasks of the batch without rewriting their records', async () => {
  await importTasks(server, taskLine('t1'), 'june')
  // Every file that holds task records: the import's pack, and any task file.
  const records = () =>
    ['task-packs', 'tasks'].flatMap((d) => {
      const dir = path.join(server.dataDir, d)
      return fs.readdirSync(dir).map((f) => `${d}/${f}: ${fs.readFileSync(path.join(dir, f), 'utf8')}`)
    })
  const before = records()
  assert.is(before.length, 1, 'the pack')
  // Turning blind on gives unopened tasks opaque candidate ids (tests/blind.test.ts); the rest
  // of a batch's settings never touch a task record.
  const res = await post({ name: 'june', rubric, mode: 'independent', run_timeout_ms: 2000 })
  assert.is(res.status, 200)
  assert.equal(records(), before, 'the task record is untouched')
  const task = await api(server, server.leadToken, 'GET', '/api/tasks/t1')
  assert.equal(task.body.rubric, rubric)
  assert.is(task.body.mode, 'independent')
  assert.is(task.body.run_timeout_ms, 2000)
  const list = await api(server, server.leadToken, 'GET', '/api/batches')
  assert.is(list.body.batches[0].taskCount, 1)
})

test('counts each batch\'s tasks, and counts tasks imported after the list was first read', async () => {
  assert.is((await post({ name: 'empty' })).status, 201, 'created')
  await importTasks(server, [taskLine('a1'), taskLine('a2')].join('\n'), 'alpha')
  await importTasks(server, taskLine('b1'), 'beta')
  const counts = async () => {
    const list = await api(server, server.leadToken, 'GET', '/api/batches')
    return list.body.batches.map((b: { name: string; taskCount: number }) => [b.name, b.taskCount])
  }
  assert.equal(await counts(), [['alpha', 2], ['beta', 1], ['empty', 0]])
  await importTasks(server, [taskLine('b2'), taskLine('b3')].join('\n'), 'beta')
  assert.equal(await counts(), [['alpha', 2], ['beta', 3], ['empty', 0]])
})

test('refuses invalid batches with a message naming the field, and stores none of them', async () => {
  const cases: [unknown, RegExp][] = [
    [{ name: 'a/b' }, /^name: must be 1–80 letters/],
    [{ name: 'x', mode: 'solo' }, /^mode: must be one of collaborative, independent/],
    [{ name: 'x', run_timeout_ms: 999 }, /^run_timeout_ms: must be at least 1000/],
    [{ name: 'x', run_timeout_ms: 60_001 }, /^run_timeout_ms: must be at most 60000/],
    [{ name: 'x', run_timeout_ms: 1500.5 }, /^run_timeout_ms: must be a whole number/],
    [{ name: 'x', rubric: [{ ...rubric[0], max: 10 }] }, /^rubric\[0\]: a scale has at most 9 steps/],
    [{ name: 'x', rubric: [{ ...rubric[0], min: 1.5 }] }, /^rubric\[0\]\.min: min must be a whole number/],
    [{ name: 'x', rubric: [{ ...rubric[0], min: 5, max: 5 }] }, /^rubric\[0\]: max must be greater than min/],
    [{ name: 'x', rubric: [rubric[0], { ...rubric[1], id: 'works' }] }, /^rubric: criterion ids must be unique/],
    [{ name: 'x', rubric: [{ id: 'a', name: 'A', min: 1, max: 3 }] }, /^rubric\[0\]\.description: is required/],
    [{ name: 'x', blind: 'yes' }, /^blind: expected boolean, got "yes"/],
    [{ name: 'x', colour: 'red' }, /^colour: is not a known field/],
  ]
  for (const [body, message] of cases) {
    const res = await post(body)
    assert.is(res.status, 400, JSON.stringify(body))
    assert.match(res.body.error, message)
  }
  const list = await api(server, server.leadToken, 'GET', '/api/batches')
  assert.equal(list.body.batches, [], 'nothing was stored')
  assert.is((await post({ name: 'x', run_timeout_ms: 1000, rubric: [{ ...rubric[0], min: 1, max: 9 }] })).status, 201)
})

test('lets only the lead list, create and edit batches', async () => {
  const ann = await createUser(server, 'Ann', 'annotator')
  const rev = await createUser(server, 'Rev', 'reviewer')
  for (const token of [ann.token, rev.token]) {
    assert.is((await post({ name: 'x' }, token)).status, 403)
    assert.is((await api(server, token, 'GET', '/api/batches')).status, 403)
  }
  assert.is((await api(server, null, 'GET', '/api/batches')).status, 401)
  assert.is((await post({ name: 'x' })).status, 201, 'the lead may')
  assert.equal((await api(server, server.leadToken, 'GET', '/api/batches')).body.batches.length, 1)
})

test('gives an import-created batch the documented defaults: blind unless the import says blind=0', async () => {
  const res = await api(server, server.leadToken, 'POST', '/api/tasks/import?batch=imported', taskLine('t1'), 'application/x-ndjson')
  assert.is(res.status, 200)
  await importTasks(server, taskLine('t2'), 'open-one') // blind=0
  const [batch, open] = (await api(server, server.leadToken, 'GET', '/api/batches')).body.batches
  assert.is(batch.name, 'imported')
  assert.is(batch.blind, true)
  assert.equal([open.name, open.blind], ['open-one', false])
  assert.is(batch.mode, 'collaborative')
  assert.is(batch.rubric.length, 3)
})

test.run()
