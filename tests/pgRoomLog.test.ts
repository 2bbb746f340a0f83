/**
 * The PostgreSQL room log against the real PostgreSQL on this machine: round trips of real Yjs
 * updates, two pools standing for two instances, compaction leases, the seal, and hostile names.
 * Failures injected into the database (killed sessions) are in pgRoomLogFailures.test.ts.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { PostgresRoomLog } from '../server/storage/postgres/roomLog'
import { RoomSealedError } from '../server/storage/roomLog'
import { migratedSuiteDatabase } from './helpers/postgres'
import { rejection } from './helpers/rejection'
import type { TestDatabase } from './helpers/postgres'

const test = suite('postgres room log')
let db: TestDatabase
const open: PostgresRoomLog[] = []

const shared = migratedSuiteDatabase()
test.before.each(async () => {
  db = await shared.get()
})
test.after(() => shared.drop())
test.after.each(async () => {
  await Promise.all(open.splice(0).map((log) => log.close()))
})

/** One codejury instance: its own pool on the shared database. */
function instance(max = 4): PostgresRoomLog {
  const log = new PostgresRoomLog(db.pool({ max }), { onIdleError: () => {} })
  open.push(log)
  return log
}

/** `n` one-character edits by one client, each as the update it emitted. */
function edits(n: number, char = 'a'): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < n; i++) doc.getText('t').insert(0, char)
  return { doc, updates }
}

/** The document a stored room holds: its snapshot, then its updates. */
function rebuild(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): Y.Doc {
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const u of stored.updates) Y.applyUpdate(doc, u)
  return doc
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

test('stores Yjs updates in order and rebuilds the same document from load', async () => {
  const log = instance()
  const empty = await log.load('task:rt')
  assert.equal(empty, { snapshot: null, snapshotSeq: 0, updates: [], head: 0, sealed: false })

  const { doc, updates } = edits(30)
  const seqs: number[] = []
  for (const u of updates) seqs.push(await log.append('task:rt', u))
  assert.equal(seqs, range(1, 30))
  const stored = await log.load('task:rt')
  assert.is(stored.head, 30)
  assert.is(stored.snapshotSeq, 0)
  assert.is(stored.sealed, false)
  assert.equal(stored.updates.map((u) => [...u]), updates.map((u) => [...u]))
  const again = rebuild(stored)
  assert.is(again.getText('t').toString(), doc.getText('t').toString())
  assert.equal(Y.encodeStateVector(again), Y.encodeStateVector(doc))
})

test('numbers 400 concurrent appends from two instances 1..400 exactly once, and the loaded document holds every edit', async () => {
  const [a, b] = [instance(), instance()]
  const fromA = edits(200, 'a')
  const fromB = edits(200, 'b')
  const appended = await Promise.all([
    ...fromA.updates.map(async (u) => ({ u, seq: await a.append('task:two', u) })),
    ...fromB.updates.map(async (u) => ({ u, seq: await b.append('task:two', u) })),
  ])
  assert.equal(appended.map((x) => x.seq).sort((x, y) => x - y), range(1, 400))

  const stored = await a.load('task:two')
  assert.is(stored.head, 400)
  // Each number holds the very update whose append resolved with it.
  for (const { u, seq } of appended) assert.equal([...stored.updates[seq - 1]], [...u], `seq ${seq}`)
  const text = rebuild(stored).getText('t').toString()
  assert.is(text.length, 400)
  assert.is([...text].filter((c) => c === 'a').length, 200)
  const reference = new Y.Doc()
  for (const u of [...fromA.updates, ...fromB.updates]) Y.applyUpdate(reference, u)
  assert.is(text, reference.getText('t').toString())

  // Appends one instance awaits in turn are numbered in that order, whatever the other does.
  const more = await Promise.all(
    [a, b].map(async (log, i) => {
      const seqs: number[] = []
      for (const u of edits(20, 'xy'[i]).updates) seqs.push(await log.append('task:two', u))
      return seqs
    }),
  )
  for (const seqs of more) assert.equal(seqs, [...seqs].sort((x, y) => x - y))
  assert.equal([...more[0], ...more[1]].sort((x, y) => x - y), range(401, 440))
})

test('reads just the tail after a known sequence number, and null once a compaction folded it', async () => {
  const log = instance()
  const { doc, updates } = edits(10)
  for (const u of updates) await log.append('task:tail', u)

  const tail = await log.readSince('task:tail', 7)
  assert.equal(tail?.head, 10)
  assert.equal(tail?.updates.map((x) => x.seq), [8, 9, 10])
  assert.equal(tail?.updates.map((x) => [...x.update]), updates.slice(7).map((u) => [...u]))
  assert.equal(await log.readSince('task:tail', 10), { updates: [], head: 10 })
  assert.is((await log.readSince('task:tail', 0))?.updates.length, 10)
  assert.equal(await log.readSince('task:never', 0), { updates: [], head: 0 })

  const upTo6 = new Y.Doc()
  for (const u of updates.slice(0, 6)) Y.applyUpdate(upTo6, u)
  assert.ok(await log.compact('task:tail', Y.encodeStateAsUpdate(upTo6), 6))
  assert.is(await log.readSince('task:tail', 5), null)
  assert.is(await log.readSince('task:tail', 0), null)
  assert.equal((await log.readSince('task:tail', 6))?.updates.map((x) => x.seq), [7, 8, 9, 10])
  const stored = await log.load('task:tail')
  assert.equal([stored.snapshotSeq, stored.head, stored.updates.length], [6, 10, 4])
  assert.is(rebuild(stored).getText('t').toString(), doc.getText('t').toString())

  // A snapshot claiming updates the log does not have is a caller's mistake: refused, nothing changed.
  assert.instance(await rejection(() => log.compact('task:tail', Y.encodeStateAsUpdate(doc), 11), 'compact past the head'), RangeError)
  assert.equal((await log.load('task:tail')).snapshotSeq, 6)
  assert.instance(await rejection(() => log.readSince('task:tail', -1), 'since -1'), RangeError)
  assert.instance(await rejection(() => log.readSince('task:tail', 1.5), 'since 1.5'), RangeError)
})

