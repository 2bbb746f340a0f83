/**
 * Rooms on two instances sharing one room through the real PostgreSQL (room log) and Redis
 * (room bus): each instance is a room (server/sync/room.ts) over its own pool and bus, with test
 * clients speaking the stock sync protocol. What one accepts is committed before anyone sees it,
 * reaches the other's clients, and a failed commit reaches nobody.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { PostgresRoomLog } from '../server/storage/postgres/roomLog'
import { RedisRoomBus } from '../server/storage/redis/roomBus'
import { SharedRoomStorage } from '../server/storage/sharedRoomStorage'
import type { RoomStorage } from '../server/storage/updateLog'
import { seededStorage } from '../server/storage/seededStorage'
import { RoomHarness, TestClient } from './helpers/roomHarness'
import { migratedSuiteDatabase } from './helpers/postgres'
import type { TestDatabase } from './helpers/postgres'
import { REDIS_URL, deleteKeys, requireRedis, uniquePrefix } from './helpers/redis'
import { waitFor } from './helpers/waitFor'
import * as Y from 'yjs'

const test = suite('shared room across instances')
const shared = migratedSuiteDatabase()
let db: TestDatabase
let prefix: string
const closers: Array<() => Promise<void> | void> = []

test.before.each(async () => {
  db = await shared.get()
  await requireRedis()
  prefix = uniquePrefix('shared-room')
})
test.after.each(async () => {
  for (const close of closers.splice(0).reverse()) await close()
  await deleteKeys(prefix)
})
test.after(() => shared.drop())

let rooms = 0
function freshRoom(): string {
  return roomName.workspace(`shared-${++rooms}-${Date.now()}`)
}

/** One codejury instance's parts: a pool, a log and a bus of its own. */
function instance(options: { bus?: boolean } = {}) {
  const log = new PostgresRoomLog(db.pool({ max: 4 }), { onIdleError: () => {} })
  const bus = options.bus === false ? null : new RedisRoomBus({ redis: REDIS_URL, prefix })
  const errors: string[] = []
  closers.push(async () => {
    await bus?.close()
    await log.close()
  })
  return {
    log,
    bus,
    errors,
    storage: (room: string) => new SharedRoomStorage(room, { log, bus, onError: (message) => errors.push(message) }),
  }
}

async function harness(room: string, storage: RoomStorage): Promise<RoomHarness> {
  const h = new RoomHarness({ name: room, storage })
  closers.push(() => h.close())
  await h.loaded
  return h
}

/** Ends turns, lets stores commit and clients answer, until `done` holds. */
async function converge(parts: Array<[RoomHarness, TestClient[]]>, done: () => boolean, what: string): Promise<void> {
  await waitFor(async () => {
    for (const [h, clients] of parts) {
      h.flush()
      await h.room.settled()
      for (const c of clients) c.pump()
    }
    return done()
  }, what)
}

const text = (c: TestClient) => c.doc.getText('solution').toString()

test('an edit accepted on one instance is committed to the log, then reaches a client of the other instance', async () => {
  const room = freshRoom()
  const [a, b] = [instance(), instance()]
  const ha = await harness(room, a.storage(room))
  const hb = await harness(room, b.storage(room))
  const alice = new TestClient(ha.connect({ id: 'alice' }))
  const bob = new TestClient(hb.connect({ id: 'bob' }))
  await converge([[ha, [alice]], [hb, [bob]]], () => alice.synced && bob.synced, 'both clients synced')

  alice.doc.getText('solution').insert(0, 'def f(): pass')
  assert.is((await a.log.load(room)).head, 0, 'control: nothing is stored before the turn ends')
  ha.flush()
  const relayedBeforeCommit = bob.tc.sent.length
  await ha.room.settled()
  assert.is((await a.log.load(room)).head, 1, 'the turn is one committed append')
  await converge([[ha, [alice]], [hb, [bob]]], () => text(bob) === 'def f(): pass', "alice's edit at bob")
  assert.ok(bob.tc.sent.length > relayedBeforeCommit)

  // And back: bob's edit reaches alice, both documents converge.
  bob.doc.getText('solution').insert(0, '# bob\n')
  await converge([[ha, [alice]], [hb, [bob]]], () => text(alice) === text(bob) && text(alice).startsWith('# bob'), "bob's edit at alice")
  assert.is((await b.log.load(room)).head, 2)
  assert.equal(a.errors, [])
})

