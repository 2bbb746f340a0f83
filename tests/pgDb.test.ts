/**
 * PgDb against the real PostgreSQL, as two instances on one database: a write lands in memory
 * only through the feed, reaches the other instance on catch-up, applies to the latest state
 * when both write one record, and a failed write leaves memory as it was.
 */
import * as assert from 'uvu/assert'
import { VersionConflictError } from '../server/storage/postgres/recordDocs'
import { ADD_TASKS_CHUNK } from '../server/storage/postgres/pgDbTasks'
import type { TaskChange } from '../server/storage/recordsDb'
import { TaskIndex } from '../server/services/taskIndex'
import { makeTask, makeUser, pgDbSuite } from './helpers/pgDbInstances'
import { rejection } from './helpers/rejection'
import { waitFor } from './helpers/waitFor'

const { test, open, session } = pgDbSuite('postgres records db')

test('a user added on one instance is found by token hash on another after its catch-up', async () => {
  const [a, b] = [await open(), await open()]
  await a.db.addUser(makeUser('u-find', 'hash-find'))
  assert.is(a.db.userByTokenHash('hash-find')?.id, 'u-find', 'the writer reads its own write')
  assert.is(b.db.userByTokenHash('hash-find'), undefined, 'control: not on the other instance before its catch-up')
  await b.feed.catchUp()
  assert.is(b.db.userByTokenHash('hash-find')?.id, 'u-find')
  assert.is(b.db.userById('u-find')?.name, 'User u-find')
  assert.ok(b.db.users.some((u) => u.id === 'u-find'))
})

test('concurrent updates of one task on two instances both land', async () => {
  const [a, b] = [await open(), await open()]
  await a.db.addTasks([makeTask('t-race')])
  await b.feed.catchUp()
  let calls = 0
  // Both start from the same version: one compare-and-set loses and is built again on the winner.
  await Promise.all([
    a.db.updateTask('t-race', (t) => {
      calls++
      t.prompt += ' +A'
    }),
    b.db.updateTask('t-race', (t) => {
      calls++
      t.tests = 'assert B'
    }),
  ])
  assert.is(calls, 3, 'exactly one side lost its compare-and-set and ran its change again')
  await Promise.all([a.feed.catchUp(), b.feed.catchUp()])
  for (const [name, x] of [['A', a], ['B', b]] as const) {
    const task = x.db.task('t-race')!
    assert.is(task.prompt, 'Task t-race +A', `${name} holds A's change`)
    assert.is(task.tests, 'assert B', `${name} holds B's change`)
  }
})

test('the other instance tells its task listeners each change with what it held before', async () => {
  const [a, b] = [await open(), await open()]
  const heard: TaskChange[] = []
  b.db.onTasksChanged((changes) => heard.push(...changes))
  await a.db.addTasks([makeTask('t-heard')])
  assert.equal(heard, [], 'control: nothing before the catch-up')
  await b.feed.catchUp()
  assert.is(heard.length, 1)
  assert.is(heard[0].before, undefined, 'an added task has no before')
  assert.is(heard[0].after.id, 't-heard')

  await a.db.updateTask('t-heard', (t) => {
    t.status = 'in_progress'
  })
  await b.feed.catchUp()
  assert.is(heard.length, 2)
  assert.is(heard[1].before?.status, 'open')
  assert.is(heard[1].after.status, 'in_progress')
  assert.is(b.db.task('t-heard')?.status, 'in_progress')
})

test('the task index of another instance follows a write once that instance catches up', async () => {
  const [a, b] = [await open(), await open()]
  await a.db.addTasks([makeTask('t-index')])
  await b.feed.catchUp()
  const index = TaskIndex.of(b.db)
  const assignedSlots = () => [...index.assignedTo('u-idx')].map((slot) => index.at(slot).id)
  await a.db.setAssignees(new Map([['t-index', ['u-idx']]]))
  assert.equal(assignedSlots(), [], 'control: B has not caught up')
  await b.feed.catchUp()
  assert.equal(assignedSlots(), ['t-index'])
})

test('assignees set on one instance round-trip to the other and back', async () => {
  const [a, b] = [await open(), await open()]
  await a.db.addTasks([makeTask('t-as1'), makeTask('t-as2'), { ...makeTask('t-as3'), assignees: ['u1'] }])
  const made = await a.db.setAssignees(
    new Map([
      ['t-as1', ['u1', 'u2']],
      ['t-as2', ['u1']],
      ['t-as3', ['u1']],
      ['t-missing', ['u1']],
    ]),
  )
  assert.equal(made.map((c) => c.after.id), ['t-as1', 't-as2'], 'unknown ids and unchanged assignees are left out')
  assert.equal(made[0].before?.assignees, [])
  assert.equal(a.db.task('t-as1')?.assignees, ['u1', 'u2'])
  await b.feed.catchUp()
  assert.equal(b.db.task('t-as1')?.assignees, ['u1', 'u2'])
  assert.equal(b.db.task('t-as2')?.assignees, ['u1'])

  // An assignment and a task change racing on one record: neither puts back what the other replaced.
  await Promise.all([
    b.db.setAssignees(new Map([['t-as1', []]])),
    a.db.updateTask('t-as1', (t) => {
      t.status = 'in_progress'
    }),
  ])
  await Promise.all([a.feed.catchUp(), b.feed.catchUp()])
  for (const x of [a, b]) {
    assert.equal(x.db.task('t-as1')?.assignees, [])
    assert.is(x.db.task('t-as1')?.status, 'in_progress')
  }
})

