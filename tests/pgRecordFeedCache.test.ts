/**
 * The per-instance records feed (recordFeed.ts) against the real PostgreSQL: memory changes only
 * through the feed, a write is read back once its version is reached, other instances' writes
 * arrive on catch-up, and a handler that throws stalls nobody.
 */
import * as assert from 'uvu/assert'
import { RecordFeed } from '../server/storage/postgres/recordFeed'
import type { StoredDoc } from '../server/storage/postgres/recordDocs'
import { recordsSuite } from './helpers/pgRecords'
import { waitFor } from './helpers/waitFor'

const { test, instance } = recordsSuite('postgres records feed cache')

function mirror(feed: RecordFeed, kind: string): Map<string, unknown> {
  const memory = new Map<string, unknown>()
  feed.on(kind, (docs: readonly StoredDoc[]) => {
    for (const d of docs) {
      if (d.removed) memory.delete(d.key)
      else memory.set(d.key, d.body)
    }
  })
  return memory
}

test('a write is in memory once its version is reached, and another instance sees it after a catch-up', async () => {
  const a = new RecordFeed(instance(), { pollMs: 60_000 })
  const b = new RecordFeed(instance(), { pollMs: 60_000 })
  try {
    const [ma, mb] = [mirror(a, 'feed-a'), mirror(b, 'feed-a')]
    await a.docs.put('feed-a', 'before', { n: 0 })
    await Promise.all([a.start(), b.start()])
    assert.equal(mb.get('before'), { n: 0 }, 'start loads what was stored before it')

    const version = await a.docs.put('feed-a', 'k', { n: 1 })
    assert.is(ma.has('k'), false, 'memory changes only through the feed')
    await a.reach(version)
    assert.equal(ma.get('k'), { n: 1 })
    assert.is(mb.has('k'), false, 'the other instance has not caught up yet')
    await b.catchUp()
    assert.equal(mb.get('k'), { n: 1 })

    await b.docs.remove('feed-a', 'k')
    await a.catchUp()
    assert.is(ma.has('k'), false, 'a removal reaches the other instance as a tombstone')
  } finally {
    a.stop()
    b.stop()
  }
})

test('a handler that throws is reported and the other kinds still apply', async () => {
  const errors: string[] = []
  const feed = new RecordFeed(instance(), { pollMs: 60_000, onError: (_err, kind) => errors.push(String(kind)) })
  try {
    feed.on('feed-bad', () => {
      throw new Error('a bad document')
    })
    const good = mirror(feed, 'feed-good')
    await feed.start()
    await feed.docs.put('feed-bad', 'x', 1)
    const v = await feed.docs.put('feed-good', 'y', 2)
    await feed.reach(v)
    assert.equal(errors, ['feed-bad'])
    assert.is(good.get('y'), 2)
    assert.is(feed.version >= v, true)
  } finally {
    feed.stop()
  }
})

test('without a hint, the poll brings another instance\'s write', async () => {
  const a = new RecordFeed(instance(), { pollMs: 20 })
  try {
    const ma = mirror(a, 'feed-poll')
    await a.start()
    assert.is(ma.has('p'), false, 'control: not there before it is written')
    await instance().put('feed-poll', 'p', 'polled')
    await waitFor(() => ma.has('p'), 'the poll bringing the write')
    assert.is(ma.get('p'), 'polled')
  } finally {
    a.stop()
  }
})

test.run()
