/**
 * Time on task over the real PostgreSQL (pgActivityStore.ts): two instances, each with its own
 * pool, feed, store and tracker on one database. Each stores its own connections' time; every
 * instance's reads add up both, and nothing is counted twice, however often either flushes.
 */
import * as assert from 'uvu/assert'
import { RecordFeed } from '../server/storage/postgres/recordFeed'
import { ACTIVITY_KIND, PgActivityStore } from '../server/storage/postgres/pgActivityStore'
import { ActivityTracker } from '../server/services/activity'
import { recordsSuite } from './helpers/pgRecords'
import { waitFor } from './helpers/waitFor'

const { test, instance, session } = recordsSuite('postgres time on task')
const T0 = Date.parse('2026-03-05T10:00:00Z')
const SEC = 1_000
const feeds: RecordFeed[] = []
const trackers: ActivityTracker[] = []

// The suite shares one database: each test starts with no time on task.
test.before.each(async () => {
  await (await session()).query('DELETE FROM record_docs WHERE kind = $1', [ACTIVITY_KIND])
})

test.after.each(async () => {
  for (const f of feeds.splice(0)) f.stop()
  await Promise.all(trackers.splice(0).map((t) => t.close().catch(() => {})))
})

/** One codejury instance's tracker over PostgreSQL; `clock.now` is its time. */
async function open(options: { pollMs?: number; errors?: unknown[]; clock?: { now: number } } = {}) {
  const feed = new RecordFeed(instance(), { pollMs: options.pollMs ?? 60_000 })
  feeds.push(feed)
  const clock = options.clock ?? { now: T0 }
  const onError = (err: unknown) => options.errors?.push(err)
  const store = new PgActivityStore(feed, { onError })
  // flushMs far away: the tests flush when they mean to
  const tracker = new ActivityTracker({ dataDir: null, store, revisionOf: () => 1, now: () => clock.now, flushMs: 3_600_000, onError })
  trackers.push(tracker)
  await feed.start()
  return { feed, store, tracker, clock }
}

/** `ms` of work by `user` on `task` through one instance: a connection and two acts. */
function work(tracker: ActivityTracker, user: string, task: string, from: number, ms: number): void {
  tracker.connected(user)
  tracker.note(user, task, from)
  tracker.note(user, task, from + ms, true)
  tracker.disconnected(user)
}

const totals = (t: ActivityTracker) =>
  t.totalsByTask().map((r) => `${r.task} ${r.user} ${r.active_ms}`).sort()

test('time from both instances adds up on each instance after a catch-up, and nothing is counted twice', async () => {
  const a = await open()
  const b = await open()
  work(a.tracker, 'u1', 't1', T0, 60 * SEC)
  work(b.tracker, 'u2', 't1', T0, 30 * SEC)
  work(b.tracker, 'u1', 't2', T0 + 90 * SEC, 45 * SEC)
  await Promise.all([a.tracker.settle(), b.tracker.settle()])
  assert.equal(totals(b.tracker), ['t1 u2 30000', 't2 u1 45000'], 'control: B holds only its own time before it catches up')

  await Promise.all([a.feed.catchUp(), b.feed.catchUp()])
  const expected = ['t1 u1 60000', 't1 u2 30000', 't2 u1 45000']
  assert.equal(totals(a.tracker), expected, 'A adds B\'s time to its own, and skips its own coming back')
  assert.equal(totals(b.tracker), expected)
  for (const t of [a.tracker, b.tracker]) {
    assert.equal([...(t.totalsOf('t1') ?? [])].sort(), [['u1', 60_000], ['u2', 30_000]], 'running totals agree')
    assert.equal([...t.workedOn('t1', 1)].sort(), [['u1', 60_000], ['u2', 30_000]])
    assert.equal(t.quartersBetween('2026-03-05', '2026-03-05').reduce((n, q) => n + q.active_ms, 0), 135_000)
    assert.equal(t.daysBetween('2026-03-05', '2026-03-05').map((d) => `${d.task} ${d.user} ${d.active_ms}`).sort(), expected)
  }

  const versions = async () => (await a.feed.docs.loadAll(ACTIVITY_KIND)).docs.map((d) => `${d.key} ${d.version}`)
  const before = await versions()
  assert.is(before.length, 3, 'one record per instance, day and person')
  work(a.tracker, 'u9', 't9', T0, 0)
  a.tracker.note('u9', 't9', T0)
  await Promise.all([a.tracker.settle(), b.tracker.settle(), a.feed.catchUp(), b.feed.catchUp()])
  const after = await versions()
  assert.is(after.length, 4, 'control: a new person\'s row is written')
  assert.equal(after.filter((v) => !v.includes('/u9 ')).sort(), [...before].sort(), 'an unchanged person\'s day is not written again')
  await Promise.all([a.feed.catchUp(), b.feed.catchUp()])
  assert.equal(totals(a.tracker), [...expected, 't9 u9 0'].sort(), 'flushing and catching up again adds nothing twice')
  assert.equal(totals(b.tracker), [...expected, 't9 u9 0'].sort())
})

