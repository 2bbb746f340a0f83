/**
 * PgDb's users, batches and imports across two instances on the real PostgreSQL: a whole-list or
 * whole-record write from stale memory keeps another instance's change to other fields or other
 * records, ids are data, and an import is stored, served and taken back on every instance.
 */
import * as assert from 'uvu/assert'
import type { Batch } from '../shared/types'
import { DEFAULT_RUN_TIMEOUT_MS } from '../shared/types'
import { makeTask, makeUser, pgDbSuite } from './helpers/pgDbInstances'
import { rejection } from './helpers/rejection'

const { test, open } = pgDbSuite('postgres records db: users, batches, imports')

function makeBatch(name: string, guidelines = ''): Batch {
  const at = '2026-01-01T00:00:00.000Z'
  return { name, mode: 'collaborative', guidelines, rubric: [], blind: false, run_timeout_ms: DEFAULT_RUN_TIMEOUT_MS, createdAt: at, updatedAt: at }
}

test('replacing users from stale memory keeps what another instance changed or added', async () => {
  const [a, b] = [await open(), await open()]
  await a.db.addUser(makeUser('u-x', 'hash-x1'))
  await a.db.addUser(makeUser('u-gone'))
  await b.feed.catchUp()
  // B adds a user and changes u-x's role; A, not caught up, gives u-x a new token and removes u-gone.
  await b.db.addUser(makeUser('u-new'))
  await b.db.replaceUsers(b.db.users.map((u) => (u.id === 'u-x' ? { ...u, role: 'reviewer' as const } : u)))
  await a.db.replaceUsers(a.db.users.filter((u) => u.id !== 'u-gone').map((u) => (u.id === 'u-x' ? { ...u, tokenHash: 'hash-x2' } : u)))
  await Promise.all([a.feed.catchUp(), b.feed.catchUp()])
  for (const [name, x] of [['A', a], ['B', b]] as const) {
    assert.is(x.db.userById('u-x')?.role, 'reviewer', `${name}: B's role change stays`)
    assert.is(x.db.userByTokenHash('hash-x2')?.id, 'u-x', `${name}: A's new token signs in`)
    assert.is(x.db.userByTokenHash('hash-x1'), undefined, `${name}: the old token no longer does`)
    assert.is(x.db.userById('u-gone'), undefined, `${name}: the removed user is gone`)
    assert.ok(x.db.userById('u-new'), `${name}: the user B added meanwhile stays`)
  }
  assert.equal(
    a.db.users.map((u) => u.id),
    b.db.users.map((u) => u.id),
    'both list the users in one order',
  )
})

test('one batch is created when two instances add it at once, and batch edits merge by field', async () => {
  const [a, b] = [await open(), await open()]
  const [fromA, fromB] = await Promise.all([a.db.addBatchIfMissing(makeBatch('b-race', 'A')), b.db.addBatchIfMissing(makeBatch('b-race', 'B'))])
  assert.is(fromA.guidelines, fromB.guidelines, 'both return the one stored batch')
  const stored = fromA.guidelines
  await Promise.all([a.feed.catchUp(), b.feed.catchUp()])
  await a.db.putBatch({ ...a.db.batch('b-race')!, guidelines: 'edited on A' })
  await b.db.putBatch({ ...b.db.batch('b-race')!, per_task: 2 })
  await Promise.all([a.feed.catchUp(), b.feed.catchUp()])
  for (const x of [a, b]) {
    assert.is(x.db.batch('b-race')?.guidelines, 'edited on A')
    assert.is(x.db.batch('b-race')?.per_task, 2)
    assert.is(x.db.batches.filter((batch) => batch.name === 'b-race').length, 1)
  }
  assert.ok(stored === 'A' || stored === 'B')
})

