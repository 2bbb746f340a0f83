import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import * as Y from 'yjs'
import { UpdateLog, decodeRecords, encodeRecord } from '../server/storage/updateLog'
import { tempDir } from './helpers/server'
import type { CorruptionReport } from '../server/storage/roomRecovery'

const test = suite('update log')
let dir = ''
test.before.each(() => {
  dir = tempDir('codejury-log-')
})
test.after.each(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

function edits(n: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < n; i++) doc.getText('t').insert(i, String.fromCharCode(97 + (i % 26)))
  return { doc, updates }
}

function replay(updates: Uint8Array[]): string {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc.getText('t').toString()
}

test('decodes every record it encoded', () => {
  const payloads = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(1000).fill(7)]
  const bytes = Buffer.concat(payloads.map(encodeRecord))
  const { records, validBytes } = decodeRecords(bytes)
  assert.is(validBytes, bytes.length)
  assert.equal(records.map((r) => [...r]), payloads.map((p) => [...p]))
})

test('stops at a torn last record and reports where the intact prefix ends', () => {
  const whole = Buffer.concat([encodeRecord(new Uint8Array([1])), encodeRecord(new Uint8Array([2, 2]))])
  for (let cut = 1; cut < 11; cut++) {
    const { records, validBytes } = decodeRecords(whole.subarray(0, whole.length - cut))
    assert.is(records.length, 1, `cut ${cut}`)
    assert.is(validBytes, 9)
  }
})

test('stops at a record whose checksum does not match', () => {
  const bytes = Buffer.concat([encodeRecord(new Uint8Array([1])), encodeRecord(new Uint8Array([2, 2]))])
  bytes[bytes.length - 1] ^= 0xff
  assert.is(decodeRecords(bytes).records.length, 1)
})

test('replays appended updates in order after reopening', () => {
  const { doc, updates } = edits(50)
  const log = new UpdateLog(dir, 'room')
  for (const u of updates) log.append(u)
  log.close()
  const again = new UpdateLog(dir, 'room')
  assert.is(replay(again.load()), doc.getText('t').toString())
})

test('drops and truncates a torn tail on load, keeping every whole record', () => {
  const { updates } = edits(10)
  const log = new UpdateLog(dir, 'room')
  for (const u of updates) log.append(u)
  log.close()
  const file = path.join(dir, 'room.log')
  const size = fs.statSync(file).size
  fs.truncateSync(file, size - 3)
  const repairs: number[] = []
  const again = new UpdateLog(dir, 'room', (report) => repairs.push(report.lostBytes))
  const text = replay(again.load())
  assert.is(text, 'abcdefghi')
  assert.is(repairs.length, 1)
  // Appending after the repair yields a readable log again.
  again.append(updates[9])
  again.close()
  assert.is(replay(new UpdateLog(dir, 'room').load()), 'abcdefghij')
})

test('peeks what a load returns without writing, and declines a torn log that only a load repairs', async () => {
  const fresh = new UpdateLog(dir, 'room')
  assert.equal(fresh.peek(), { updates: [], neverStored: true })
  const { updates } = edits(10)
  for (const u of updates.slice(0, 6)) fresh.append(u)
  await fresh.compact(Y.encodeStateAsUpdate((() => {
    const d = new Y.Doc()
    for (const u of updates.slice(0, 6)) Y.applyUpdate(d, u)
    return d
  })()))
  for (const u of updates.slice(6)) fresh.append(u)
  fresh.close()
  const files = () => Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]))
  const before = files()
  const peeked = new UpdateLog(dir, 'room').peek()
  assert.ok(peeked && !peeked.neverStored)
  assert.is(replay(peeked.updates), 'abcdefghij', 'snapshot and log, as a load reads them')
  assert.equal(files(), before, 'nothing written, not even the mark')

  fs.truncateSync(path.join(dir, 'room.log'), fs.statSync(path.join(dir, 'room.log')).size - 3)
  const torn = files()
  assert.is(new UpdateLog(dir, 'room').peek(), null, 'a torn tail is left to a load')
  assert.equal(files(), torn, 'and left as it was')
  // Control: the load repairs it, and then a peek reads it.
  const repairs: number[] = []
  const loaded = new UpdateLog(dir, 'room', (r) => repairs.push(r.lostBytes))
  assert.is(replay(loaded.load()), 'abcdefghi')
  loaded.close()
  assert.is(repairs.length, 1)
  assert.is(replay(new UpdateLog(dir, 'room').peek()!.updates), 'abcdefghi')
})

