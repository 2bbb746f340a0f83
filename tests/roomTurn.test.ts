/**
 * A room's turn, driven explicitly in process: what a turn's writers sent is applied at once, but
 * stored and relayed only when the turn ends, once for the whole turn, and never relayed when it
 * could not be stored.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { getWorkspace } from '../shared/schema'
import { MessageType } from '../shared/protocol'
import { MemoryStorage } from '../server/storage/memoryStorage'
import { RoomHarness, TestClient } from './helpers/roomHarness'

const test = suite('room turn')

/** Memory storage whose appends fail while `full` is set, like a full disk. */
class FillableStorage extends MemoryStorage {
  full = false
  override append(update: Uint8Array): void {
    if (this.full) throw new Error('ENOSPC: no space left on device')
    super.append(update)
  }
}

let rooms: RoomHarness[] = []
test.after.each(() => {
  for (const r of rooms) r.close()
  rooms = []
})

test('stores and relays a turn’s edits once, merged, only when the turn ends', () => {
  const storage = new MemoryStorage()
  const room = new RoomHarness({ storage })
  rooms.push(room)
  const a = new TestClient(room.connect({ id: 'ann' }))
  const b = new TestClient(room.connect({ id: 'bob' }))
  room.settle(a, b)
  const stored = storage.logLength
  const seenByA = a.tc.received(MessageType.sync).length
  const seenByB = b.tc.received(MessageType.sync).length
  const text = getWorkspace(a.doc).explanation
  text.insert(0, 'one ')
  text.insert(4, 'two')
  assert.is(getWorkspace(room.room.doc).explanation.toString(), 'one two', 'applied as it arrives')
  assert.is(storage.logLength, stored, 'nothing stored before the turn ends')
  assert.is(b.tc.received(MessageType.sync).length, seenByB, 'nothing relayed before the turn ends')
  assert.ok(room.flush(), 'a turn was waiting')
  assert.is(storage.logLength, stored + 1, 'one append for the turn')
  assert.is(b.tc.received(MessageType.sync).length, seenByB + 1, 'one update message for the turn')
  b.pump()
  assert.is(getWorkspace(b.doc).explanation.toString(), 'one two')
  assert.is(a.tc.received(MessageType.sync).length, seenByA, 'the writer does not get its own edits back')
})

test('relays nothing of a turn it could not store and sends everyone away with 1012', () => {
  const storage = new FillableStorage()
  const room = new RoomHarness({ storage })
  rooms.push(room)
  const a = new TestClient(room.connect({ id: 'ann' }))
  const b = new TestClient(room.connect({ id: 'bob' }))
  room.settle(a, b)
  getWorkspace(a.doc).explanation.insert(0, 'stored')
  room.settle(a, b)
  assert.is(getWorkspace(b.doc).explanation.toString(), 'stored', 'a stored turn is relayed (positive control)')
  storage.full = true
  getWorkspace(a.doc).explanation.insert(0, 'lost ')
  room.flush()
  b.pump()
  assert.is(getWorkspace(b.doc).explanation.toString(), 'stored', 'the unstored edit reached nobody')
  assert.is(a.tc.closedWith?.code, 1012)
  assert.is(b.tc.closedWith?.code, 1012)
  assert.ok(room.room.discarded, 'the room serves nobody until it is reloaded from storage')
})

test.run()