test('a room sealed at the log refuses a commit on either instance, and what was refused reaches nobody', async () => {
  const room = freshRoom()
  const [a, b] = [instance(), instance()]
  const ha = await harness(room, a.storage(room))
  const hb = await harness(room, b.storage(room))
  const alice = new TestClient(ha.connect({ id: 'alice' }))
  const bob = new TestClient(hb.connect({ id: 'bob' }))
  alice.doc.getText('solution').insert(0, 'kept')
  await converge([[ha, [alice]], [hb, [bob]]], () => text(bob) === 'kept', 'control: an edit before the seal arrives')

  await b.log.seal(room)
  alice.doc.getText('solution').insert(4, ' refused')
  ha.flush()
  assert.is(await ha.room.settled(), false, 'the append was refused')
  assert.is(alice.tc.closedWith?.code, 1012, 'its writer is sent to reconnect')
  await converge([[hb, [bob]]], () => true, 'bob pumped')
  assert.is(text(bob), 'kept', 'nothing refused was relayed')
  const stored = await a.log.load(room)
  assert.is(stored.head, 1)
  assert.ok(stored.sealed)
})

test('an update published out of commit order, or never published, reaches the other instance in commit order', async () => {
  const room = freshRoom()
  const [a, silent] = [instance(), instance({ bus: false })]
  const ha = await harness(room, a.storage(room))
  const alice = new TestClient(ha.connect({ id: 'alice' }))
  await converge([[ha, [alice]]], () => alice.synced, 'alice synced')

  // Another instance commits seq 1 and 2 and publishes nothing (its Redis was away).
  const writer = new Y.Doc()
  writer.getText('solution').insert(0, 'one')
  const first = Y.encodeStateAsUpdate(writer)
  const sv = Y.encodeStateVector(writer)
  writer.getText('solution').insert(3, ' two')
  const second = Y.encodeStateAsUpdate(writer, sv)
  await silent.log.append(room, first)
  await silent.log.append(room, second)
  // A third instance then commits seq 3 and publishes it: it depends on 1 and 2.
  const c = instance()
  const third = (() => {
    const before = Y.encodeStateVector(writer)
    writer.getText('solution').insert(7, ' three')
    return Y.encodeStateAsUpdate(writer, before)
  })()
  const seq = await c.log.append(room, third)
  assert.is(seq, 3)
  await c.bus!.publish({ room }, 'update', third, seq)
  await converge([[ha, [alice]]], () => text(alice) === 'one two three', 'the hole read from the log, then seq 3')
  assert.equal(a.errors, [])
})

test('two instances loading a room nobody stored serve one seed, never two beside each other', async () => {
  const room = freshRoom()
  const [a, b] = [instance(), instance()]
  const seed = (who: string) => () => {
    const doc = new Y.Doc()
    doc.getText('solution').insert(0, `seed by ${who}`)
    return Y.encodeStateAsUpdate(doc)
  }
  const [ha, hb] = await Promise.all([
    harness(room, seededStorage(a.storage(room), seed('a'))),
    harness(room, seededStorage(b.storage(room), seed('b'))),
  ])
  const alice = new TestClient(ha.connect({ id: 'alice' }))
  const bob = new TestClient(hb.connect({ id: 'bob' }))
  await converge([[ha, [alice]], [hb, [bob]]], () => alice.synced && bob.synced, 'both synced')
  assert.match(text(alice), /^seed by [ab]$/)
  assert.is(text(bob), text(alice), 'one seed, the same on both instances')
})