test('a later flush replaces an instance\'s rows on the other instance instead of adding to them', async () => {
  const a = await open()
  const b = await open({ pollMs: 20 })
  work(a.tracker, 'u1', 't1', T0, 60 * SEC)
  await a.tracker.settle()
  await waitFor(() => totals(b.tracker).join() === 't1 u1 60000', 'the poll bringing A\'s first minute')
  work(a.tracker, 'u1', 't1', T0 + 5 * 60 * SEC, 30 * SEC)
  await a.tracker.settle()
  await waitFor(() => totals(b.tracker).join() === 't1 u1 90000', 'the poll bringing A\'s next half minute')
  assert.equal(b.tracker.workedOn('t1', 1).get('u1'), 90_000)
  assert.equal(b.tracker.totalsOf('t1')?.get('u1'), 90_000, 'the running total drops the rows it replaced')
  assert.equal(totals(a.tracker), ['t1 u1 90000'])
})

test('an instance started later, or a restarted one, reads every instance\'s stored time and adds its own', async () => {
  const a = await open()
  const b = await open()
  work(a.tracker, 'u1', 't1', T0, 60 * SEC)
  work(b.tracker, 'u2', 't1', T0, 30 * SEC)
  await Promise.all([a.tracker.settle(), b.tracker.settle()])
  await a.tracker.close()

  const again = await open()
  assert.is(again.store.writer === a.store.writer, false, 'a new process writes under a new id')
  assert.equal(totals(again.tracker), ['t1 u1 60000', 't1 u2 30000'])
  work(again.tracker, 'u1', 't1', T0 + 10 * 60 * SEC, 20 * SEC)
  await again.tracker.settle()
  await b.feed.catchUp()
  assert.equal(totals(b.tracker), ['t1 u1 80000', 't1 u2 30000'], 'the restarted instance adds to the time stored before it')
})

test('a write the database refuses is reported, stores nothing, and is written on a later flush', async () => {
  const errors: unknown[] = []
  const a = await open({ errors })
  const b = await open()
  const admin = await session()
  await admin.query(`CREATE OR REPLACE FUNCTION cj_refuse_activity() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`)
  await admin.query(`CREATE TRIGGER cj_refuse_activity BEFORE INSERT OR UPDATE ON record_docs
    FOR EACH ROW WHEN (NEW.kind = 'activity') EXECUTE FUNCTION cj_refuse_activity()`)
  try {
    work(a.tracker, 'u1', 't1', T0, 60 * SEC)
    await a.tracker.settle()
    assert.is(errors.length, 1, 'the refusal is reported')
    assert.match(String(errors[0]), /refused by the test/)
    await b.feed.catchUp()
    assert.equal(totals(b.tracker), [], 'nothing was stored')
  } finally {
    await admin.query('DROP TRIGGER IF EXISTS cj_refuse_activity ON record_docs')
  }
  await a.tracker.settle()
  await b.feed.catchUp()
  assert.equal(totals(b.tracker), ['t1 u1 60000'], 'the day stayed pending and was written once the database took it')
  assert.is(errors.length, 1)
})

test('a stored record that is no row set, or rows of someone else in a person\'s set, count nothing', async () => {
  const errors: unknown[] = []
  const a = await open({ errors })
  const docs = a.feed.docs
  const row = (user: string, ms: number) => ({ task: 't1', user, revision: 1, active_ms: ms, q: 40 })
  await docs.put(ACTIVITY_KIND, '2026-03-05/other/u1', { writer: 'other', day: '2026-03-05', user: 'u1', rows: [row('u1', 5_000), row('u2', 7_000)] })
  await docs.put(ACTIVITY_KIND, '2026-03-05/other/u3', { rows: 'not rows' })
  await docs.put(ACTIVITY_KIND, '2026-03-05/other/__proto__', { writer: 'other', day: '2026-03-05', user: '__proto__', rows: [row('__proto__', 1_000)] })
  await a.feed.catchUp()
  assert.equal(totals(a.tracker), ['t1 __proto__ 1000', 't1 u1 5000'], 'the well-formed rows count, ids are data')
  assert.is(errors.length, 1, 'the malformed record is reported')
})

test.run()
