/** Refused imports leave nothing behind: no task, no room files, no batch; every problem by line and field. */
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MAX_IMPORT_LINES } from '../shared/validation'
import { api, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'

const test = suite('import errors')
let server: TestServer
test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  await server.stop()
})

const post = (body: string, batch = 'fresh') =>
  api(server, server.leadToken, 'POST', `/api/tasks/import?batch=${batch}`, body, 'application/x-ndjson')

/** Everything an import could leave: task records and packs, room directories, staging, batches. */
async function traces() {
  const list = (dir: string) => (fs.existsSync(path.join(server.dataDir, dir)) ? fs.readdirSync(path.join(server.dataDir, dir)) : [])
  const batches = (await api(server, server.leadToken, 'GET', '/api/batches')).body.batches.map((b: { name: string }) => b.name)
  const tasks = (await api(server, server.leadToken, 'GET', '/api/tasks')).body.tasks.map((t: { id: string }) => t.id)
  return { tasks, taskFiles: list('tasks'), packs: list('task-packs'), rooms: list('rooms'), imports: list('imports'), batches }
}

const nothing = { tasks: [], taskFiles: [], packs: [], rooms: [], imports: [], batches: [] }
const withRole = (id: string, role: string) =>
  JSON.stringify({ ...JSON.parse(taskLine(id)), prompt: [{ role: 'system', content: 'Be brief.' }, { role, content: 'Add.' }] })

test('refuses bad JSON, missing fields, duplicate ids and a bad conversation role, each by line and field', async () => {
  const { candidates: _c, ...noCandidates } = JSON.parse(taskLine('no-cands'))
  const lines = [
    taskLine('good'),
    '{"id": "broken",',
    JSON.stringify(noCandidates),
    JSON.stringify({ ...JSON.parse(taskLine('one')), candidates: [{ id: 'a', code: 'x' }] }),
    withRole('chat', 'robot'),
    taskLine('good'),
  ]
  const res = await post(lines.join('\n'))
  assert.is(res.status, 400)
  const byLine = new Map<number, string[]>()
  for (const e of res.body.errors as { line: number; message: string }[]) byLine.set(e.line, [...(byLine.get(e.line) ?? []), e.message])
  assert.match(byLine.get(2)![0], /^invalid JSON/)
  assert.equal(byLine.get(3), ['candidates: is required'])
  assert.equal(byLine.get(4), ['candidates: expected at least 2 items'])
  assert.equal(byLine.get(5), ['prompt[1].role: must be one of system, user, assistant'])
  assert.equal(byLine.get(6), ['duplicate task id "good" (also on line 1)'])
  assert.not.ok(byLine.has(1), 'the good line has no error')
  assert.equal(await traces(), nothing)
  // Positive control: the same good line alone goes in, with its pack and batch.
  await importTasks(server, taskLine('good'), 'fresh')
  const after = await traces()
  assert.equal(after.tasks, ['good'])
  assert.equal(after.batches, ['fresh'])
  assert.is(after.packs.length, 1)
})

test('refuses a body over the size limit with 413 and a clear message, and keeps nothing', async () => {
  const big = `${taskLine('big')}\n`.padEnd(51 * 1024 * 1024, ' ')
  const res = await post(big)
  assert.is(res.status, 413)
  assert.match(res.body.error, /too large: at most 50 MiB/)
  assert.equal(await traces(), nothing)
  assert.is((await post(`${taskLine('small')}\n`)).status, 200, 'a small body goes in')
})

test('refuses a chunked body (no Content-Length) once it passes the size limit, and keeps nothing', async () => {
  const mib = new TextEncoder().encode(`${' '.repeat(1024 * 1024 - 1)}\n`)
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode(`${taskLine('chunked')}\n`))
      if (sent++ < 60) controller.enqueue(mib)
      else controller.close()
    },
  })
  const res = await fetch(`${server.url}/api/tasks/import?batch=big`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.leadToken}`, 'content-type': 'application/x-ndjson' },
    body,
    duplex: 'half',
  } as RequestInit)
  assert.is(res.status, 413)
  assert.match(((await res.json()) as { error: string }).error, /too large: at most 50 MiB/)
  assert.equal(await traces(), nothing)
  const small = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(`${taskLine('chunked')}\n`))
      controller.close()
    },
  })
  const ok = await fetch(`${server.url}/api/tasks/import?batch=big`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.leadToken}`, 'content-type': 'application/x-ndjson' },
    body: small,
    duplex: 'half',
  } as RequestInit)
  assert.is(ok.status, 200, 'control: a small chunked body goes in')
})

test('refuses more lines than one import takes, saying how many', async () => {
  const lines = Array.from({ length: MAX_IMPORT_LINES + 1 }, (_, i) => taskLine(`t${i}`))
  const res = await post(lines.join('\n'))
  assert.is(res.status, 400)
  assert.match(res.body.errors[0].message, new RegExp(`too many lines: at most ${MAX_IMPORT_LINES} tasks per import`))
  assert.equal(await traces(), nothing)
  assert.is((await post(lines.slice(0, 2).join('\n'))).status, 200)
})

test('refuses an id that exists with 409 and the line, and leaves the batch as it was', async () => {
  await importTasks(server, taskLine('t1'), 'first')
  const res = await post([taskLine('new'), taskLine('t1')].join('\n'), 'second')
  assert.is(res.status, 409)
  assert.equal(res.body.errors, [{ line: 2, message: 'task id "t1" already exists' }])
  const t = await traces()
  assert.equal(t.tasks, ['t1'])
  assert.equal(t.batches, ['first'], 'the second batch was not created')
  assert.not.ok(t.rooms.includes('new'))
})

test.run()
