/** `POST /api/batches/:name/distribute` over a real server: exact, balanced, started work kept. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { roomName } from '../shared/roomNames'
import { getMeta, MetaKey } from '../shared/schema'

const test = suite('distribute')
let server: TestServer
let peers: Peer[] = []

test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server?.stop()
})

const ids = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`)
const distribute = (s: TestServer, body: unknown, token: string | null = s.leadToken, batch = 'test') =>
  api(s, token, 'POST', `/api/batches/${encodeURIComponent(batch)}/distribute`, body)
const assigneesOf = (s: TestServer, id: string) => s.running.deps.db.task(id)!.assignees

/** When the next scripted work starts: a person has one timeline, so sessions must follow each other. */
let nextWork = Date.now() - 86_400_000

/** Active time measured for `userId` on `taskId`: two acts 30 s apart, as the tracker notes them, after an idle gap. */
function work(s: TestServer, userId: string, taskId: string): void {
  const at = (nextWork += 10 * 60_000)
  s.running.deps.activity.note(userId, taskId, at, true)
  s.running.deps.activity.note(userId, taskId, at + 30_000, true)
}

test('gives every unfinished task exactly per_task distinct annotators, counts differing by at most one', async () => {
  server = await startServer()
  await importTasks(server, ids(10).map((id) => taskLine(id)).join('\n'))
  await importTasks(server, taskLine('other1'), 'other')
  const people = await Promise.all(['Ann', 'Bob', 'Cy'].map((n) => createUser(server, n, 'annotator')))
  const res = await distribute(server, { annotators: people.map((p) => p.id), per_task: 2 })
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.is(res.body.batch, 'test')
  assert.is(res.body.tasks, 10)
  assert.is(res.body.per_task, 2)
  assert.equal([res.body.kept, res.body.moved, res.body.added], [0, 0, 20])
  const counts = new Map<string, number>()
  for (const id of ids(10)) {
    const a = assigneesOf(server, id)
    assert.is(a.length, 2, `${id}: two annotators`)
    assert.is(new Set(a).size, 2, `${id}: distinct`)
    for (const u of a) counts.set(u, (counts.get(u) ?? 0) + 1)
  }
  assert.equal(res.body.loads, people.map((p) => ({ annotator: p.id, tasks: counts.get(p.id) })), 'loads as answered')
  assert.equal([...counts.values()].sort(), [6, 7, 7])
  assert.equal(assigneesOf(server, 'other1'), [], 'another batch is left alone')
  const batches = await api(server, server.leadToken, 'GET', '/api/batches')
  assert.is(batches.body.batches.find((b: { name: string }) => b.name === 'test').per_task, 2, 'per_task stored on the batch')
  // the same distribution again changes nothing
  const again = await distribute(server, { annotators: people.map((p) => p.id), per_task: 2 })
  assert.equal([again.body.kept, again.body.moved, again.body.added], [20, 0, 0])
  // one per task over two of them: five each, the third one's work taken away
  const fewer = await distribute(server, { annotators: [people[0].id, people[1].id], per_task: 1 })
  assert.equal(fewer.body.loads.map((l: { tasks: number }) => l.tasks), [5, 5])
  for (const id of ids(10)) assert.is(assigneesOf(server, id).length, 1)
})

test('leaves started work alone, and moves it only when reassign_started is set', async () => {
  server = await startServer()
  await importTasks(server, ids(4).map((id) => taskLine(id)).join('\n'))
  const [ann, bob, xan] = await Promise.all(['Ann', 'Bob', 'Xan'].map((n) => createUser(server, n, 'annotator')))
  for (const id of ids(4)) await assign(server, id, [xan.id])
  work(server, xan.id, 't1') // active time on t1
  await server.running.deps.db.updateTask('t2', (t) => void (t.status = 'in_progress')) // past open
  const res = await distribute(server, { annotators: [ann.id, bob.id], per_task: 1 })
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.ok(assigneesOf(server, 't1').includes(xan.id), 'Xan started t1 and stays')
  assert.ok(assigneesOf(server, 't2').includes(xan.id), 't2 is in progress: Xan stays')
  assert.not.ok(assigneesOf(server, 't3').includes(xan.id), 'control: Xan never started t3 and leaves it')
  assert.not.ok(assigneesOf(server, 't4').includes(xan.id))
  for (const id of ids(4)) assert.is(assigneesOf(server, id).filter((u) => u !== xan.id).length, 1, `${id}: one named annotator`)
  assert.equal([res.body.kept, res.body.moved, res.body.added], [2, 2, 4])
  const loads = res.body.loads.map((l: { tasks: number }) => l.tasks)
  assert.equal(loads, [2, 2])

  const forced = await distribute(server, { annotators: [ann.id, bob.id], per_task: 1, reassign_started: true })
  assert.is(forced.status, 200)
  for (const id of ids(4)) assert.not.ok(assigneesOf(server, id).includes(xan.id), `${id}: reassign_started takes Xan off`)
  assert.is(forced.body.moved, 2)
})

