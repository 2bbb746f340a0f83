/**
 * Gold tasks over the real PostgreSQL (pgGoldStore.ts): two instances, each with its own pool,
 * feed and store on one database. A mark or unmark on one shows on the other after a catch-up,
 * the last mark wins on both, and task ids are data.
 */
import * as assert from 'uvu/assert'
import { RecordFeed } from '../server/storage/postgres/recordFeed'
import { GOLD_KIND, PgGoldStore } from '../server/storage/postgres/pgGoldStore'
import type { GoldEntry } from '../server/storage/goldStore'
import { recordsSuite } from './helpers/pgRecords'
import { rejection } from './helpers/rejection'
import { waitFor } from './helpers/waitFor'

const { test, instance, session } = recordsSuite('postgres gold')
const feeds: RecordFeed[] = []

// The suite shares one database: each test starts with no gold.
test.before.each(async () => {
  await (await session()).query('DELETE FROM record_docs WHERE kind = $1', [GOLD_KIND])
})

test.after.each(() => {
  for (const f of feeds.splice(0)) f.stop()
})

async function open(options: { pollMs?: number; errors?: unknown[] } = {}) {
  const feed = new RecordFeed(instance(), { pollMs: options.pollMs ?? 60_000 })
  feeds.push(feed)
  const gold = new PgGoldStore(feed, (err) => options.errors?.push(err))
  await feed.start()
  return { feed, gold }
}

function entry(task: string, ranking: string[], by = 'lead'): GoldEntry {
  return { task, ranking, by, by_name: 'Lead', at: '2026-01-01T00:00:00.000Z', source: 'ranking' }
}

test('a task marked gold on one instance is gold on the other after a catch-up', async () => {
  const a = await open()
  const b = await open()
  await a.gold.set(entry('t1', ['c2', 'c1']))
  assert.equal(a.gold.get('t1')?.ranking, ['c2', 'c1'], 'the marking instance reads its own write')
  assert.is(b.gold.has('t1'), false, 'control: the other instance has not caught up yet')
  await b.feed.catchUp()
  assert.equal(b.gold.get('t1'), entry('t1', ['c2', 'c1']))
  assert.equal([...b.gold.taskIds()], ['t1'])
  assert.is(b.gold.has('t2'), false, 'control: an unmarked task is not gold')
})

test('unmarking on one instance unmarks on the other and says whether the task was gold', async () => {
  const a = await open()
  const b = await open({ pollMs: 20 })
  await a.gold.set(entry('t1', ['c1']))
  await a.gold.set(entry('t2', ['c1']))
  await waitFor(() => b.gold.has('t2'), 'the poll bringing both marks')
  assert.is(await a.gold.delete('t1'), true)
  assert.is(await a.gold.delete('t1'), false, 'a second unmark finds nothing')
  assert.is(a.gold.has('t1'), false)
  await waitFor(() => !b.gold.has('t1'), 'the poll bringing the unmark')
  assert.is(b.gold.has('t2'), true, 'control: the other gold task stays')
  assert.is(await b.gold.delete('t1'), false, 'B knows it is gone')
})

test('of two marks of one task, the last to commit wins on both instances', async () => {
  const a = await open()
  const b = await open()
  await a.gold.set(entry('t1', ['c1', 'c2'], 'lead-a'))
  await b.gold.set(entry('t1', ['c2', 'c1'], 'lead-b'))
  await a.feed.catchUp()
  assert.is(a.gold.get('t1')?.by, 'lead-b')
  assert.is(b.gold.get('t1')?.by, 'lead-b')
  assert.equal(a.gold.get('t1')?.ranking, ['c2', 'c1'])
})

test('task ids are data, and a bad entry or id is refused before anything is stored', async () => {
  const a = await open()
  const b = await open()
  const ids = ['__proto__', 'constructor', 'tâche/😀', 'x'.repeat(512)]
  for (const id of ids) await a.gold.set(entry(id, ['c1']))
  await b.feed.catchUp()
  assert.equal([...b.gold.taskIds()].sort(), [...ids].sort())
  assert.is(({} as Record<string, unknown>).constructor, Object, 'no prototype was touched')

  const long = await rejection(() => a.gold.set(entry('x'.repeat(513), ['c1'])), 'a task id past 512 bytes')
  assert.match(long.message, /512/)
  const bad = await rejection(() => a.gold.set({ task: 't9', ranking: [1] } as unknown as GoldEntry), 'a malformed entry')
  assert.match(bad.message, /gold entry/)
  assert.is((await a.feed.docs.loadAll(GOLD_KIND)).docs.length, ids.length, 'neither was stored')
})

test('a stored record that is no gold entry is skipped, reported, and unmarks that task', async () => {
  const errors: unknown[] = []
  const a = await open({ errors })
  await a.gold.set(entry('t1', ['c1']))
  await a.gold.set(entry('t2', ['c1']))
  await a.feed.reach(await a.feed.docs.put(GOLD_KIND, 't1', { task: 'other', ranking: ['c1'], by: 'x', at: 'y' }))
  assert.is(a.gold.has('t1'), false)
  assert.is(a.gold.has('t2'), true, 'control: the well-formed entry stays')
  assert.is(errors.length, 1)
  const c = await open()
  assert.equal([...c.gold.taskIds()], ['t2'], 'a later instance skips it on start too')
})

test.run()