test('a write on an ended pool rejects and leaves memory as it was', async () => {
  const [a, b] = [await open(), await open()]
  await a.db.addTasks([makeTask('t-fail')])
  await a.db.updateTask('t-fail', (t) => {
    t.prompt = 'stored'
  })
  assert.is(a.db.task('t-fail')?.prompt, 'stored', 'control: a write on a live pool lands')
  await a.docs.close()
  await rejection(() => a.db.updateTask('t-fail', (t) => void (t.prompt = 'lost')), 'an update on an ended pool')
  assert.is(a.db.task('t-fail')?.prompt, 'stored')
  await rejection(() => a.db.addUser(makeUser('u-fail')), 'adding a user on an ended pool')
  assert.is(a.db.userById('u-fail'), undefined)
  await rejection(() => a.db.setAssignees(new Map([['t-fail', ['u1']]])), 'assigning on an ended pool')
  assert.equal(a.db.task('t-fail')?.assignees, [])
  let unsaved: unknown = null
  const served = await a.db.updateTaskCommitted('t-fail', (t) => void (t.status = 'finalized'), (err) => (unsaved = err))
  assert.ok(unsaved, 'a committed change that cannot be stored is reported')
  assert.is(served.status, 'finalized', 'and returned as changed')
  assert.is(a.db.task('t-fail')?.status, 'open', 'but memory holds only what PostgreSQL holds')
  await b.feed.catchUp()
  assert.is(b.db.task('t-fail')?.prompt, 'stored', 'the other instance never saw the failed writes')
})

test('a committed task change the database refuses is served only once a background retry stores it', async () => {
  const [a, b] = [await open(), await open()]
  await a.db.addTasks([makeTask('t-retry')])
  const admin = await session()
  // A real refusal, lifted later: the database rejects any finalized task for a while.
  await admin.query(`ALTER TABLE record_docs ADD CONSTRAINT no_finalized CHECK (body IS NULL OR body NOT LIKE '%"finalized"%')`)
  try {
    let unsaved: unknown = null
    const served = await a.db.updateTaskCommitted('t-retry', (t) => void (t.status = 'finalized'), (err) => (unsaved = err))
    assert.match(String(unsaved), /no_finalized/, 'the refusal is reported')
    assert.is(served.status, 'finalized')
    assert.is(a.db.task('t-retry')?.status, 'open', 'memory holds only what PostgreSQL holds')
  } finally {
    await admin.query('ALTER TABLE record_docs DROP CONSTRAINT no_finalized')
  }
  await waitFor(() => a.db.task('t-retry')?.status === 'finalized', 'the background retry storing the finalize')
  await b.feed.catchUp()
  assert.is(b.db.task('t-retry')?.status, 'finalized', 'and every instance serves it')
})

test('a compare-and-set that loses leaves memory as it was', async () => {
  const [a, b] = [await open(), await open()]
  await b.db.addUser(makeUser('u-taken', 'hash-b'))
  const conflict = await rejection(() => a.db.addUser(makeUser('u-taken', 'hash-a')), 'adding a taken user id')
  assert.instance(conflict, VersionConflictError, 'a user id another instance took is refused')
  assert.is(a.db.userByTokenHash('hash-a'), undefined)
  await a.db.addUser(makeUser('u-fresh', 'hash-fresh'))
  assert.is(a.db.userByTokenHash('hash-fresh')?.id, 'u-fresh', 'control: a new id is added')
  await a.feed.catchUp()
  assert.is(a.db.userById('u-taken')?.tokenHash, 'hash-b', 'the winner is what every instance holds')
})

test('an add of many tasks that fails in a later chunk takes back the chunks before it', async () => {
  const [a, b] = [await open(), await open()]
  await b.db.addTasks([makeTask('t-bulk-last')])
  const tasks = Array.from({ length: ADD_TASKS_CHUNK + 5 }, (_, i) => makeTask(`t-bulk-${i}`))
  tasks[tasks.length - 1] = makeTask('t-bulk-last') // taken on B; A has not caught up
  assert.instance(await rejection(() => a.db.addTasks(tasks), 'adding a taken task id'), VersionConflictError)
  assert.is(a.db.hasTask('t-bulk-0'), false, 'the first chunk was taken back')
  assert.is(a.db.hasTask(`t-bulk-${ADD_TASKS_CHUNK - 1}`), false)
  await b.feed.catchUp()
  assert.is(b.db.hasTask('t-bulk-0'), false, 'on the other instance too')
  assert.is(b.db.hasTask('t-bulk-last'), true, 'control: the task that was there stays')
  await a.db.addTasks(tasks.slice(0, ADD_TASKS_CHUNK + 1))
  assert.is(a.db.hasTask(`t-bulk-${ADD_TASKS_CHUNK}`), true, 'control: the same ids add once nothing clashes')
})

test.run()