test('lets exactly one of two concurrent compactions of a room win, and a newer one win later', async () => {
  const [a, b] = [instance(), instance()]
  for (const room of ['task:c1', 'task:c2', 'task:c3', 'task:c4', 'task:c5']) {
    const { doc, updates } = edits(50)
    for (const u of updates) await a.append(room, u)
    const state = Y.encodeStateAsUpdate(doc)
    const wins = await Promise.all([a.compact(room, state, 50), b.compact(room, state, 50)])
    assert.equal(wins.filter(Boolean).length, 1, `${room}: ${wins}`)
    const stored = await b.load(room)
    assert.equal([stored.snapshotSeq, stored.head, stored.updates.length], [50, 50, 0])
    assert.is(rebuild(stored).getText('t').toString(), doc.getText('t').toString())
    assert.is(await a.compact(room, state, 50), false, 'not newer than the stored snapshot')
  }
  const more = edits(10, 'z')
  for (const u of more.updates) await b.append('task:c1', u)
  const doc = rebuild(await a.load('task:c1'))
  assert.ok(await b.compact('task:c1', Y.encodeStateAsUpdate(doc), 60))
  assert.equal((await a.load('task:c1')).snapshotSeq, 60)
  const pastHead = await rejection(() => a.compact('task:never', new Uint8Array([0, 0]), 1), 'compact a room never written')
  assert.instance(pastHead, RangeError)
})

test('refuses appends on every instance while a room is sealed, storing nothing, and takes them again after unseal', async () => {
  const [a, b] = [instance(), instance()]
  const { updates } = edits(5)
  for (const u of updates.slice(0, 3)) assert.ok((await b.append('task:seal', u)) > 0)
  await a.seal('task:seal')
  const refused = await rejection(() => b.append('task:seal', updates[3]), 'append to a sealed room')
  assert.instance(refused, RoomSealedError)
  assert.is((refused as RoomSealedError).code, 'room-sealed')
  assert.is((refused as RoomSealedError).room, 'task:seal')
  assert.equal(await b.load('task:seal').then((s) => [s.head, s.updates.length, s.sealed]), [3, 3, true])
  assert.is(await b.append('task:other', updates[3]), 1, 'other rooms are not fenced')

  await a.unseal('task:seal')
  assert.is(await b.append('task:seal', updates[3]), 4)
  assert.equal(await a.load('task:seal').then((s) => [s.head, s.sealed]), [4, false])

  // A room sealed before its first write is fenced too.
  await b.seal('task:sealed-new')
  assert.instance(await rejection(() => a.append('task:sealed-new', updates[0]), 'append to a new sealed room'), RoomSealedError)
  assert.equal(await a.load('task:sealed-new').then((s) => [s.head, s.sealed]), [0, true])
})

test('keeps hostile room names as data: each loads only its own updates', async () => {
  const log = instance()
  const names = [
    "task:x'; DROP TABLE room_updates; --",
    '__proto__',
    'constructor',
    '$1',
    'back\\slash "quoted"',
    '%_',
    '名前🙂',
    'caf\u00e9',
    'cafe\u0301',
    '\u202eright-to-left',
    'x'.repeat(512),
  ]
  for (const [i, name] of names.entries()) {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, `room ${i}`)
    assert.is(await log.append(name, Y.encodeStateAsUpdate(doc)), 1, name)
  }
  for (const [i, name] of names.entries()) {
    await log.seal(name)
    const stored = await log.load(name)
    assert.is(rebuild(stored).getText('t').toString(), `room ${i}`, name)
    assert.is(stored.head, 1, name)
    await log.unseal(name)
  }

  const hostile = ['', 'a\u0000b', 'lone \ud800', 'é'.repeat(257), 42 as unknown as string]
  for (const name of hostile) {
    assert.instance(await rejection(() => log.append(name, new Uint8Array([1])), JSON.stringify(name)), RangeError)
    assert.instance(await rejection(() => log.load(name), JSON.stringify(name)), RangeError)
  }
  const pool = db.pool({ max: 1 })
  try {
    const { rows } = await pool.query('SELECT name FROM room_logs WHERE NOT (name LIKE $1)', ['task:%'])
    assert.equal(rows.map((r) => r.name).sort(), names.filter((n) => !n.startsWith('task:')).sort())
  } finally {
    await pool.end()
  }
})

test.run()