test('hostile ids and names are data', async () => {
  const [a, b] = [await open(), await open()]
  const long = 'ü'.repeat(256) // 512 UTF-8 bytes: the longest key
  await a.db.addTasks([makeTask('__proto__'), makeTask('constructor')])
  await a.db.addUser(makeUser('__proto__', 'constructor'))
  await a.db.addBatchIfMissing(makeBatch('__proto__'))
  await a.db.addBatchIfMissing(makeBatch(long))
  await a.db.addBatchIfMissing(makeBatch('批次-🙂'))
  await a.db.putBatch({ ...a.db.batch('批次-🙂')!, guidelines: 'edited' })
  await a.db.updateTask('__proto__', (t) => void (t.prompt = 'proto task'))
  await b.feed.catchUp()
  assert.is(b.db.task('__proto__')?.prompt, 'proto task')
  assert.is(b.db.hasTask('constructor'), true)
  assert.is(b.db.hasTask('toString'), false, 'control: an inherited name is no task')
  assert.is(b.db.userByTokenHash('constructor')?.id, '__proto__')
  assert.is(b.db.userById('hasOwnProperty'), undefined)
  assert.is(b.db.batch('__proto__')?.name, '__proto__')
  assert.is(b.db.batch(long)?.name, long)
  assert.is(b.db.batch('批次-🙂')?.guidelines, 'edited')
  assert.is(Object.prototype.hasOwnProperty.call({}, 'prompt'), false, 'nothing leaked onto Object.prototype')

  const tooLong = await rejection(() => a.db.addBatchIfMissing(makeBatch(`${long}x`)), 'a batch name over 512 bytes')
  assert.instance(tooLong, RangeError)
  assert.match(tooLong.message, /at most 512 UTF-8 bytes/)
  assert.is(a.db.batch(`${long}x`), undefined)
  const badId = await rejection(() => a.db.addTasks([makeTask('tâche/1')]), 'a task id the schema refuses')
  assert.instance(badId, RangeError)
  assert.is(a.db.hasTask('tâche/1'), false)
})

test('an import is stored and served on every instance, and taken back from every instance', async () => {
  const [a, b] = [await open(), await open()]
  const discarded = a.db.stageImport()
  discarded.add(makeTask('t-imp-discarded'))
  discarded.discard()
  const staged = a.db.stageImport()
  staged.add(makeTask('t-imp-1'))
  staged.add(makeTask('t-imp-2'))
  assert.is(a.db.hasTask('t-imp-1'), false, 'staged is not stored')
  const committed = await staged.commit()
  committed.serve()
  assert.is(a.db.hasTask('t-imp-1'), true)
  await b.feed.catchUp()
  assert.is(b.db.hasTask('t-imp-2'), true, 'served on the other instance once it catches up')
  assert.is(b.db.hasTask('t-imp-discarded'), false, 'a discarded import stored nothing')
  await committed.takeBack()
  assert.is(a.db.hasTask('t-imp-1'), false)
  await b.feed.catchUp()
  assert.is(b.db.hasTask('t-imp-2'), false, 'taken back on the other instance too')
  await a.db.addTasks([makeTask('t-imp-1')])
  assert.is(a.db.hasTask('t-imp-1'), true, 'control: a taken-back id can be imported again')
})

test('a change that leaves no valid task is refused before it is stored', async () => {
  const a = await open()
  await a.db.addTasks([makeTask('t-invalid')])
  const err = await rejection(() => a.db.updateTask('t-invalid', (t) => void (t.candidates = [])), 'a task without candidates')
  assert.instance(err, RangeError)
  assert.is(a.db.task('t-invalid')?.candidates.length, 2)
  await a.db.updateTask('t-invalid', (t) => void (t.prompt = 'fine'))
  assert.is(a.db.task('t-invalid')?.prompt, 'fine', 'control: a valid change is stored')
  assert.equal(a.db.notices, [], 'no document was refused by the feed')
})

test('a document changed outside codejury is left out with a notice, and the rest is served', async () => {
  const a = await open()
  await a.docs.putMany([
    { kind: 'task', key: 't-junk', body: { id: 't-junk', prompt: 42 } },
    { kind: 'task', key: 't-elsewhere', body: makeTask('t-other-id') },
    { kind: 'task', key: 't-good', body: makeTask('t-good') },
  ])
  await a.feed.catchUp()
  assert.is(a.db.hasTask('t-good'), true, 'control: a valid document is served')
  assert.is(a.db.hasTask('t-junk'), false)
  assert.is(a.db.hasTask('t-elsewhere'), false)
  assert.is(a.db.hasTask('t-other-id'), false)
  assert.is(a.db.notices.length, 2)
  assert.match(a.db.notices[0], /record "task"\/"t-junk" \(version \d+\) is not a valid task/)
  assert.match(a.db.notices[1], /record "task"\/"t-elsewhere" \(version \d+\) holds another id; it was left out/)
  const b = await open()
  assert.is(b.db.notices.length, 2, 'an instance starting later says the same')
  assert.is(b.db.hasTask('t-good'), true)
})

test.run()
