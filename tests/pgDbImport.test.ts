/**
 * The import service over PgDb on two instances of one database: an import on one is served on
 * the other, and two instances importing one id at once give one winner and one conflict naming
 * the line, never a duplicate or a server error.
 */
import * as assert from 'uvu/assert'
import { importTasks } from '../server/services/tasks'
import type { ImportDeps } from '../server/services/tasks'
import type { PgDb } from '../server/storage/postgres/pgDb'
import { taskLine } from './helpers/server'
import { pgDbSuite } from './helpers/pgDbInstances'

const { test, open } = pgDbSuite('postgres records db: imports through the service')

// importTasks reads and writes only `deps.db` (rooms get their first state on their first load).
const importDeps = (db: PgDb) => ({ db }) as unknown as ImportDeps

test('an import on one instance creates its batch and is served on the other after a catch-up', async () => {
  const [a, b] = [await open(), await open()]
  const result = await importTasks(importDeps(a.db), 'b-imp', [taskLine('t-imp-a'), taskLine('t-imp-b')].join('\n'), { blind: false })
  assert.equal(result.ok && result.ids, ['t-imp-a', 't-imp-b'])
  assert.is(b.db.hasTask('t-imp-a'), false, 'control: not before the catch-up')
  await b.feed.catchUp()
  assert.is(b.db.task('t-imp-a')?.batch, 'b-imp')
  assert.is(b.db.batch('b-imp')?.blind, false)
})

test('two instances importing one id at once: one wins, the other gets a conflict on that line', async () => {
  const [a, b] = [await open(), await open()]
  const [fromA, fromB] = await Promise.all([
    importTasks(importDeps(a.db), 'b-clash', [taskLine('t-clash-a'), taskLine('t-clash')].join('\n')),
    importTasks(importDeps(b.db), 'b-clash', [taskLine('t-clash-b'), taskLine('t-clash')].join('\n')),
  ])
  const [won, lost] = fromA.ok ? [fromA, fromB] : [fromB, fromA]
  assert.is(won.ok, true, 'one import wins')
  assert.is(lost.ok, false, 'the other does not')
  if (lost.ok) return
  assert.is(lost.conflict, true)
  assert.equal(lost.errors, [{ line: 2, message: 'task id "t-clash" was imported by another request meanwhile' }])
  await Promise.all([a.feed.catchUp(), b.feed.catchUp()])
  const loserOnly = fromA.ok ? 't-clash-b' : 't-clash-a'
  const winnerOnly = fromA.ok ? 't-clash-a' : 't-clash-b'
  for (const x of [a, b]) {
    assert.is(x.db.hasTask(loserOnly), false, 'nothing of the losing import stays')
    assert.is(x.db.hasTask(winnerOnly), true, 'control: the winning import is there')
    assert.is(x.db.hasTask('t-clash'), true)
  }
})

test.run()
