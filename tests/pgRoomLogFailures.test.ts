/**
 * The PostgreSQL room log with work caught inside its transaction, against the real PostgreSQL.
 * A test-only trigger holds a write to a `gated:` room's updates on an advisory lock the test
 * owns (the gate), so an append or a compaction can be stopped mid-transaction, and its backend
 * killed there with pg_terminate_backend or raced by a seal.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { Client } from 'pg'
import type { Pool } from 'pg'
import { PostgresRoomLog } from '../server/storage/postgres/roomLog'
import { migrate } from '../server/storage/postgres/migrations'
import { compactionLeaseKey } from '../server/storage/postgres/lockKeys'
import { RoomSealedError } from '../server/storage/roomLog'
import { suiteDatabase } from './helpers/postgres'
import type { TestDatabase } from './helpers/postgres'
import { rejection } from './helpers/rejection'
import { waitFor } from './helpers/waitFor'

const test = suite('postgres room log failures')
const GATE = [7, 7]
const GATE_SQL = `
CREATE FUNCTION test_gate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (CASE WHEN TG_OP = 'DELETE' THEN OLD.room ELSE NEW.room END) LIKE 'gated:%' THEN
    PERFORM pg_advisory_xact_lock_shared(${GATE[0]}, ${GATE[1]});
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER test_gate BEFORE INSERT OR DELETE ON room_updates FOR EACH ROW EXECUTE FUNCTION test_gate();`

let db: TestDatabase
let watcher: Pool
let gate: Client | null = null
const open: PostgresRoomLog[] = []

const shared = suiteDatabase(async (made) => {
  watcher = made.pool({ max: 2 })
  await migrate(watcher)
  await watcher.query(GATE_SQL)
})
test.before.each(async () => {
  db = await shared.get()
})
test.after(() => shared.drop())
test.after.each(async () => {
  await gate?.end().catch(() => {})
  gate = null
  await Promise.all(open.splice(0).map((log) => log.close()))
})

function instance(applicationName: string): PostgresRoomLog {
  const log = new PostgresRoomLog(db.pool({ max: 2, application_name: applicationName }), { onIdleError: () => {} })
  open.push(log)
  return log
}

/** Closes the gate: gated writes wait until `openGate`. */
async function closeGate(): Promise<void> {
  gate = new Client({ connectionString: db.url })
  gate.on('error', () => {})
  await gate.connect()
  await gate.query('SELECT pg_advisory_lock($1, $2)', GATE)
}

async function openGate(): Promise<void> {
  await gate?.query('SELECT pg_advisory_unlock($1, $2)', GATE)
}

/** The backend of `applicationName` once it waits on an advisory lock (the gate or a lease). */
async function waitingBackend(applicationName: string): Promise<number> {
  let pid = 0
  await waitFor(async () => {
    const { rows } = await watcher.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1
         AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
      [applicationName],
    )
    pid = rows[0]?.pid ?? 0
    return pid !== 0
  }, `${applicationName} waiting at the gate`)
  return pid
}

/** Kills backend `pid` and waits until PostgreSQL has let it go (its locks with it). */
async function kill(pid: number): Promise<void> {
  const { rows } = await watcher.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid])
  assert.ok(rows[0].ok, `terminated backend ${pid}`)
  await waitFor(
    async () => (await watcher.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length === 0,
    `backend ${pid} gone`,
  )
}

function edits(n: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < n; i++) doc.getText('t').insert(0, 'k')
  return { doc, updates }
}