test('keeps appends made while a compaction is writing its snapshot', async () => {
  const { doc, updates } = edits(20)
  const log = new UpdateLog(dir, 'room')
  for (const u of updates.slice(0, 10)) log.append(u)
  const first = new Y.Doc()
  for (const u of updates.slice(0, 10)) Y.applyUpdate(first, u)
  const compacting = log.compact(Y.encodeStateAsUpdate(first))
  for (const u of updates.slice(10)) log.append(u)
  await compacting
  log.close()
  assert.is(replay(new UpdateLog(dir, 'room').load()), doc.getText('t').toString())
  assert.not.ok(fs.existsSync(path.join(dir, 'room.old')), 'the rotated log is removed')
})

test('recovers updates from a compaction that died after rotating the log', () => {
  const { doc, updates } = edits(6)
  const log = new UpdateLog(dir, 'room')
  for (const u of updates.slice(0, 3)) log.append(u)
  log.close()
  // As if the process died after the rename, before the snapshot was written.
  fs.renameSync(path.join(dir, 'room.log'), path.join(dir, 'room.old'))
  const again = new UpdateLog(dir, 'room')
  for (const u of updates.slice(3)) again.append(u)
  again.close()
  assert.is(replay(new UpdateLog(dir, 'room').load()), doc.getText('t').toString())
})

test('keeps the previous snapshot and the log that led from it at each compaction', async () => {
  const { doc, updates } = edits(12)
  const log = new UpdateLog(dir, 'room')
  const partial = new Y.Doc()
  for (const [i, u] of updates.entries()) {
    log.append(u)
    Y.applyUpdate(partial, u)
    if (i === 3 || i === 7) await log.compact(Y.encodeStateAsUpdate(partial))
  }
  log.close()
  assert.equal(fs.readdirSync(dir).sort(), ['room.log', 'room.log.prev', 'room.mark', 'room.snap', 'room.snap.prev'])
  // The previous generation alone rebuilds what the current snapshot holds.
  const prev = decodeRecords(fs.readFileSync(path.join(dir, 'room.snap.prev'))).records
  const prevLog = decodeRecords(fs.readFileSync(path.join(dir, 'room.log.prev'))).records
  assert.is(replay([...prev, ...prevLog]), 'abcdefgh')
  assert.is(replay(new UpdateLog(dir, 'room').load()), doc.getText('t').toString())
})

test('loads everything, silently, after a crash between a compaction\'s renames', async () => {
  const { doc, updates } = edits(8)
  const log = new UpdateLog(dir, 'room')
  for (const u of updates.slice(0, 4)) log.append(u)
  const first = new Y.Doc()
  for (const u of updates.slice(0, 4)) Y.applyUpdate(first, u)
  await log.compact(Y.encodeStateAsUpdate(first))
  for (const u of updates.slice(4)) log.append(u)
  log.close()
  // As if the process died after moving the snapshot to .prev, before the new one took its place.
  fs.renameSync(path.join(dir, 'room.snap'), path.join(dir, 'room.snap.prev'))
  fs.renameSync(path.join(dir, 'room.log'), path.join(dir, 'room.old'))
  const reports: unknown[] = []
  assert.is(replay(new UpdateLog(dir, 'room', (r) => reports.push(r)).load()), doc.getText('t').toString())
  assert.is(reports.length, 0, 'nothing was damaged, nothing is reported')
})

test('cuts a failed append back to the last whole record and appends after it later', () => {
  const { doc, updates } = edits(6)
  const log = new UpdateLog(dir, 'room')
  for (const u of updates.slice(0, 3)) log.append(u)
  // A write that stores part of the record, then fails, as a disk that runs full does.
  const writeSync = fs.writeSync
  fs.writeSync = ((fd: number, buf: Uint8Array, offset: number, length: number) => {
    fs.writeSync = (() => {
      throw Object.assign(new Error('no space'), { code: 'ENOSPC' })
    }) as typeof fs.writeSync
    return writeSync(fd, buf, offset, Math.max(1, length - 3))
  }) as typeof fs.writeSync
  try {
    assert.throws(() => log.append(updates[3]), (err: Error & { code?: string }) => err.name === 'StorageError' && err.code === 'ENOSPC')
  } finally {
    fs.writeSync = writeSync
  }
  const file = path.join(dir, 'room.log')
  assert.is(decodeRecords(fs.readFileSync(file)).validBytes, fs.statSync(file).size, 'only whole records')
  for (const u of updates.slice(3)) log.append(u)
  log.close()
  assert.is(replay(new UpdateLog(dir, 'room').load()), doc.getText('t').toString())
})