test('keeps a started annotator who is named, counting them towards per_task', async () => {
  server = await startServer()
  await importTasks(server, ids(6).map((id) => taskLine(id)).join('\n'))
  const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => createUser(server, n, 'annotator')))
  for (const id of ids(6)) await assign(server, id, [ann.id])
  for (const id of ids(4)) work(server, ann.id, id)
  const res = await distribute(server, { annotators: [ann.id, bob.id], per_task: 1 })
  // Ann keeps the four she started; the largest load is as small as it can be: 4 and 2
  assert.equal(res.body.loads.map((l: { tasks: number }) => l.tasks), [4, 2])
  for (const id of ids(4)) assert.equal(assigneesOf(server, id), [ann.id])
  for (const id of ['t5', 't6']) assert.equal(assigneesOf(server, id), [bob.id])
})

test('tells a meta room that is loaded now and one loaded later their new assignees', async () => {
  server = await startServer({ config: { roomIdleMs: 50 } })
  await importTasks(server, ids(2).map((id) => taskLine(id)).join('\n'))
  const ann = await createUser(server, 'Ann', 'annotator')
  // t2's meta room is stored, then unloads
  const early = connectPeer(server.wsUrl, roomName.meta('t2'), server.leadToken)
  await waitFor(() => early.provider.synced, 't2 meta synced')
  early.destroy()
  await waitFor(() => !server.running.deps.rooms.peek(roomName.meta('t2')), 't2 meta unloaded')
  const open = connectPeer(server.wsUrl, roomName.meta('t1'), server.leadToken)
  peers.push(open)
  await waitFor(() => open.provider.synced, 't1 meta synced')
  const res = await distribute(server, { annotators: [ann.id], per_task: 1 })
  assert.is(res.status, 200)
  await waitFor(() => JSON.stringify(getMeta(open.doc).get(MetaKey.assignees)) === JSON.stringify([ann.id]), 'the open meta room shows Ann')
  assert.not.ok(server.running.deps.rooms.peek(roomName.meta('t2')), 'an unloaded meta room is not loaded by a distribution')
  const later = connectPeer(server.wsUrl, roomName.meta('t2'), server.leadToken)
  peers.push(later)
  await waitFor(() => later.provider.synced, 't2 meta synced again')
  assert.equal(getMeta(later.doc).get(MetaKey.assignees), [ann.id], 'it learns its assignees on load')
})

test('refuses bad bodies with a 400 naming the problem, and changes nothing', async () => {
  server = await startServer()
  await importTasks(server, ids(3).map((id) => taskLine(id)).join('\n'))
  const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => createUser(server, n, 'annotator')))
  const rev = await createUser(server, 'Rae', 'reviewer')
  const bad: [unknown, RegExp][] = [
    [{ annotators: [ann.id, bob.id], per_task: 3 }, /per_task: 3 is more than the 2/],
    [{ annotators: [ann.id], per_task: 0 }, /per_task: must be at least 1/],
    [{ annotators: [ann.id], per_task: 1.5 }, /per_task: must be a whole number/],
    [{ annotators: [ann.id], per_task: '1' }, /per_task/],
    [{ annotators: [], per_task: 1 }, /annotators: name at least one/],
    [{ annotators: [ann.id, ann.id], per_task: 1 }, /named once/],
    [{ annotators: ['nobody'], per_task: 1 }, /no user "nobody"/],
    [{ annotators: [rev.id], per_task: 1 }, /is a reviewer, not an annotator/],
    [{ annotators: ['../x'], per_task: 1 }, /annotators/],
    [{ annotators: [ann.id], per_task: 1, extra: true }, /extra/],
    [{ annotators: [ann.id], per_task: 1, reassign_started: 'yes' }, /reassign_started/],
    ['not json', /./],
  ]
  for (const [body, message] of bad) {
    const res = await distribute(server, body)
    assert.is(res.status, 400, JSON.stringify(body))
    assert.match(String(res.body.error), message, JSON.stringify(res.body))
  }
  assert.is((await distribute(server, { annotators: [ann.id], per_task: 1 }, server.leadToken, 'nope')).status, 404)
  for (const id of ids(3)) assert.equal(assigneesOf(server, id), [], `${id}: nothing changed`)
  assert.is(server.running.deps.db.batch('test')!.per_task, undefined)
  const ok = await distribute(server, { annotators: [ann.id, bob.id], per_task: 2 })
  assert.is(ok.status, 200, 'control: a valid body')
  for (const id of ids(3)) assert.is(assigneesOf(server, id).length, 2)
})

test('answers 403 to a reviewer and an annotator, and 200 to the lead', async () => {
  server = await startServer()
  await importTasks(server, taskLine('t1'))
  const ann = await createUser(server, 'Ann', 'annotator')
  const rev = await createUser(server, 'Rae', 'reviewer')
  const body = { annotators: [ann.id], per_task: 1 }
  assert.is((await distribute(server, body, ann.token)).status, 403)
  assert.is((await distribute(server, body, rev.token)).status, 403)
  assert.is((await distribute(server, body, null)).status, 401)
  assert.equal(assigneesOf(server, 't1'), [])
  assert.is((await distribute(server, body)).status, 200)
  assert.equal(assigneesOf(server, 't1'), [ann.id])
})

test.run()
