/** Import options: `?onConflict=skip` leaves existing ids out and reports them; `?assign=` assigns every new task. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { getMeta, MetaKey } from '../shared/schema'
import { api, createUser, importTasks, taskLine } from './helpers/server'
import { connectPeer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { serverPerTest } from './helpers/perTest'

const test = suite('import options')
const fx = serverPerTest(test)

const post = (query: string, body: string) =>
  api(fx.server, fx.server.leadToken, 'POST', `/api/tasks/import?batch=b&${query}`, body, 'application/x-ndjson')

test('skips ids that exist with onConflict=skip, imports the rest and reports both', async () => {
  await importTasks(fx.server, taskLine('t1'), 'b')
  const body = [taskLine('t1'), taskLine('t2'), taskLine('t3')].join('\n')
  const refused = await post('', body)
  assert.is(refused.status, 409, 'the default stays all-or-nothing')
  const res = await post('onConflict=skip', body)
  assert.is(res.status, 200)
  assert.is(res.body.imported, 2)
  assert.equal(res.body.ids, ['t2', 't3'])
  assert.is(res.body.skipped, 1)
  assert.equal(res.body.skippedIds, ['t1'])
  const again = await post('onConflict=skip', body)
  assert.equal([again.body.imported, again.body.skipped], [0, 3], 'a re-run imports nothing twice')
  const tasks = (await api(fx.server, fx.server.leadToken, 'GET', '/api/tasks')).body.tasks.map((t: { id: string }) => t.id)
  assert.equal(tasks.sort(), ['t1', 't2', 't3'])
})

test('still refuses bad lines with onConflict=skip', async () => {
  const res = await post('onConflict=skip', `${taskLine('ok')}\n{"id":`)
  assert.is(res.status, 400)
  assert.is(res.body.errors[0].line, 2)
  assert.is((await api(fx.server, fx.server.leadToken, 'GET', '/api/tasks')).body.tasks.length, 0)
  assert.is((await post('onConflict=merge', taskLine('ok'))).status, 400, 'an unknown mode is refused')
})

test('assigns every imported task to the given annotators, in the record and the meta room', async () => {
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const bob = await createUser(fx.server, 'Bob', 'annotator')
  const res = await post(`assign=${ann.id},${bob.id}`, [taskLine('t1'), taskLine('t2')].join('\n'))
  assert.is(res.status, 200, JSON.stringify(res.body))
  const seen = await api(fx.server, ann.token, 'GET', '/api/tasks')
  assert.equal(seen.body.tasks.map((t: { id: string }) => t.id).sort(), ['t1', 't2'], 'the annotator sees them')
  const task = await api(fx.server, fx.server.leadToken, 'GET', '/api/tasks/t1')
  assert.equal(task.body.assignees, [ann.id, bob.id])
  const peer = connectPeer(fx.server.wsUrl, roomName.meta('t2'), ann.token)
  fx.peers.push(peer)
  await waitFor(() => {
    const assignees = getMeta(peer.doc).get(MetaKey.assignees) as string[] | undefined
    return JSON.stringify(assignees) === JSON.stringify([ann.id, bob.id])
  }, 'the meta room to list the assignees')
})

test('refuses an unknown user or a non-annotator in assign and imports nothing', async () => {
  const rev = await createUser(fx.server, 'Rev', 'reviewer')
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const unknown = await post(`assign=${ann.id},nobody`, taskLine('t1'))
  assert.is(unknown.status, 400)
  assert.equal(unknown.body.errors, [{ line: 0, message: 'assign: no user "nobody"' }])
  const reviewer = await post(`assign=${rev.id}`, taskLine('t1'))
  assert.is(reviewer.status, 400)
  assert.match(reviewer.body.errors[0].message, /is a reviewer, not an annotator/)
  assert.is((await post('assign=bad%2Fid', taskLine('t1'))).status, 400)
  assert.is((await api(fx.server, fx.server.leadToken, 'GET', '/api/tasks')).body.tasks.length, 0)
  assert.equal((await api(fx.server, fx.server.leadToken, 'GET', '/api/batches')).body.batches, [])
  assert.is((await post(`assign=${ann.id}`, taskLine('t1'))).status, 200, 'a valid assignee goes in')
})

test.run()