/** Loads the room `room` in `dir`, returning its text and what it reported. */
function loadRoom(): { text: string; reports: CorruptionReport[] } {
  const reports: CorruptionReport[] = []
  const log = new UpdateLog(dir, 'room', (r) => reports.push(r as CorruptionReport))
  const text = replay(log.load())
  log.close()
  return { text, reports }
}

/** The byte offsets where the records of `file` end. */
function recordEnds(file: string): number[] {
  const ends: number[] = []
  let at = 0
  for (const r of decodeRecords(fs.readFileSync(file)).records) ends.push((at += r.length + 8))
  return ends
}

test('reports whole records lost from the end of a log cut between two, and reads an intact log silently', async () => {
  const { updates } = edits(10)
  const log = new UpdateLog(dir, 'room')
  log.load()
  for (const u of updates.slice(0, 4)) log.append(u)
  const partial = new Y.Doc()
  for (const u of updates.slice(0, 4)) Y.applyUpdate(partial, u)
  await log.compact(Y.encodeStateAsUpdate(partial))
  for (const u of updates.slice(4)) log.append(u)
  log.close()
  // Control: the intact room loads whole and silently.
  assert.equal(loadRoom(), { text: 'abcdefghij', reports: [] })
  const file = path.join(dir, 'room.log')
  const ends = recordEnds(file)
  assert.is(ends.length, 6)
  fs.truncateSync(file, ends[2])
  const cut = loadRoom()
  assert.is(cut.text, 'abcdefg', 'the records before the cut')
  assert.is(cut.reports.length, 1)
  assert.is(cut.reports[0].problem, 'lost-log-tail')
  assert.is(cut.reports[0].file, file)
  assert.is(cut.reports[0].lostBytes, ends[5] - ends[2])
  assert.is(cut.reports[0].keptAs, null)
  // Reported once: from then on the mark follows what the log holds.
  assert.equal(loadRoom().reports, [])
})

test('counts a rotated log still waiting for its snapshot, so a cut in it is reported too', () => {
  const { updates } = edits(6)
  const log = new UpdateLog(dir, 'room')
  log.load()
  for (const u of updates.slice(0, 3)) log.append(u)
  log.close()
  // As a compaction that rotated the log and died before its snapshot leaves it.
  fs.renameSync(path.join(dir, 'room.log'), path.join(dir, 'room.old'))
  const again = new UpdateLog(dir, 'room')
  assert.is(replay(again.load()), 'abc')
  for (const u of updates.slice(3)) again.append(u)
  again.close()
  assert.equal(loadRoom(), { text: 'abcdef', reports: [] }, 'control: .old and .log together are whole')
  const old = path.join(dir, 'room.old')
  fs.truncateSync(old, recordEnds(old)[0])
  const cut = loadRoom()
  assert.is(cut.reports.length, 1)
  assert.is(cut.reports[0].problem, 'lost-log-tail')
})

test('loads a room stored before marks existed, or with a torn mark, as before: whole and silent', () => {
  const { updates } = edits(5)
  const log = new UpdateLog(dir, 'room')
  log.load()
  for (const u of updates) log.append(u)
  log.close()
  const mark = path.join(dir, 'room.mark')
  assert.ok(fs.existsSync(mark))
  assert.is(fs.statSync(mark).mode & 0o777, 0o600)
  const file = path.join(dir, 'room.log')
  const bytes = fs.readFileSync(file)
  // A torn mark says nothing, even of a log that did lose records.
  fs.writeFileSync(mark, fs.readFileSync(mark).subarray(0, 10))
  fs.truncateSync(file, recordEnds(file)[3])
  assert.equal(loadRoom(), { text: 'abcd', reports: [] })
  // The previous format has no mark at all.
  fs.rmSync(mark)
  fs.writeFileSync(file, bytes)
  assert.equal(loadRoom(), { text: 'abcde', reports: [] })
  // Positive control: with a mark written by appends, the same cut is reported.
  const next = new UpdateLog(dir, 'room')
  next.load()
  next.close()
  fs.truncateSync(file, recordEnds(file)[3])
  assert.is(loadRoom().reports[0]?.problem, 'lost-log-tail')
})

test.run()
