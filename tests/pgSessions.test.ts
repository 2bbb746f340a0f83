/**
 * Sign-in sessions over the real PostgreSQL (pgSessionStore.ts): two instances, each with its own
 * pool, feed and store on one database. A session created or revoked on one holds on the other
 * after a catch-up, revocations fire `onRevoke` on both, and a recorded use never resurrects a
 * revoked session.
 */
import * as assert from 'uvu/assert'
import { RecordFeed } from '../server/storage/postgres/recordFeed'
import { PgSessionStore, SESSION_KIND } from '../server/storage/postgres/pgSessionStore'
import { LAST_USED_WRITE_MS, MAX_SESSIONS_PER_USER } from '../server/storage/sessionTypes'
import type { StoredSession } from '../server/storage/sessionTypes'
import { recordsSuite } from './helpers/pgRecords'
import { waitFor } from './helpers/waitFor'
import { rejection } from './helpers/rejection'

const { test, instance, session } = recordsSuite('postgres sessions')

const HOUR_MS = 3_600_000
const feeds: RecordFeed[] = []

// The suite shares one database: each test starts with no sessions.
test.before.each(async () => {
  await (await session()).query('DELETE FROM record_docs WHERE kind = $1', [SESSION_KIND])
})

test.after.each(() => {
  for (const f of feeds.splice(0)) f.stop()
})

/** One codejury instance's session store; `clock.now` moves its time. */
async function open(options: { pollMs?: number; clock?: { now: number }; errors?: unknown[] } = {}) {
  const feed = new RecordFeed(instance(), { pollMs: options.pollMs ?? 60_000 })
  feeds.push(feed)
  const clock = options.clock
  const store = new PgSessionStore(feed, {
    ttlMs: HOUR_MS,
    ...(clock ? { now: () => clock.now } : {}),
    onError: (err) => options.errors?.push(err),
  })
  const revoked: StoredSession[][] = []
  store.onRevoke((list) => revoked.push(list))
  await feed.start()
  return { feed, store, revoked }
}

test('a session created on one instance signs in on the other after a catch-up', async () => {
  const a = await open()
  const b = await open()
  const { id, session } = await a.store.create('u1', 'tok-1')
  assert.is(a.store.resolve(id)?.userId, 'u1', 'the creating instance reads its own write')
  assert.is(b.store.resolve(id), undefined, 'control: the other instance has not caught up yet')
  await b.feed.catchUp()
  assert.is(b.store.resolve(id)?.userId, 'u1')
  assert.is(b.store.isLive(session.hash), true)
  assert.is(b.store.resolve(`${id}x`), undefined, 'a wrong id still signs nobody in')
  assert.equal(b.store.list().map((s) => s.userId), ['u1'])
  const stored = await a.feed.docs.loadAll(SESSION_KIND)
  assert.equal(stored.docs.map((d) => d.key), [session.hash], 'stored under its hash')
  assert.not.ok(JSON.stringify(stored.docs).includes(id), 'the secret id itself is never stored')
})

test('a session revoked on one instance stops working on the other and fires its revoke listeners there', async () => {
  const a = await open()
  const b = await open()
  const one = await a.store.create('u1', 'tok-1')
  const other = await a.store.create('u2', 'tok-2')
  await b.feed.catchUp()
  assert.is(b.store.resolve(one.id)?.userId, 'u1', 'control: live on B before the revocation')

  assert.is(await a.store.revokeUser('u1'), 1)
  assert.is(a.store.resolve(one.id), undefined, 'gone at once where it was revoked')
  assert.equal(a.revoked.map((l) => l.map((s) => s.userId)), [['u1']])
  assert.is(b.store.isLive(one.session.hash), true, 'B holds it until it catches up')
  assert.equal(b.revoked, [])

  await b.feed.catchUp()
  assert.is(b.store.resolve(one.id), undefined)
  assert.is(b.store.isLive(one.session.hash), false)
  assert.equal(b.revoked.map((l) => l.map((s) => s.hash)), [[one.session.hash]], 'B closes its sockets too')
  assert.is(b.store.resolve(other.id)?.userId, 'u2', 'control: the other user stays signed in')
  assert.is(await b.store.revokeHash(one.session.hash), false, 'nothing left to revoke')
})

