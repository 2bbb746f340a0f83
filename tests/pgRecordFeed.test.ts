/**
 * The change feed and logs of the PostgreSQL records store against the real PostgreSQL: writers
 * held open (or killed) between drawing their version and committing, and two instances writing
 * while readers page through. Tests share one database; each uses kinds and logs of its own.
 */
import * as assert from 'uvu/assert'
import type { PostgresRecordDocs } from '../server/storage/postgres/recordDocs'
import { appendLog, putDocs } from '../server/storage/postgres/recordWrites'
import { LOCK_SPACE } from '../server/storage/postgres/lockKeys'
import { ofKind, recordsSuite, settled, waitersOn } from './helpers/pgRecords'
import { waitFor } from './helpers/waitFor'

const { test, instance, session } = recordsSuite('postgres records feed')

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
