/**
 * Schema migrations against the real PostgreSQL: each test gets a database of its own. Test
 * migrations are deliberately not idempotent (plain CREATE TABLE, a row per run), so a version
 * applied twice fails or shows.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Client } from 'pg'
import { MIGRATIONS, SchemaMismatchError, migrate } from '../server/storage/postgres/migrations'
import type { Migration } from '../server/storage/postgres/migrations'
import { LOCK_SPACE } from '../server/storage/postgres/lockKeys'
import { createTestDatabase } from './helpers/postgres'
import type { TestDatabase } from './helpers/postgres'
import { rejection } from './helpers/rejection'
import { waitFor } from './helpers/waitFor'

const test = suite('postgres migrations')
const GATE = [7, 8]
let db: TestDatabase | null = null
let gate: Client | null = null

test.before.each(async () => {
  db = await createTestDatabase()
})
test.after.each(async () => {
  await gate?.end().catch(() => {})
  gate = null
  await db?.drop()
  db = null
})

/** Version n creates table t<n> and records a run of itself in `runs`. */
function version(n: number, extra = ''): Migration {
  const runs = n === 1 ? 'CREATE TABLE runs (version int NOT NULL);' : ''
  return { version: n, name: `test ${n}`, sql: `${runs}${extra} CREATE TABLE t${n} (x int); INSERT INTO runs VALUES (${n});` }
}

async function rowsOf(sql: string): Promise<unknown[][]> {
  const pool = db!.pool({ max: 1 })
  try {
    return (await pool.query({ text: sql, rowMode: 'array' })).rows
  } finally {
    await pool.end()
  }
}

test('two runners started at once apply each version once: one applies, the other waits and finds nothing to do', async () => {
  // Version 2 waits on a gate the test holds, so both runners are surely running at once.
  const list = [version(1), version(2, `SELECT pg_advisory_xact_lock_shared(${GATE[0]}, ${GATE[1]});`), version(3)]
  gate = new Client({ connectionString: db!.url })
  gate.on('error', () => {})
  await gate.connect()
  await gate.query('SELECT pg_advisory_lock($1, $2)', GATE)

  const [a, b] = [db!.pool({ max: 1 }), db!.pool({ max: 1 })]
  // Settled, so a runner that fails early is reported by the assertions below, not as an unhandled rejection.
  const runs = Promise.allSettled([migrate(a, list), migrate(b, list)])
  await waitFor(async () => {
    const { rows } = await gate!.query(
      `SELECT classid::bigint AS space, objid::bigint AS key FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    )
    const waiting = rows.map((r) => `${r.space}/${r.key}`).sort()
    return waiting.join() === [`${GATE[0]}/${GATE[1]}`, `${LOCK_SPACE.migrations}/0`].sort().join()
  }, 'one runner at the gate and the other at the migration lock')
  await gate.query('SELECT pg_advisory_unlock($1, $2)', GATE)

  const results = (await runs).map((r) => {
    if (r.status === 'rejected') throw new Error(`a runner failed: ${(r.reason as Error).message}`)
    return r.value
  })
  assert.equal(results.map((r) => r.applied).sort((x, y) => y.length - x.length), [[1, 2, 3], []])
  assert.equal(results.map((r) => r.version), [3, 3])
  assert.equal(await rowsOf('SELECT version, name FROM codejury_migrations ORDER BY version'), [
    [1, 'test 1'],
    [2, 'test 2'],
    [3, 'test 3'],
  ])
  assert.equal(await rowsOf('SELECT version FROM runs ORDER BY version'), [[1], [2], [3]])
})

test('refuses a database migrated by newer code with a message naming both versions, and starts against its own', async () => {
  const pool = db!.pool({ max: 1 })
  assert.equal((await migrate(pool, [version(1), version(2), version(3)])).applied, [1, 2, 3])

  const refused = await rejection(() => migrate(pool, [version(1), version(2)]), 'older code')
  assert.instance(refused, SchemaMismatchError)
  assert.match(refused.message, 'the database is at schema version 3 ("test 3")')
  assert.match(refused.message, 'this codejury knows versions up to 2')
  assert.match(refused.message, 'refusing to start')

  const renamed = [version(1), { ...version(2), name: 'something else' }, version(3)]
  assert.match((await rejection(() => migrate(pool, renamed), 'another history')).message, 'another build')

  assert.equal(await migrate(pool, [version(1), version(2), version(3)]), { applied: [], version: 3 })
  assert.equal((await migrate(pool, [version(1), version(2), version(3), version(4)])).applied, [4])
  assert.equal(await rowsOf('SELECT version FROM runs ORDER BY version'), [[1], [2], [3], [4]])
})

test('rolls a failing migration back whole, records nothing of it, and lets the next runner apply the fixed one', async () => {
  const pool = db!.pool({ max: 1 })
  const broken = [version(1), version(2, 'CREATE TABLE half (x int); SELECT no_such_function();')]
  const failed = await rejection(() => migrate(pool, broken), 'a broken migration')
  assert.match(failed.message, 'schema migration 2 ("test 2") failed and was rolled back')
  assert.equal(await rowsOf('SELECT version FROM codejury_migrations'), [[1]])
  assert.equal(await rowsOf("SELECT to_regclass('half') IS NULL, to_regclass('t2') IS NULL"), [[true, true]])

  // The failed runner released the lock: this one does not wait.
  assert.equal((await migrate(pool, [version(1), version(2)])).applied, [2])
})

test('applies the room log schema once and refuses a list whose versions skip', async () => {
  const pool = db!.pool({ max: 1 })
  assert.equal(await migrate(pool), { applied: MIGRATIONS.map((m) => m.version), version: MIGRATIONS.length })
  assert.equal(await migrate(pool), { applied: [], version: MIGRATIONS.length })
  assert.equal(await rowsOf("SELECT to_regclass('room_logs') IS NOT NULL, to_regclass('room_updates') IS NOT NULL"), [
    [true, true],
  ])
  assert.instance(await rejection(() => migrate(pool, [version(1), version(3)]), 'a gap'), RangeError)
})

test.run()
