/**
 * The PostgreSQL records store against the real PostgreSQL on this machine: exact round trips
 * with hostile keys, compare-and-set between two pools standing for two instances, all-or-none
 * batches, and the change feed and logs under a writer held open between drawing its version and
 * committing. Tests share one database; each uses kinds and logs of its own.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Client } from 'pg'
import { PostgresRecordDocs, VersionConflictError } from '../server/storage/postgres/recordDocs'
import type { StoredDoc } from '../server/storage/postgres/recordDocs'
import { appendLog, putDocs } from '../server/storage/postgres/recordWrites'
import { migrate } from '../server/storage/postgres/migrations'
import { LOCK_SPACE } from '../server/storage/postgres/lockKeys'
import { suiteDatabase } from './helpers/postgres'
import type { TestDatabase } from './helpers/postgres'
import { rejection } from './helpers/rejection'
import { waitFor } from './helpers/waitFor'

const test = suite('postgres records store')
let db: TestDatabase
const open: PostgresRecordDocs[] = []
const clients: Client[] = []

const shared = suiteDatabase(async (made) => {
  const pool = made.pool()
  try {
    await migrate(pool)
  } finally {
    await pool.end()
  }
})
test.before.each(async () => {
  db = await shared.get()
})
test.after(() => shared.drop())
test.after.each(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})))
  await Promise.all(open.splice(0).map((s) => s.close()))
})

/** One codejury instance: its own pool on the shared database. */
function instance(): PostgresRecordDocs {
  const store = new PostgresRecordDocs(db.pool({ max: 4 }), { onIdleError: () => {} })
  open.push(store)
  return store
}

/** A raw session, for transactions the test holds open. */
async function session(): Promise<Client> {
  const client = new Client({ connectionString: db.url, statement_timeout: 10_000 })
  client.on('error', () => {})
  clients.push(client)
  await client.connect()
  return client
}

/** Sessions of this database waiting for the advisory lock whose first half is `space`. */
async function waitersOn(probe: Client, space: number): Promise<number> {
  const { rows } = await probe.query(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid::bigint = $1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [space],
  )
  return rows[0].n
}