test('a revocation reaches the other instance by the poll alone', async () => {
  const a = await open()
  const b = await open({ pollMs: 20 })
  const { id, session } = await a.store.create('u1', 'tok-1')
  await waitFor(() => b.store.resolve(id) !== undefined, 'the poll bringing the new session')
  const byId = await a.store.revokeById(session.hash.slice(0, 16))
  assert.is(byId?.hash, session.hash)
  await waitFor(() => b.revoked.length === 1, 'the poll bringing the revocation')
  assert.is(b.store.resolve(id), undefined)
})

test('a use recorded on one instance never brings back a session revoked on the other', async () => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') }
  const a = await open({ clock })
  const b = await open({ clock })
  const { id, session } = await a.store.create('u1', 'tok-1')
  await b.feed.catchUp()

  clock.now += LAST_USED_WRITE_MS + 1
  assert.ok(a.store.resolve(id), 'control: a use past the interval is stored')
  await a.store.flush()
  const afterUse = await a.feed.docs.loadAll(SESSION_KIND)
  assert.is((afterUse.docs[0].body as StoredSession).lastUsedAt, new Date(clock.now).toISOString())

  await b.feed.catchUp()
  assert.is(await b.store.revokeHash(session.hash), true)
  clock.now += LAST_USED_WRITE_MS + 1
  assert.ok(a.store.resolve(id), 'A has not caught up: it still serves the session and records the use')
  await a.store.flush()
  assert.equal((await a.feed.docs.loadAll(SESSION_KIND)).docs, [], 'the stale use did not resurrect it')
  await a.feed.catchUp()
  assert.is(a.store.resolve(id), undefined)
  assert.is(a.revoked.length, 1, 'A reports the revocation once it arrives')
})

test('an expired session is refused on every instance and pruned without being reported revoked', async () => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') }
  const a = await open({ clock })
  const b = await open({ clock })
  const old = await a.store.create('u1', 'tok-1')
  clock.now += HOUR_MS / 2
  const fresh = await a.store.create('u2', 'tok-2')
  await b.feed.catchUp()
  clock.now += HOUR_MS / 2
  assert.is(b.store.resolve(old.id), undefined, 'expired at its expiresAt')
  assert.is(b.store.resolve(fresh.id)?.userId, 'u2', 'control: the younger session still works')
  await b.store.flush()
  assert.equal((await b.feed.docs.loadAll(SESSION_KIND)).docs.map((d) => d.key), [fresh.session.hash], 'pruned from the store')
  await a.feed.catchUp()
  assert.is(a.store.isLive(old.session.hash), false)
  assert.equal([...a.revoked, ...b.revoked], [], 'expiry is no revocation')
})

test('signing in past the cap drops the least recently used session on both instances', async () => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') }
  const a = await open({ clock })
  const b = await open({ clock })
  const ids: string[] = []
  for (let i = 0; i < MAX_SESSIONS_PER_USER; i++) {
    clock.now += 1_000
    ids.push((await a.store.create('u1', 'tok-1')).id)
  }
  await b.feed.catchUp()
  assert.is(b.store.list().length, MAX_SESSIONS_PER_USER, 'control: all of them live at the cap')
  clock.now += 1_000
  await b.store.create('u1', 'tok-1')
  await a.feed.catchUp()
  for (const s of [a.store, b.store]) {
    assert.is(s.list().length, MAX_SESSIONS_PER_USER)
    assert.is(s.resolve(ids[0]), undefined, 'the oldest one went')
    assert.ok(s.resolve(ids[1]), 'the next one stays')
  }
})

test('an instance that starts later finds the live sessions and a session that is not one is skipped', async () => {
  const errors: unknown[] = []
  const a = await open()
  const { id } = await a.store.create('u1', 'tok-1')
  await a.feed.docs.put(SESSION_KIND, 'f'.repeat(64), { hash: 'other', userId: '__proto__' })
  const c = await open({ errors })
  assert.is(c.store.resolve(id)?.userId, 'u1')
  assert.is(c.store.list().length, 1, 'only the well-formed session is held')
  assert.is(errors.length, 1, 'the malformed one is reported')
  const odd = await c.store.create('__proto__', 'tok-p')
  await a.feed.catchUp()
  assert.is(a.store.resolve(odd.id)?.userId, '__proto__', 'user ids are data')
  assert.is(await a.store.revokeUser('constructor'), 0, 'control: no other user matches')
  assert.is(await a.store.revokeUser('__proto__'), 1)
  assert.match((await rejection(() => c.store.create('', 'tok'), 'a session without a user')).message, /user id/)
})

test.run()
