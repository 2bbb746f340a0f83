/**
 * The record signing key shared by the instances (storage/postgres/sharedRecordKey.ts), against the
 * real PostgreSQL: an instance with another key refuses to start; a deliberate rotation publishes
 * the new key, and records signed before it still verify on every instance. Each test has a
 * database of its own, since the active key is one per database.
 */
import * as assert from 'uvu/assert'
import { RecordKeys } from '../server/storage/recordKey'
import { KEY_PUB_KIND, RecordKeyMismatchError } from '../server/storage/postgres/sharedRecordKey'
import { recordsSuite } from './helpers/pgRecords'
import type { RecordsSuite } from './helpers/pgRecords'
import { commitRecord, keyDir, startReviewNode } from './helpers/pgReviewNode'
import type { ReviewNode } from './helpers/pgReviewNode'
import { rejection } from './helpers/rejection'

/** One test on a database of its own, with key files and instances cleaned up after it. */
function alone(name: string, run: (s: RecordsSuite, keys: ReturnType<typeof keyDir>, started: ReviewNode[]) => Promise<void>): void {
  const s = recordsSuite(`record key: ${name}`)
  s.test(name, async () => {
    const keys = keyDir()
    const started: ReviewNode[] = []
    try {
      await run(s, keys, started)
    } finally {
      started.forEach((n) => n.stop())
      keys.remove()
    }
  })
  s.test.run()
}

alone('an instance whose key differs from the one the others sign with refuses to start, and one given the same key file starts', async (s, keys, started) => {
  const a = await startReviewNode(s.instance(), keys.file('one'))
  started.push(a)
  const record = await commitRecord(a, { taskId: 'k1' })
  const err = await rejection(() => startReviewNode(s.instance(), keys.file('two')), 'an instance with another key')
  assert.instance(err, RecordKeyMismatchError)
  assert.match(err.message, a.keys.keyId)
  assert.match(err.message, 'same RECORD_KEY_FILE')
  assert.equal((await s.instance().loadAll(KEY_PUB_KIND)).docs.map((d) => d.key), [a.keys.keyId], 'the refused key was not published')
  // Positive control: the same key file on another instance starts and verifies a's record.
  const c = await startReviewNode(s.instance(), keys.file('one'))
  started.push(c)
  assert.equal(c.store.read('k1', 1), record)
})

alone('a rotation publishes the new key: older records still verify everywhere, and the old key can no longer start', async (s, keys, started) => {
  const told: string[] = []
  const a = await startReviewNode(s.instance(), keys.file('old'), { onRotated: (id) => told.push(id) })
  started.push(a)
  const before = await commitRecord(a, { taskId: 'r1' })
  const rotations: string[] = []
  const onRotated = (id: string) => rotations.push(id)
  const d = await startReviewNode(s.instance(), keys.file('new'), { rotate: true, onRotated })
  started.push(d)
  assert.is.not(d.keys.keyId, a.keys.keyId)
  // d never had the old key's file: it verifies the older record through the published key.
  assert.equal(d.store.read('r1', 1), before)
  const after = await commitRecord(d, { taskId: 'r2' })
  assert.is(after.key_id, d.keys.keyId)
  await a.catchUp()
  assert.equal(a.store.read('r2', 1), after, 'the running old instance verifies records signed with the new key')
  assert.equal(told, [d.keys.keyId], 'and is told to restart with the new key')
  const err = await rejection(() => startReviewNode(s.instance(), keys.file('old')), 'the old key after the rotation')
  assert.instance(err, RecordKeyMismatchError)
  const e = await startReviewNode(s.instance(), keys.file('new'), { onRotated })
  started.push(e)
  assert.equal([e.store.read('r1', 1), e.store.read('r2', 1)], [before, after])
  assert.equal(rotations, [], 'instances on the active key are not told of a rotation')
})

alone('instances starting at once on a new database agree on one key: the same key all start, another is refused', async (s, keys, started) => {
  const attempts = await Promise.allSettled([
    startReviewNode(s.instance(), keys.file('one')),
    startReviewNode(s.instance(), keys.file('one')),
    startReviewNode(s.instance(), keys.file('two')),
  ])
  for (const a of attempts) if (a.status === 'fulfilled') started.push(a.value)
  const ok = attempts.filter((a) => a.status === 'fulfilled')
  const refused = attempts.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason)
  assert.ok(ok.length === 1 || ok.length === 2, `${ok.length} started`)
  assert.is(new Set(started.map((n) => n.keys.keyId)).size, 1, 'every instance that started signs with one key')
  for (const r of refused) assert.instance(r, RecordKeyMismatchError)
  assert.is(ok.length + refused.length, 3)
})

alone('a published key that is not the key its id names is reported and never verifies anything', async (s, keys, started) => {
  const a = await startReviewNode(s.instance(), keys.file('one'))
  started.push(a)
  const other = await startReviewNode(s.instance(), keys.file('one'))
  started.push(other)
  const bad: string[] = []
  // Publish the "two" key's PEM under a made-up id, then start an instance that reads it.
  const two = keyDir()
  try {
    const pem = RecordKeys.open(two.file()).publicKeys()[0].public_key
    await s.instance().put(KEY_PUB_KIND, '0123456789abcdef', { key_id: '0123456789abcdef', public_key: pem })
    const b = await startReviewNode(s.instance(), keys.file('one'), { onBadKey: (id, problem) => bad.push(`${id}: ${problem}`) })
    started.push(b)
    assert.equal(bad, ['0123456789abcdef: its public_key does not have the id it is stored under'])
    assert.is(b.keys.check('00', 'x', '0123456789abcdef'), 'unknown-key')
    assert.is(b.keys.check('00', 'x', a.keys.keyId), 'bad-signature', 'control: the real key is accepted (and this signature is not)')
  } finally {
    two.remove()
  }
})
