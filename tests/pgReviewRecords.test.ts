/**
 * Review records over the real PostgreSQL (storage/postgres/reviewRecords.ts): commits from two
 * instances at once get distinct, gap-free seqs and verify on both; a record round-trips byte for
 * byte (the same bytes the file store writes); a record is never overwritten; a commit killed
 * mid-transaction leaves neither record nor audit line; ids are data.
 */
import fs from 'node:fs'
import path from 'node:path'
import os from 'node:os'
import * as assert from 'uvu/assert'
import { RecordStore } from '../server/storage/records'
import { AuditLog } from '../server/storage/audit'
import { RecordKeys } from '../server/storage/recordKey'
import { LOCK_SPACE, recordLogLockKey } from '../server/storage/postgres/lockKeys'
import { AUDIT_LOG } from '../server/storage/postgres/auditLog'
import { RECORD_KIND, RECORD_SEQ_KIND } from '../server/storage/postgres/reviewRecords'
import { VersionConflictError } from '../server/storage/postgres/recordWrites'
import { recordsSuite, waitersOn } from './helpers/pgRecords'
import { commitRecord, FINALIZE, keyDir, startReviewNode } from './helpers/pgReviewNode'
import type { ReviewNode } from './helpers/pgReviewNode'
import type { AuditTrail, ReviewRecordStore } from '../server/storage/recordStores'
import { WorkflowIndex } from '../server/services/workflowIndex'
import { makeRecord } from './helpers/makeRecord'
import { rejection } from './helpers/rejection'
import { waitFor } from './helpers/waitFor'

const { test, instance, session } = recordsSuite('postgres review records')

// Every instance of the suite's database shares one signing key, as the instances of a deployment do.
const keys = keyDir()
const nodes: ReviewNode[] = []
test.after.each(() => {
  nodes.splice(0).forEach((n) => n.stop())
})
test.after(() => keys.remove())

async function node(keyFile = keys.file()): Promise<ReviewNode> {
  const n = await startReviewNode(instance(), keyFile)
  nodes.push(n)
  return n
}

const auditOf = (n: ReviewNode, prefix: string) => n.audit.read().filter((e) => e.task.startsWith(prefix))

test('two instances finalizing at once get distinct, gap-free seqs, and every record verifies on both', async () => {
  const [a, b] = [await node(), await node()]
  const base = a.store.lastSeq
  const ids = Array.from({ length: 10 }, (_, i) => i)
  const sealed = await Promise.all(ids.flatMap((i) => [commitRecord(a, { taskId: `cc-a${i}` }), commitRecord(b, { taskId: `cc-b${i}` })]))
  const seqs = sealed.map((r) => r.seq).sort((x, y) => x - y)
  assert.equal(seqs, Array.from({ length: 20 }, (_, i) => base + i + 1), 'distinct and gap-free')
  await Promise.all([a.catchUp(), b.catchUp()])
  for (const n of [a, b]) {
    for (const r of sealed) assert.equal(n.store.read(r.task_id, r.revision), r, `${r.task_id} verifies on both`)
    assert.is(n.store.lastSeq, base + 20)
    const commits = auditOf(n, 'cc-').map((e) => [e.task, e.seq, e.record_hash])
    assert.equal(new Set(commits.map((c) => c[1])).size, 20, 'one audit line per commit')
    for (const r of sealed) assert.ok(commits.some(([t, s, h]) => t === r.task_id && s === r.seq && h === r.record_hash))
  }
})

