/**
 * The PostgreSQL records store against the real PostgreSQL on this machine: exact round trips
 * with hostile keys, refusals, compare-and-set between two pools standing for two instances,
 * all-or-none batches and tombstones. The change feed and logs under concurrent and held-open
 * writers are in pgRecordFeed.test.ts. Tests share one database; each uses kinds of its own.
 */
import * as assert from 'uvu/assert'
import { VersionConflictError } from '../server/storage/postgres/recordDocs'
import { ofKind, recordsSuite } from './helpers/pgRecords'
import { rejection } from './helpers/rejection'

const { test, instance, session } = recordsSuite('postgres records store')

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

test.run()
