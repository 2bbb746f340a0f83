/** Every task an import accepts loads again after a restart: the import and start-up share one schema. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import * as v from 'valibot'
import { StoredTaskSchema, TaskInputSchema } from '../shared/validation'
import { api, createUser, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'

const test = suite('import then restart')
let dir = ''
let servers: TestServer[] = []
test.before.each(() => {
  dir = tempDir('codejury-import-restart-')
})
test.after.each(async () => {
  for (const s of servers) await s.stop()
  servers = []
  fs.rmSync(dir, { recursive: true, force: true })
})

const start = async () => {
  const s = await startServer({ dataDir: dir })
  servers.push(s)
  return s
}
const stop = async (s: TestServer) => {
  servers = servers.filter((x) => x !== s)
  await s.stop()
}

const base = JSON.parse(taskLine('x'))
/** One line of every shape the import accepts. */
const SHAPES: Record<string, unknown>[] = [
  { ...base, id: 'plain' },
  {
    ...base,
    id: 'conversation',
    prompt: [
      { role: 'system', content: 'You write small, correct Python.' },
      { role: 'user', content: 'Write `add(a, b)`.' },
      { role: 'assistant', content: 'Which types?' },
      { role: 'user', content: 'Integers only.' },
    ],
  },
  { ...base, id: 'with-metadata', metadata: { source: 'run-7', nested: { depth: [1, { two: 2 }] }, note: null } },
  { ...base, id: 'no-extras', entry_point: undefined, tests: undefined, candidates: base.candidates.map(({ id, code }: { id: string; code: string }) => ({ id, code })) },
  { ...base, id: 'js-task', language: 'javascript', entry_point: 'add', tests: "test('adds', () => assert.equal(add(1, 2), 3))\n" },
  { ...base, id: 'ts-task', language: 'typescript', prompt: '# Typed\nWrite `add(a: number, b: number)`.' },
  { ...base, id: 'seeded-tests', tests: 'def check(candidate):\n    assert candidate(1, 2) == 3\n' },
]

test('loads every accepted shape again after a restart, also once a change gave a task its own file', async () => {
  const body = SHAPES.map((t) => JSON.stringify(t)).join('\n')
  for (const shape of SHAPES) assert.ok(v.safeParse(TaskInputSchema, JSON.parse(JSON.stringify(shape))).success, `${shape.id} is a valid line`)
  const s1 = await start()
  for (const blind of ['0', '1']) {
    const batch = blind === '1' ? 'blind' : 'open'
    const lines = body.replace(/"id":"([a-z-]+)","prompt"/g, `"id":"$1-${batch}","prompt"`)
    const res = await api(s1, s1.leadToken, 'POST', `/api/tasks/import?batch=${batch}&blind=${blind}`, lines, 'application/x-ndjson')
    assert.is(res.status, 200, JSON.stringify(res.body))
    assert.is(res.body.imported, SHAPES.length)
  }
  const ann = await createUser(s1, 'Ann', 'annotator')
  // A change writes the task's own file (tasks/<id>.json), which start-up reads too.
  assert.is((await api(s1, s1.leadToken, 'POST', '/api/tasks/conversation-blind/assign', { userIds: [ann.id] })).status, 200)
  const before = new Map<string, unknown>()
  for (const t of (await api(s1, s1.leadToken, 'GET', '/api/tasks')).body.tasks) {
    before.set(t.id, (await api(s1, s1.leadToken, 'GET', `/api/tasks/${t.id}`)).body)
  }
  assert.is(before.size, SHAPES.length * 2)
  await stop(s1)

  const s2 = await start()
  const after = (await api(s2, s2.leadToken, 'GET', '/api/tasks')).body.tasks
  assert.is(after.length, SHAPES.length * 2, 'every task loaded')
  for (const [id, detail] of before) {
    const again = await api(s2, s2.leadToken, 'GET', `/api/tasks/${id}`)
    assert.is(again.status, 200, id)
    assert.equal(again.body, detail, `${id} reads as it did before the restart`)
  }
  const conversation = (await api(s2, s2.leadToken, 'GET', '/api/tasks/conversation-open')).body
  assert.is(conversation.prompt.length, 4, 'the conversation is whole')
})

test('checks a stored task with the import schema: a bad prompt is refused, a good one passes', () => {
  const stored = { ...JSON.parse(taskLine('t1')), batch: 'b', status: 'open', revision: 1, assignees: [], createdAt: 'x', updatedAt: 'x' }
  assert.ok(v.safeParse(StoredTaskSchema, stored).success, 'positive control')
  const conversation = { ...stored, prompt: [{ role: 'user', content: 'Add.' }] }
  assert.ok(v.safeParse(StoredTaskSchema, conversation).success, 'a conversational prompt loads')
  const blind = { ...stored, candidates: stored.candidates.map((c: { id: string }, i: number) => ({ ...c, id: `c_${i}`, import_id: c.id })) }
  assert.ok(v.safeParse(StoredTaskSchema, blind).success, 'opaque ids with their import ids load')
  assert.not.ok(v.safeParse(StoredTaskSchema, { ...stored, prompt: [{ role: 'robot', content: 'x' }] }).success)
  assert.not.ok(v.safeParse(StoredTaskSchema, { ...stored, status: 'lost' }).success)
  assert.not.ok(v.safeParse(TaskInputSchema, blind).success, 'an import line cannot carry import_id')
})

test.run()
