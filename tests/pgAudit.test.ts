/**
 * The audit log over the real PostgreSQL (storage/postgres/auditLog.ts) and the write it commits
 * with (recordDocs.ts `putManyWithLog`): lines appended on one instance are read on another after
 * catch-up, by task; a line that is not an entry is skipped without stalling the rest; documents
 * and their log lines commit together or not at all; ids are data.
 */
import * as assert from 'uvu/assert'
import { PostgresAuditLog, AUDIT_LOG } from '../server/storage/postgres/auditLog'
import type { AuditCursor, AuditEntry } from '../server/storage/audit'
import { VersionConflictError } from '../server/storage/postgres/recordWrites'
import { LOCK_SPACE } from '../server/storage/postgres/lockKeys'
import { recordsSuite, settled, waitersOn } from './helpers/pgRecords'
import { rejection } from './helpers/rejection'
import { waitFor } from './helpers/waitFor'

const { test, instance, session } = recordsSuite('postgres audit log')

const logs: PostgresAuditLog[] = []
test.after.each(() => {
  logs.splice(0).forEach((l) => l.stop())
})

async function auditLog(options: ConstructorParameters<typeof PostgresAuditLog>[1] = {}): Promise<PostgresAuditLog> {
  const log = new PostgresAuditLog(instance(), { pollMs: 60_000, onBadEntry: () => {}, ...options })
  logs.push(log)
  await log.start()
  return log
}

function entry(task: string, action: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { at: '2031-05-01T10:00:00.000Z', by: 'u-ann', by_name: 'Ann', role: 'annotator', task, action, from: 'open', to: 'submitted', revision: 1, ...extra }
}

test('putManyWithLog commits documents and their log lines together, and a conflict stores neither', async () => {
  const [a, b] = [instance(), instance()]
  const { versions, seqs } = await a.putManyWithLog([{ kind: 'pwl', key: 'one', body: { n: 1 }, expectVersion: 0 }], 'pwl-log', [{ line: 1 }])
  assert.equal((await b.loadAll('pwl')).docs.map((d) => [d.key, d.body, d.version]), [['one', { n: 1 }, versions[0]]])
  assert.equal((await b.readLog('pwl-log', 0)).entries, [{ seq: seqs[0], body: { line: 1 } }])

  const conflict = await rejection(
    () => a.putManyWithLog([{ kind: 'pwl', key: 'two', body: 2 }, { kind: 'pwl', key: 'one', body: 'again', expectVersion: 0 }], 'pwl-log', [{ line: 2 }]),
    'a write whose compare-and-set fails',
  )
  assert.instance(conflict, VersionConflictError)
  const bad = await rejection(() => a.putManyWithLog([{ kind: 'pwl', key: 'three', body: 3 }], 'pwl-log', [undefined]), 'a line JSON cannot carry')
  assert.instance(bad, TypeError)
  assert.equal((await b.loadAll('pwl')).docs.map((d) => d.key), ['one'], 'neither write stored a document')
  assert.equal((await b.readLog('pwl-log', 0)).entries.length, 1, 'nor a log line')
  assert.instance(await rejection(() => a.putManyWithLog([], '', []), 'an empty log name'), RangeError)
})

test('putManyWithLog takes the documents\' lock before the log\'s, so it waits behind a document writer', async () => {
  const a = instance()
  const held = await session()
  const probe = await session()
  await held.query('BEGIN')
  await held.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_SPACE.recordDocs])
  const waiting = a.putManyWithLog([{ kind: 'order', key: 'k', body: 1 }], 'order-log', [1])
  await waitFor(async () => (await waitersOn(probe, LOCK_SPACE.recordDocs)) === 1, 'the combined write waiting for the documents\' lock')
  assert.is(await waitersOn(probe, LOCK_SPACE.recordLog), 0, 'it holds or waits for no log lock yet')
  assert.is(await settled(waiting), false)
  await held.query('COMMIT')
  const { seqs } = await waiting
  assert.equal((await a.readLog('order-log', 0)).entries.map((e) => e.seq), seqs)
})