test('an append whose session is killed mid-transaction rejects and leaves no row, and the next append takes its number', async () => {
  const log = instance('cj-victim-append')
  const { updates } = edits(4)
  assert.equal([await log.append('gated:append', updates[0]), await log.append('gated:append', updates[1])], [1, 2])

  await closeGate()
  const pending = log.append('gated:append', updates[2])
  const outcome = rejection(() => pending, 'the killed append')
  const pid = await waitingBackend('cj-victim-append')
  // Caught inside its statement: the room's head is already bumped in its transaction.
  const { rows: locks } = await watcher.query(
    `SELECT mode FROM pg_locks WHERE pid = $1 AND relation = 'room_logs'::regclass AND granted`,
    [pid],
  )
  assert.ok(locks.some((l) => l.mode === 'RowExclusiveLock'), JSON.stringify(locks))
  await kill(pid)
  assert.match((await outcome).message, /terminat/)
  await openGate()

  const stored = await log.load('gated:append')
  assert.equal([stored.head, stored.updates.length], [2, 2])
  const { rows } = await watcher.query("SELECT seq FROM room_updates WHERE room = 'gated:append' ORDER BY seq")
  assert.equal(rows.map((r) => Number(r.seq)), [1, 2])
  // The pool replaced the killed connection; the next append gets the number the killed one lost.
  assert.is(await log.append('gated:append', updates[3]), 3)
})

test('a compaction killed mid-transaction changes nothing, holds its lease until then, and the lease lapses for the next', async () => {
  const victim = instance('cj-victim-compact')
  const other = instance('cj-other')
  const { doc, updates } = edits(5)
  for (const u of updates) await other.append('gated:compact', u)
  const state = Y.encodeStateAsUpdate(doc)

  await closeGate()
  const outcome = rejection(() => victim.compact('gated:compact', state, 5), 'the killed compaction')
  const pid = await waitingBackend('cj-victim-compact')
  assert.is(await other.compact('gated:compact', state, 5), false, 'the lease is held by the stuck compaction')
  await kill(pid)
  assert.match((await outcome).message, /terminat/)
  await openGate()

  const before = await other.load('gated:compact')
  assert.equal([before.snapshot, before.snapshotSeq, before.updates.length, before.head], [null, 0, 5, 5])
  assert.ok(await other.compact('gated:compact', state, 5), 'the dead session lost its lease')
  const after = await other.load('gated:compact')
  assert.equal([after.snapshotSeq, after.updates.length], [5, 0])
})

test("a lease taken by another session refuses a room's compaction, not another room's, and lapses when the session dies", async () => {
  const log = instance('cj-compactor')
  const { doc, updates } = edits(3)
  for (const u of updates) {
    await log.append('task:leased', u)
    await log.append('task:free', u)
  }
  const state = Y.encodeStateAsUpdate(doc)
  await closeGate()
  await gate!.query('BEGIN')
  const { rows } = await gate!.query('SELECT pg_try_advisory_xact_lock($1, $2) AS got, pg_backend_pid() AS pid', compactionLeaseKey('task:leased'))
  assert.ok(rows[0].got)

  assert.is(await log.compact('task:leased', state, 3), false)
  assert.equal((await log.load('task:leased')).snapshotSeq, 0)
  assert.ok(await log.compact('task:free', state, 3))
  await kill(rows[0].pid)
  assert.ok(await log.compact('task:leased', state, 3))
})

test('a seal issued while an append is inside its transaction waits for it, and refuses every append after it', async () => {
  const appender = instance('cj-appender')
  const sealer = instance('cj-sealer')
  const { updates } = edits(2)
  await closeGate()
  const inFlight = appender.append('gated:fence', updates[0])
  await waitingBackend('cj-appender')
  const sealing = sealer.seal('gated:fence')
  // The seal queues behind the append's lock on the room's row (any lock wait but the gate's).
  await waitFor(async () => {
    const { rows } = await watcher.query(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = 'cj-sealer' AND wait_event_type = 'Lock'
         AND wait_event <> 'advisory'`,
    )
    return rows.length === 1
  }, 'the seal waiting for the append')
  await openGate()
  assert.is(await inFlight, 1, 'the append that came first is stored')
  await sealing
  assert.instance(await rejection(() => appender.append('gated:fence', updates[1]), 'append after the seal'), RoomSealedError)
  assert.equal(await sealer.load('gated:fence').then((s) => [s.head, s.sealed]), [1, true])
})

test.run()