test('a record round-trips byte for byte: PostgreSQL holds the text the file store writes, and it reads back the same', async () => {
  const a = await node()
  const base = a.store.lastSeq
  const now = new Date('2031-01-02T03:04:05.678Z')
  // Text that JSON escapes and that a jsonb column would change (key order, numbers, escapes).
  const solution = 'def add(a, b):\n    return a + b  # "é" \u2028 \\ 1.0e5\n'
  const stored = await commitRecord(a, { taskId: 'rt-1', solution, ratings: { b: { z: 1, a: 5 } } }, now)
  const raw = await session()
  const { rows } = await raw.query('SELECT body FROM record_docs WHERE kind = $1 AND key = $2', [RECORD_KIND, 'rt-1/1'])
  assert.is(rows[0].body, JSON.stringify(stored))

  // The file store, with the same key and the same seq, writes the same bytes plus a newline.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codejury-pgrt-'))
  try {
    const audit = new AuditLog(dir)
    const files = new RecordStore(dir, RecordKeys.open(keys.file()), audit)
    for (let i = 0; i < base; i++) files.commit((at) => makeRecord({ taskId: `pad${i}`, finalizedAt: at }), FINALIZE, new Date(0))
    files.commit((at) => makeRecord({ taskId: 'rt-1', solution, ratings: { b: { z: 1, a: 5 } }, finalizedAt: at }), FINALIZE, now)
    assert.is(fs.readFileSync(path.join(dir, 'records', 'rt-1', '1.json'), 'utf8'), `${rows[0].body}\n`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }

  const b = await node()
  const back = b.store.read('rt-1', 1)
  assert.is(JSON.stringify(back), rows[0].body, 'another instance reads the same text')
  assert.is(b.keys.check(back!.record_hash, back!.signature, back!.key_id), 'ok')
})

test('a record is never overwritten: a second commit of a revision is refused, from either instance, and takes no seq', async () => {
  const [a, b] = [await node(), await node()]
  const first = await commitRecord(a, { taskId: 'ow-1', solution: 'first' })
  // b has not caught up: its memory does not know the record, so PostgreSQL refuses it.
  assert.is(b.store.has('ow-1', 1), false)
  const refused = await rejection(() => commitRecord(b, { taskId: 'ow-1', solution: 'second' }), 'a second commit')
  assert.match(refused.message, 'ow-1/1 is already committed')
  assert.is(b.store.has('ow-1', 1), true, 'the refusal brought b up to date')
  assert.equal(b.store.read('ow-1', 1), first, 'the first record stays')
  const raw = await rejection(() => a.feed.docs.put(RECORD_KIND, 'ow-1/1', { forged: true }, 0), 'a raw put expecting absence')
  assert.instance(raw, VersionConflictError)
  // Positive control: the next revision commits, with the very next seq.
  const next = await commitRecord(b, { taskId: 'ow-1', revision: 2 })
  assert.is(next.seq, first.seq + 1)
  assert.equal(auditOf(b, 'ow-').map((e) => [e.revision, e.seq]), [[1, first.seq], [2, first.seq + 1]], 'one audit line each')
})

test('two instances finalizing the same revision at once: one record commits, the other is refused, and no seq is lost', async () => {
  const [a, b] = [await node(), await node()]
  const base = a.store.lastSeq
  const outcomes = await Promise.allSettled([commitRecord(a, { taskId: 'race-1', solution: 'from a' }), commitRecord(b, { taskId: 'race-1', solution: 'from b' })])
  const won = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<Awaited<ReturnType<typeof commitRecord>>>).value)
  const lost = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as Error)
  assert.is(won.length, 1, 'exactly one commits')
  assert.match(lost[0].message, 'race-1/1 is already committed')
  assert.is(won[0].seq, base + 1)
  await Promise.all([a.catchUp(), b.catchUp()])
  for (const n of [a, b]) {
    assert.equal(n.store.read('race-1', 1), won[0])
    assert.equal(auditOf(n, 'race-').map((e) => e.seq), [base + 1], 'one audit line')
  }
  assert.is((await commitRecord(b, { taskId: 'race-2' })).seq, base + 2, 'the next commit takes the next seq')
})