test("a client id one user wrote with on one instance is refused to another user on the other instance, at the log", async () => {
  const room = freshRoom()
  const [a, b] = [instance(), instance()]
  const ha = await harness(room, a.storage(room))
  const hb = await harness(room, b.storage(room))
  const alice = new TestClient(ha.connect({ id: 'alice' }))
  const bob = new TestClient(hb.connect({ id: 'bob' }))
  bob.doc.getText('solution').insert(0, 'bob here. ')
  await converge([[ha, [alice]], [hb, [bob]]], () => text(alice) === 'bob here. ', "control: bob's own client id is accepted")
  alice.doc.getText('solution').insert(10, 'alice here.')
  await converge([[ha, [alice]], [hb, [bob]]], () => text(bob) === 'bob here. alice here.', "alice's edit at bob")
  const owners = new Map(await a.log.loadOwners(room))
  assert.is(owners.get(bob.doc.clientID), 'bob')
  assert.is(owners.get(alice.doc.clientID), 'alice')

  // Bob writes at alice's client id, through instance B, which has not learnt that it is hers.
  const forged = new TestClient(hb.connect({ id: 'bob' }))
  await converge([[hb, [forged]]], () => forged.synced, 'the forger synced')
  // Set after the sync: Yjs would pick a new id on seeing its own in what it receives.
  forged.doc.clientID = alice.doc.clientID
  forged.doc.getText('solution').insert(0, 'FORGED ')
  hb.flush()
  assert.is(await hb.room.settled(), false, 'the append is refused')
  assert.is(forged.tc.closedWith?.code, 1012)
  const stored = await a.log.load(room)
  const doc = new Y.Doc()
  for (const u of stored.updates) Y.applyUpdate(doc, u)
  assert.is(doc.getText('solution').toString(), 'bob here. alice here.', 'the log never held the forgery')
  await converge([[ha, [alice]]], () => true, 'alice pumped')
  assert.is(text(alice), 'bob here. alice here.')
})

test('presence said through one instance is seen by a client of the other, and leaving takes it away there', async () => {
  const room = freshRoom()
  const [a, b] = [instance(), instance()]
  const ha = await harness(room, a.storage(room))
  const hb = await harness(room, b.storage(room))
  const aliceConn = ha.connect({ id: 'alice', name: 'Alice' })
  const alice = new TestClient(aliceConn)
  const bob = new TestClient(hb.connect({ id: 'bob' }))
  await converge([[ha, [alice]], [hb, [bob]]], () => alice.synced && bob.synced, 'both synced')
  assert.is(bob.awareness.getStates().has(alice.doc.clientID), false, 'control: not there before she says anything')
  alice.awareness.setLocalStateField('cursor', { line: 3 })
  await converge([[ha, [alice]], [hb, [bob]]], () => bob.awareness.getStates().has(alice.doc.clientID), "alice's presence at bob")
  const seen = bob.awareness.getStates().get(alice.doc.clientID) as { cursor: unknown; user: { name: string } }
  assert.equal(seen.cursor, { line: 3 })
  assert.is(seen.user.name, 'Alice', 'stamped by the instance she is on')
  aliceConn.leave()
  await converge([[ha, []], [hb, [bob]]], () => !bob.awareness.getStates().has(alice.doc.clientID), 'her leaving at bob')
})

test('presence said before the room loaded on the other instance is seen there at once, not at the next 15 s renewal', async () => {
  const room = freshRoom()
  const [a, b] = [instance(), instance()]
  const ha = await harness(room, a.storage(room))
  const alice = new TestClient(ha.connect({ id: 'alice', name: 'Alice' }))
  alice.awareness.setLocalStateField('cursor', { line: 7 })
  await converge([[ha, [alice]]], () => alice.synced && ha.room.awareness.getStates().has(alice.doc.clientID), 'her presence on her instance')

  // The room loads on B only now: it asks A, and A answers with its own connections' states.
  const hb = await harness(room, b.storage(room))
  const bob = new TestClient(hb.connect({ id: 'bob' }))
  const started = Date.now()
  await converge([[ha, [alice]], [hb, [bob]]], () => bob.awareness.getStates().has(alice.doc.clientID), "alice's earlier presence at bob")
  assert.ok(Date.now() - started < 5_000, 'well before a renewal')
  const seen = bob.awareness.getStates().get(alice.doc.clientID) as { cursor: unknown; user: { name: string } }
  assert.equal(seen.cursor, { line: 7 })
  assert.is(seen.user.name, 'Alice')
  // A third instance hears both, each from the instance that person is on.
  bob.awareness.setLocalStateField('cursor', { line: 1 })
  await converge([[ha, [alice]], [hb, [bob]]], () => alice.awareness.getStates().has(bob.doc.clientID), "bob's presence at alice")
  const hc = await harness(room, instance().storage(room))
  const carol = new TestClient(hc.connect({ id: 'carol' }))
  await converge([[ha, [alice]], [hb, [bob]], [hc, [carol]]], () => carol.awareness.getStates().has(alice.doc.clientID) && carol.awareness.getStates().has(bob.doc.clientID), 'both at a third instance')
  assert.equal(a.errors.concat(b.errors), [])
})

test.run()
