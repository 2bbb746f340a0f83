/** The review record store: committed by audit lines, signed, verified on every read, stamped in order. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { RecordIntegrityError, RecordStore } from '../server/storage/records'
import { AuditLog } from '../server/storage/audit'
import { RecordKeys } from '../server/storage/recordKey'
import { sealRecord } from '../shared/record'
import { makeRecord } from './helpers/makeRecord'
import type { MakeRecordOptions } from './helpers/makeRecord'
import { tempDir } from './helpers/server'

const test = suite('record store')
let dir = ''
test.before.each(() => {
  dir = tempDir('codejury-recordstore-')
})
test.after.each(() => fs.rmSync(dir, { recursive: true, force: true }))

function openStore(): { store: RecordStore; audit: AuditLog } {
  const audit = new AuditLog(dir)
  return { store: new RecordStore(dir, RecordKeys.open(path.join(dir, 'keys', 'record-key.pem')), audit), audit }
}

const ENTRY = { by: 'u-lead', by_name: 'Lee', role: 'lead', action: 'finalize', from: 'submitted', to: 'finalized' }

function commit(store: RecordStore, o: MakeRecordOptions, now: Date) {
  return store.commit((finalizedAt) => makeRecord({ ...o, finalizedAt }), ENTRY, now)
}

test('refuses a record altered on disk after it was read and verified once', () => {
  const { store } = openStore()
  const good = commit(store, { taskId: 't1' }, new Date())
  const other = commit(store, { taskId: 't2' }, new Date())
  assert.equal(store.read('t1', 1), good, 'the first read verifies it')
  assert.equal(store.read('t1', 1), good, 'a second read of the same bytes')
  const file = path.join(dir, 'records', 't1', '1.json')
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('Because.', 'Because!'))
  assert.throws(() => store.read('t1', 1), (err: unknown) => err instanceof RecordIntegrityError)
  assert.equal(store.read('t2', 1), other, 'an untouched record still reads')
})

test('stamps each record after the previous one when the clock jumps back, and keeps that order across a restart', () => {
  const { store } = openStore()
  const t0 = Date.UTC(2026, 11, 7, 12, 0, 0)
  const first = commit(store, { taskId: 't1' }, new Date(t0))
  assert.is(first.finalized_at, new Date(t0).toISOString(), 'positive control: a clock that moves forward is used as it is')
  const back = commit(store, { taskId: 't2' }, new Date(t0 - 3_600_000))
  assert.is(back.finalized_at, new Date(t0 + 1).toISOString(), 'an hour back still stamps after the last record')
  const again = commit(store, { taskId: 't3' }, new Date(t0 - 7_200_000))
  assert.is(again.finalized_at, new Date(t0 + 2).toISOString())
  const later = commit(store, { taskId: 't4' }, new Date(t0 + 60_000))
  assert.is(later.finalized_at, new Date(t0 + 60_000).toISOString())
  assert.equal([first, back, again, later].map((r) => r.seq), [1, 2, 3, 4], 'seq follows commit order')
  const reopened = openStore().store
  const afterRestart = commit(reopened, { taskId: 't5' }, new Date(t0 - 86_400_000))
  assert.is(afterRestart.finalized_at, new Date(t0 + 60_001).toISOString(), 'a restart remembers the last time')
  assert.is(afterRestart.seq, 5, 'and the last seq')
})

test('serves only committed records, and refuses one that is not the record its audit line names', () => {
  const { store } = openStore()
  const r1 = commit(store, { taskId: 't1' }, new Date())
  // A stray record file for a revision no audit line commits is invisible.
  const stray = path.join(dir, 'records', 't1', '2.json')
  fs.writeFileSync(stray, JSON.stringify({ ...r1, revision: 2 }))
  assert.equal(store.revisions('t1'), [1])
  assert.is(store.read('t1', 2), null)
  assert.equal(openStore().store.uncommittedFiles().map((u) => u.file), [stray], 'start-up sees it as uncommitted')
  // Another validly sealed and signed record put in place of a committed one is refused.
  const other = commit(store, { taskId: 't2', ranking: ['c', 'b', 'a'] }, new Date())
  const file1 = path.join(dir, 'records', 't1', '1.json')
  fs.writeFileSync(file1, JSON.stringify({ ...other, task_id: 't1' }))
  assert.throws(() => store.read('t1', 1), /fails its integrity check/)
})

test('keeps a commit made after a torn audit line, which a power cut can leave without its newline', () => {
  const { store } = openStore()
  commit(store, { taskId: 't1' }, new Date(Date.UTC(2026, 11, 1)))
  const file = path.join(dir, 'audit', '2026-12.jsonl')
  fs.appendFileSync(file, '{"at":"2026-12-01T00:00:01.000Z","task":"t9","record_hash":"ab')
  const reopened = openStore().store
  commit(reopened, { taskId: 't2' }, new Date(Date.UTC(2026, 11, 2)))
  const again = openStore().store
  assert.equal(again.taskIds(), ['t1', 't2'], 'the torn line commits nothing and swallows nothing')
  assert.is(again.read('t2', 1)!.seq, 2)
})

test('refuses a forged record whose audit line was rewritten to match, because its signature does not verify', () => {
  const { store } = openStore()
  const good = commit(store, { taskId: 't1' }, new Date())
  commit(store, { taskId: 't2' }, new Date())
  const { record_hash: oldHash, signature, key_id, seq, ...body } = good
  const forged = sealRecord({ ...body, ranking: [...body.ranking].reverse() })
  fs.writeFileSync(path.join(dir, 'records', 't1', '1.json'), JSON.stringify({ ...forged, signature, key_id, seq }) + '\n')
  for (const name of fs.readdirSync(path.join(dir, 'audit'))) {
    const file = path.join(dir, 'audit', name)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(oldHash, forged.record_hash))
  }
  const reopened = openStore().store
  assert.throws(() => reopened.read('t1', 1), /t1 revision 1 fails its integrity check: its signature does not verify/)
  assert.is(reopened.read('t2', 1)!.task_id, 't2', 'control: the record beside it reads')
})

test.run()