test('a commit killed mid-transaction leaves neither record, nor seq, nor audit line, so recovery has nothing to do', async () => {
  const [a, b] = [await node(), await node()]
  const base = a.store.lastSeq
  const held = await session()
  const probe = await session()
  // Hold the audit log's lock: a's commit writes its record and counter, then waits for it.
  await held.query('BEGIN')
  await held.query('SELECT pg_advisory_xact_lock($1, $2)', recordLogLockKey(AUDIT_LOG))
  const killed = rejection(() => commitRecord(a, { taskId: 'kill-1' }), 'the killed commit')
  await waitFor(async () => (await waitersOn(probe, LOCK_SPACE.recordLog)) === 1, "a's commit waiting for the audit log's lock")
  const written = await probe.query(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'transactionid' AND pid = (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted LIMIT 1)`,
  )
  assert.ok(written.rows[0].n >= 1, 'the waiting commit had written rows (it holds a transaction id)')
  const { rows } = await probe.query(`SELECT pg_terminate_backend(pid) AS done FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)
  assert.equal(rows.map((r) => r.done), [true])
  assert.match((await killed).message, 'terminating connection')
  await held.query('COMMIT')

  await b.catchUp()
  assert.is(b.store.has('kill-1', 1), false)
  assert.equal(auditOf(b, 'kill-'), [])
  const docs = await b.feed.docs.loadAll(RECORD_KIND)
  assert.is(docs.docs.some((d) => d.key === 'kill-1/1'), false, 'no record row')
  const counter = (await b.feed.docs.loadAll(RECORD_SEQ_KIND)).docs
  assert.is(counter.length ? (counter[0].body as { seq: number }).seq : 0, base, 'the counter did not move')
  assert.equal([a.store.uncommittedFiles(), b.store.uncommittedFiles()], [[], []], 'nothing half-committed to recover')

  // Positive control: the same commit now goes through, with the seq the killed one never took.
  const done = await commitRecord(a, { taskId: 'kill-1' })
  assert.is(done.seq, base + 1)
  await b.catchUp()
  assert.equal(b.store.read('kill-1', 1), done)
  assert.equal(auditOf(b, 'kill-').map((e) => e.seq), [base + 1])
})

test('hostile ids are refused before anything is written, and __proto__ is an ordinary task id', async () => {
  const a = await node()
  const before = (await a.feed.docs.loadAll(RECORD_KIND)).docs.length
  for (const taskId of ['../x', 'a/1', '', 'x'.repeat(65), 'a\u0000b', 'é']) {
    const err = await rejection(() => commitRecord(a, { taskId }), `task id ${JSON.stringify(taskId)}`)
    assert.instance(err, RangeError)
  }
  for (const revision of [0, -1, 1.5, 1e10]) {
    assert.instance(await rejection(() => commitRecord(a, { taskId: 'rev-bad', revision }), `revision ${revision}`), RangeError)
  }
  assert.is((await a.feed.docs.loadAll(RECORD_KIND)).docs.length, before, 'nothing was written')

  const proto = await commitRecord(a, { taskId: '__proto__' })
  const ctor = await commitRecord(a, { taskId: 'constructor' })
  assert.equal(a.store.read('__proto__', 1), proto)
  assert.equal(a.store.read('constructor', 1), ctor)
  assert.ok(a.store.taskIds().includes('__proto__'))
  assert.equal(a.store.revisions('toString'), [])
  assert.is(a.store.read('hasOwnProperty', 1), null)
  assert.equal(a.audit.read('__proto__').map((e) => e.seq), [proto.seq])
  assert.is(({} as Record<string, unknown>).seq, undefined, 'Object.prototype untouched')
})

test('a record changed in the database after its commit is refused on every read, and the others still read', async () => {
  const [a, b] = [await node(), await node()]
  const kept = await commitRecord(a, { taskId: 'tamper-ok' })
  await commitRecord(a, { taskId: 'tamper-1' })
  const raw = await session()
  await raw.query(
    `UPDATE record_docs SET body = replace(body, 'Because.', 'Because!'), version = nextval('record_version') WHERE kind = $1 AND key = $2`,
    [RECORD_KIND, 'tamper-1/1'],
  )
  await Promise.all([a.catchUp(), b.catchUp()])
  for (const n of [a, b]) {
    assert.throws(() => n.store.read('tamper-1', 1), /fails its integrity check/)
    assert.equal(n.store.read('tamper-ok', 1), kept)
  }
})

test('the PostgreSQL stores serve the surface the services use, and the workflow index follows the PostgreSQL audit log', async () => {
  const [a, b] = [await node(), await node()]
  // Compile-time: both implementations are what the services take.
  const records: ReviewRecordStore = a.store
  const audit: AuditTrail = a.audit
  const index = new WorkflowIndex(b.audit)
  assert.equal(index.catchUp().eventsOf('wi-1'), [], 'control: nothing before the commit')
  const r = await records.commit((at) => makeRecord({ taskId: 'wi-1', finalizedAt: at }), FINALIZE, new Date())
  assert.equal(audit.commits().filter((c) => c.task === 'wi-1').map((c) => c.seq), [r.seq])
  await b.catchUp()
  assert.equal(index.catchUp().eventsOf('wi-1'), [{ task: 'wi-1', revision: 1, action: 'finalize', by: 'u-lead' }])
  assert.equal(index.catchUp().eventsOf('wi-1').length, 1, 'each line is taken once')
})

test.run()