/** Whether a promise has settled yet (looked at after the event loop turned). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(
    () => (done = true),
    () => (done = true),
  )
  await new Promise((r) => setImmediate(r))
  return done
}

const ofKind = (changes: StoredDoc[], kind: string) => changes.filter((c) => c.kind === kind)

test('stores documents under hostile and unicode keys and returns each body exactly, key order included', async () => {
  const store = instance()
  const hostileBody = JSON.parse('{"z":1,"__proto__":{"polluted":true},"a":[0.1,1e21,"\\u0000","\\ud800",null,{"b":2,"a":1}]}')
  const keys = ['__proto__', 'constructor', 'toString', '日本語のタスク', '👩‍💻', 'e\u0301', "'; DROP TABLE record_docs; --", 'a\nb', 'é'.repeat(256)]
  const versions = new Map<string, number>()
  for (const key of keys) versions.set(key, await store.put('hostile', key, { key, inner: hostileBody }))
  await store.put('__proto__', 'constructor', hostileBody)

  const loaded = await instance().loadAll('hostile')
  assert.equal(loaded.docs.map((d) => d.key).sort(), [...keys].sort())
  for (const doc of loaded.docs) {
    assert.is(JSON.stringify(doc.body), JSON.stringify({ key: doc.key, inner: hostileBody }), doc.key)
    assert.is(doc.version, versions.get(doc.key))
    assert.is(doc.removed, false)
  }
  const inner = (loaded.docs[0].body as { inner: Record<string, unknown> }).inner
  assert.ok(Object.hasOwn(inner, '__proto__'), '__proto__ comes back as an own key')
  assert.is(({} as Record<string, unknown>).polluted, undefined)
  const other = await store.loadAll('__proto__')
  assert.equal(other.docs.map((d) => [d.key, JSON.stringify(d.body)]), [['constructor', JSON.stringify(hostileBody)]])
  assert.ok(loaded.version >= Math.max(...versions.values()))
})

test('refuses kinds, keys and bodies PostgreSQL cannot store exactly, storing nothing, and takes the longest allowed', async () => {
  const store = instance()
  const refused: [string, () => Promise<unknown>][] = [
    ['empty key', () => store.put('bad', '', 1)],
    ['NUL in key', () => store.put('bad', 'a\u0000b', 1)],
    ['lone surrogate key', () => store.put('bad', 'x\ud800', 1)],
    ['513-byte key', () => store.put('bad', 'k'.repeat(513), 1)],
    ['65-byte kind', () => store.put('b'.repeat(65), 'k', 1)],
    ['number key', () => store.put('bad', 7 as unknown as string, 1)],
    ['undefined body', () => store.put('bad', 'k', undefined)],
    ['BigInt body', () => store.put('bad', 'k', { n: 1n })],
    ['negative expectVersion', () => store.put('bad', 'k', 1, -1)],
    ['fractional expectVersion', () => store.put('bad', 'k', 1, 1.5)],
    ['key twice in one batch', () => store.putMany([{ kind: 'bad', key: 'k', body: 1 }, { kind: 'bad', key: 'k', body: 2 }])],
    ['NUL in log name', () => store.append('a\u0000', 1)],
    ['limit 0', () => store.changesSince(0, 0)],
    ['since -1', () => store.readLog('bad', -1)],
  ]
  for (const [what, run] of refused) {
    const err = await rejection(run, what)
    assert.ok(err instanceof RangeError || err instanceof TypeError, `${what}: ${err.message}`)
  }
  assert.equal((await store.loadAll('bad')).docs, [])
  assert.equal((await store.readLog('bad', 0)).entries, [])

  // The limits themselves are accepted.
  const longKey = '鍵'.repeat(170) + 'kk'
  assert.is(Buffer.byteLength(longKey), 512)
  await store.put('bad', longKey, 'ok')
  await store.put('k'.repeat(64), 'k', 'ok')
  assert.equal((await store.loadAll('bad')).docs.map((d) => d.key), [longKey])
})

test('a compare-and-set between two instances keeps the first write and refuses the second with a typed conflict', async () => {
  const [a, b] = [instance(), instance()]
  const v1 = await a.put('cas', 't1', { by: 'import' })
  assert.is((await b.loadAll('cas')).docs[0].version, v1)

  const v2 = await a.put('cas', 't1', { by: 'a' }, v1)
  const err = await rejection(() => b.put('cas', 't1', { by: 'b' }, v1), 'stale compare-and-set')
  assert.instance(err, VersionConflictError)
  const conflict = err as VersionConflictError
  assert.equal([conflict.kind, conflict.key, conflict.expected, conflict.actual, conflict.live], ['cas', 't1', v1, v2, true])
  assert.equal((await b.loadAll('cas')).docs.map((d) => [d.body, d.version]), [[{ by: 'a' }, v2]])
  // The same write with the version now stored goes through.
  const v3 = await b.put('cas', 't1', { by: 'b' }, v2)
  assert.ok(v3 > v2)

  // 0: create only. A removed key counts as absent.
  await b.put('cas', 'new', 1, 0)
  assert.instance(await rejection(() => a.put('cas', 'new', 2, 0), 'create over a live key'), VersionConflictError)
  assert.instance(await rejection(() => a.remove('cas', 'new', v1), 'remove with a stale version'), VersionConflictError)
  assert.equal((await a.loadAll('cas')).docs.find((d) => d.key === 'new')?.body, 1)
  const gone = await a.remove('cas', 'new')
  assert.ok(gone !== null)
  await a.put('cas', 'new', 3, 0)
  assert.instance(await rejection(() => a.put('cas', 'never', 1, 5), 'expect a version of a key never written'), VersionConflictError)

  // Both instances at once from the same version: exactly one wins, every round.
  let version = v3
  for (let round = 0; round < 10; round++) {
    const results = await Promise.allSettled([a.put('cas', 't1', { round, by: 'a' }, version), b.put('cas', 't1', { round, by: 'b' }, version)])
    const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<number>[]
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    assert.is(won.length, 1, `round ${round}`)
    assert.instance(lost[0].reason, VersionConflictError)
    const stored = (await a.loadAll('cas')).docs.find((d) => d.key === 't1')!
    assert.equal([stored.version, (stored.body as { round: number }).round], [won[0].value, round])
    version = won[0].value
  }
})

test('putMany stores 10,000 documents as one commit, and a failure in its middle stores none of the batch', async () => {
  const store = instance()
  const probe = await session()
  // A failure PostgreSQL itself raises half-way through the statement, after rows were written.
  await probe.query(`CREATE FUNCTION cj_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.kind = 'batch' AND NEW.key = 'poison' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$`)
  await probe.query('CREATE TRIGGER cj_poison BEFORE INSERT OR UPDATE ON record_docs FOR EACH ROW EXECUTE FUNCTION cj_poison()')
  try {
    const start = (await store.loadAll()).version
    const batch = Array.from({ length: 10_000 }, (_, i) => ({ kind: 'batch', key: `task-${i}`, body: { i, text: 'x'.repeat(100) } }))

    const poisoned = [...batch.slice(0, 5_000), { kind: 'batch', key: 'poison', body: 0 }, ...batch.slice(5_000)]
    assert.match((await rejection(() => store.putMany(poisoned), 'poisoned batch')).message, 'poisoned row')
    const stale = batch.map((w, i) => (i === 7_000 ? { ...w, expectVersion: 12345678 } : w))
    assert.instance(await rejection(() => store.putMany(stale), 'batch with a stale version'), VersionConflictError)
    assert.equal((await store.loadAll('batch')).docs, [])
    assert.equal(ofKind((await store.changesSince(start, 100_000)).changes, 'batch'), [])

    const versions = await store.putMany(batch)
    assert.is(versions.length, 10_000)
    // Drawn under one lock in input order: consecutive, so no other writer's number sits between.
    for (let i = 1; i < versions.length; i++) assert.is(versions[i], versions[0] + i)
    const loaded = await store.loadAll('batch')
    assert.is(loaded.docs.length, 10_000)
    const byKey = new Map(loaded.docs.map((d) => [d.key, d]))
    batch.forEach((w, i) => assert.equal([byKey.get(w.key)?.body, byKey.get(w.key)?.version], [w.body, versions[i]]))
    const feed = ofKind((await store.changesSince(start, 100_000)).changes, 'batch')
    assert.equal(feed.map((c) => c.version), versions)
  } finally {
    await probe.query('DROP TRIGGER cj_poison ON record_docs; DROP FUNCTION cj_poison()')
  }
})

test('the change feed never skips a lower version that commits after a higher one was drawn, and never repeats one', async () => {
  const [writer, reader] = [instance(), instance()]
  const held = await session()
  const probe = await session()
  const start = (await reader.loadAll()).version

  // Control: numbers drawn without the lock show the hazard this store must rule out.
  await held.query('BEGIN')
  const late = (await held.query("INSERT INTO record_docs VALUES ('hazard', 'late', '1', nextval('record_version')) RETURNING version")).rows[0].version
  await probe.query("INSERT INTO record_docs VALUES ('hazard', 'early', '2', nextval('record_version'))")
  const naive = await reader.changesSince(start, 1_000)
  assert.equal(ofKind(naive.changes, 'hazard').map((c) => c.key), ['early'])
  await held.query('COMMIT')
  assert.equal(ofKind((await reader.changesSince(naive.version, 1_000)).changes, 'hazard'), [], 'a naive reader skipped "late"')
  assert.equal(ofKind((await reader.changesSince(start, 1_000)).changes, 'hazard').map((c) => c.version), [Number(late), naive.version])

  // The store: a writer holds its transaction open after drawing its version.
  const from = (await reader.loadAll()).version
  await held.query('BEGIN')
  const [heldVersion] = await putDocs(held, [{ kind: 'held', key: 'late', body: 'first drawn' }])
  const second = writer.put('held', 'early', 'drawn after')
  const elsewhere = writer.append('some-log', 'a log has a lock of its own')
  await waitFor(async () => (await waitersOn(probe, LOCK_SPACE.recordDocs)) === 1, 'the second writer waiting for the version lock')
  assert.ok(await elsewhere, 'an append to a log does not wait for the documents')
  assert.is(await settled(second), false)
  const during = await reader.changesSince(from, 1_000)
  assert.equal(ofKind(during.changes, 'held'), [])
  assert.is(during.version, from)

  await held.query('COMMIT')
  const secondVersion = await second
  assert.ok(secondVersion > heldVersion)
  const after = await reader.changesSince(during.version, 1_000)
  assert.equal(ofKind(after.changes, 'held').map((c) => [c.key, c.version]), [
    ['late', heldVersion],
    ['early', secondVersion],
  ])
  const next = await reader.changesSince(after.version, 1_000)
  assert.equal(next.changes, [])
  assert.is(next.version, after.version)
})

test('a writer killed while it holds the version lock frees it, and its version never reaches the feed', async () => {
  const [writer, reader] = [instance(), instance()]
  const held = await session()
  const probe = await session()
  const from = (await reader.loadAll()).version
  await held.query('BEGIN')
  const [lost] = await putDocs(held, [{ kind: 'killed', key: 'lost', body: 'never committed' }])
  const waiting = writer.put('killed', 'kept', 'committed')
  await waitFor(async () => (await waitersOn(probe, LOCK_SPACE.recordDocs)) === 1, 'the second writer waiting for the version lock')
  const pid = (await held.query('SELECT pg_backend_pid() AS pid')).rows[0].pid
  assert.ok((await probe.query('SELECT pg_terminate_backend($1) AS done', [pid])).rows[0].done)
  const kept = await waiting
  assert.ok(kept > lost)
  assert.equal(ofKind((await reader.changesSince(from, 1_000)).changes, 'killed').map((c) => [c.key, c.version]), [['kept', kept]])
  assert.equal((await reader.loadAll('killed')).docs.map((d) => d.key), ['kept'])
})

test('a log append held open is never skipped by a reader, and entries after it wait for it', async () => {
  const [writer, reader] = [instance(), instance()]
  const held = await session()
  const probe = await session()
  await writer.append('audit-held', { n: 0 })
  const { seq: from } = await reader.readLog('audit-held', 0)

  await held.query('BEGIN')
  const [heldSeq] = await appendLog(held, 'audit-held', [{ n: 1 }])
  const second = writer.append('audit-held', { n: 2 })
  await waitFor(async () => (await waitersOn(probe, LOCK_SPACE.recordLog)) === 1, 'the second append waiting for the log lock')
  assert.equal(await reader.readLog('audit-held', from), { entries: [], seq: from })
  assert.is(await settled(second), false)
  await held.query('COMMIT')
  const secondSeq = await second
  assert.equal(await reader.readLog('audit-held', from), {
    entries: [
      { seq: heldSeq, body: { n: 1 } },
      { seq: secondSeq, body: { n: 2 } },
    ],
    seq: secondSeq,
  })
})

test('a tombstone reaches the feed, loadAll leaves it out, and removing nothing writes nothing', async () => {
  const store = instance()
  const v = await store.put('tomb', 'gone', { x: 1 })
  await store.put('tomb', 'kept', { x: 2 })
  const { version: seen } = await store.changesSince(v - 1, 1_000)
  const removed = await store.remove('tomb', 'gone', v)
  assert.ok(removed !== null && removed > seen)
  const feed = await store.changesSince(seen, 1_000)
  assert.equal(feed.changes, [{ kind: 'tomb', key: 'gone', body: null, version: removed!, removed: true }])
  assert.equal((await store.loadAll('tomb')).docs.map((d) => d.key), ['kept'])
  assert.is(await store.remove('tomb', 'gone'), null)
  assert.is(await store.remove('tomb', 'never'), null)
  assert.equal((await store.changesSince(feed.version, 1_000)).changes, [])
  const back = await store.put('tomb', 'gone', { x: 3 }, 0)
  assert.equal((await store.changesSince(feed.version, 1_000)).changes.map((c) => [c.key, c.version, c.removed]), [['gone', back, false]])
})

test('two instances writing at once end with what was written, in loadAll and in mirrors fed only by the change feed', async () => {
  const [a, b] = [instance(), instance()]
  const start = (await a.loadAll()).version
  /** Key → the op with the highest version: [version, body or undefined for removed]. */
  const last = new Map<string, [number, unknown]>()
  const record = (key: string, version: number | null, body: unknown) => {
    if (version !== null && version > (last.get(key)?.[0] ?? 0)) last.set(key, [version, body])
  }
  let writing = true
  const follow = async (store: PostgresRecordDocs) => {
    const mirror = new Map<string, unknown>()
    const versions: number[] = []
    let at = start
    for (let draining = false; ; ) {
      const stillWriting = writing
      const page = await store.changesSince(at, 37)
      for (const c of page.changes) {
        versions.push(c.version)
        if (c.kind !== 'mirror') continue
        if (c.removed) mirror.delete(c.key)
        else mirror.set(c.key, c.body)
      }
      at = page.version
      if (page.changes.length === 0 && !stillWriting) {
        if (draining) return { mirror, versions }
        draining = true
      }
    }
  }
  const mirrors = Promise.all([follow(a), follow(b)])
  await Promise.all(
    [a, b].map(async (store, s) => {
      for (let i = 0; i < 200; i++) {
        const key = `k${(i * 7 + s * 3) % 25}`
        if (i % 5 === 4) record(key, await store.remove('mirror', key), undefined)
        else {
          const body = { s, i }
          record(key, await store.put('mirror', key, body), body)
        }
      }
    }),
  )
  writing = false
  const expected = [...last].filter(([, [, body]]) => body !== undefined).map(([key, [, body]]) => [key, body])
  const sorted = (pairs: [string, unknown][]) => JSON.stringify(pairs.sort(([x], [y]) => (x < y ? -1 : 1)))
  for (const store of [a, b]) {
    const loaded = await store.loadAll('mirror')
    assert.is(sorted(loaded.docs.map((d) => [d.key, d.body])), sorted(expected as [string, unknown][]))
  }
  for (const { mirror, versions } of await mirrors) {
    assert.is(sorted([...mirror]), sorted(expected as [string, unknown][]))
    for (let i = 1; i < versions.length; i++) assert.ok(versions[i] > versions[i - 1], `feed repeated or went back at ${versions[i]}`)
  }
})

