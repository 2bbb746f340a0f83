/** `codejury import` options: --on-conflict skip and --assign, against a real server. */
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { against, runCliCaptured } from './helpers/cli'
import { api, createUser, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'

const test = suite('cli import options')
let server: TestServer
let cwd: string
test.before.each(async () => {
  server = await startServer()
  cwd = tempDir('codejury-cli-')
})
test.after.each(async () => {
  await server.stop()
  fs.rmSync(cwd, { recursive: true, force: true })
})

const cli = (args: string[]) => runCliCaptured([...args, ...against(server)], { cwd })

const ids = async (token = server.leadToken) =>
  (await api(server, token, 'GET', '/api/tasks')).body.tasks.map((t: { id: string }) => t.id).sort()

test('skips existing ids with --on-conflict skip and says which', async () => {
  await importTasks(server, taskLine('t1'), 'b')
  fs.writeFileSync(path.join(cwd, 'more.jsonl'), [taskLine('t1'), taskLine('t2')].join('\n'))
  const refused = await cli(['import', 'more.jsonl', '--batch', 'b'])
  assert.is(refused.code, 1)
  assert.match(refused.stderr, /^line 1: task id "t1" already exists/m)
  const r = await cli(['import', 'more.jsonl', '--batch', 'b', '--on-conflict', 'skip'])
  assert.is(r.code, 0, r.stderr)
  assert.is(r.stdout, 'imported 1 task into batch "b"; skipped 1 existing: t1\n')
  assert.equal(await ids(), ['t1', 't2'])
  const bad = await cli(['import', 'more.jsonl', '--batch', 'b', '--on-conflict', 'merge'])
  assert.is(bad.code, 2)
  assert.match(bad.stderr, /--on-conflict must be error or skip/)
})

test('assigns with --assign and refuses an unknown user, importing nothing', async () => {
  const ann = await createUser(server, 'Ann', 'annotator')
  fs.writeFileSync(path.join(cwd, 'a.jsonl'), taskLine('t1'))
  const unknown = await cli(['import', 'a.jsonl', '--batch', 'b', '--assign', `${ann.id},ghost`])
  assert.is(unknown.code, 1)
  assert.match(unknown.stderr, /assign: no user "ghost"/)
  assert.equal(await ids(), [])
  const r = await cli(['import', 'a.jsonl', '--batch', 'b', '--assign', ann.id])
  assert.is(r.code, 0, r.stderr)
  assert.equal(await ids(ann.token), ['t1'], 'the annotator sees the task')
})

test.run()