test('a line appended on one instance is read on another after catch-up, by task, and commits only list record lines', async () => {
  const [a, b] = [await auditLog(), await auditLog()]
  await a.append(entry('x1', 'submit'))
  assert.equal(a.read('x1').map((e) => e.action), ['submit'], 'the appender reads its own line at once')
  assert.equal(b.read('x1'), [], 'the other instance has not caught up yet')
  await b.append(entry('x2', 'finalize', { record_hash: 'ab'.repeat(32), seq: 7, to: 'finalized' }))
  await a.catchUp()
  await b.catchUp()
  for (const log of [a, b]) {
    assert.equal(log.read('x1').map((e) => e.action), ['submit'])
    assert.equal(log.read('x2').map((e) => e.action), ['finalize'])
    assert.equal(log.read().map((e) => e.task), ['x1', 'x2'], 'every line, in commit order')
    assert.equal(log.commits(), [{ task: 'x2', revision: 1, record_hash: 'ab'.repeat(32), seq: 7, at: '2031-05-01T10:00:00.000Z' }])
  }
  const copy = a.read('x1')[0]
  copy.action = 'changed'
  assert.is(a.read('x1')[0].action, 'submit', 'a reader cannot change memory')
})

test('the poll brings another instance\'s line without a hint', async () => {
  const a = new PostgresAuditLog(instance(), { pollMs: 20 })
  logs.push(a)
  await a.start()
  assert.equal(a.read('poll-1'), [], 'control: not there before it is appended')
  await (await auditLog()).append(entry('poll-1', 'submit'))
  await waitFor(() => a.read('poll-1').length === 1, 'the poll bringing the line')
})

test('readSince gives each line once, like the file log\'s incremental reader', async () => {
  const a = await auditLog()
  const cursor: AuditCursor = new Map()
  a.readSince(cursor) // what earlier tests appended
  await a.append(entry('rs-1', 'submit'))
  await a.append(entry('rs-2', 'submit'))
  assert.equal(a.readSince(cursor).map((e) => e.task), ['rs-1', 'rs-2'])
  assert.equal(a.readSince(cursor), [], 'nothing new')
  await a.append(entry('rs-3', 'submit'))
  assert.equal(a.readSince(cursor).map((e) => e.task), ['rs-3'])
})

test('a line that is not an audit entry is reported and skipped, and the lines after it are read', async () => {
  const bad: [number, string][] = []
  const writer = instance()
  const [junk] = await writer.appendMany(AUDIT_LOG, ['not an entry', { task: 'nr-1' }])
  await writer.append(AUDIT_LOG, entry('nr-2', 'submit'))
  const a = await auditLog({ onBadEntry: (seq, problem) => bad.push([seq, problem]) })
  assert.equal(bad.map(([seq]) => seq), [junk, junk + 1])
  assert.match(bad[0][1], 'is an object')
  assert.equal(a.read('nr-1'), [])
  assert.equal(a.read('nr-2').map((e) => e.action), ['submit'], 'the line after them is read')
  // An append of a malformed entry is refused before anything is stored.
  const refused = await rejection(() => a.append({ ...entry('nr-3', 'submit'), revision: 'x' as unknown as number }), 'a bad append')
  assert.instance(refused, TypeError)
  await a.catchUp()
  assert.equal(a.read('nr-3'), [])
})

test('task ids are data: __proto__ and constructor are tasks like any other', async () => {
  const [a, b] = [await auditLog(), await auditLog()]
  await a.append(entry('__proto__', 'submit'))
  await a.append(entry('constructor', 'finalize', { record_hash: 'cd'.repeat(32), seq: 1 }))
  await b.catchUp()
  assert.equal(b.read('__proto__').map((e) => e.action), ['submit'])
  assert.equal(b.read('constructor').map((e) => e.action), ['finalize'])
  assert.equal(b.read('toString'), [])
  assert.equal(b.read('hasOwnProperty'), [])
  assert.is(({} as Record<string, unknown>).action, undefined, 'Object.prototype untouched')
})

test.run()