test('logs keep each writer\'s order, and a reader paging while two instances append reads every entry once', async () => {
  const [a, b] = [instance(), instance()]
  let writing = true
  const read = (async () => {
    const seen: { seq: number; body: unknown }[] = []
    let at = 0
    for (let draining = false; ; ) {
      const stillWriting = writing
      const page = await a.readLog('audit', at, 7)
      seen.push(...page.entries)
      at = page.seq
      if (page.entries.length === 0 && !stillWriting) {
        if (draining) return seen
        draining = true
      }
    }
  })()
  const appended = await Promise.all(
    [a, b].map(async (store, s) => {
      const seqs: number[] = []
      for (let i = 0; i < 150; i += 3) {
        if (i % 2) for (let d = 0; d < 3; d++) seqs.push(await store.append('audit', { s, i: i + d }))
        else seqs.push(...(await store.appendMany('audit', [0, 1, 2].map((d) => ({ s, i: i + d })))))
      }
      return seqs
    }),
  )
  await b.append('other-log', { s: 9 })
  writing = false
  const seen = await read
  assert.is(seen.length, 300)
  const seqs = seen.map((e) => e.seq)
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `seq ${seqs[i]} after ${seqs[i - 1]}`)
  assert.equal([...seqs].sort((x, y) => x - y), [...appended[0], ...appended[1]].sort((x, y) => x - y))
  for (const s of [0, 1]) {
    const mine = seen.map((e) => e.body as { s: number; i: number }).filter((body) => body.s === s)
    assert.equal(mine.map((body) => body.i), mine.map((_, i) => i), `writer ${s} in order`)
  }
  assert.equal((await b.readLog('other-log', 0)).entries.map((e) => e.body), [{ s: 9 }])

  // A batch larger than one statement's rows: numbered in the order given, all in one commit.
  const bulk = Array.from({ length: 2_500 }, (_, i) => ({ i }))
  const bulkSeqs = await a.appendMany('bulk-log', bulk)
  for (let i = 1; i < bulkSeqs.length; i++) assert.is(bulkSeqs[i], bulkSeqs[0] + i)
  const back = await b.readLog('bulk-log', 0, 10_000)
  assert.equal(back.entries.map((e) => e.body), bulk)
  assert.equal(back.entries.map((e) => e.seq), bulkSeqs)
})

test.run()
