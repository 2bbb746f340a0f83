/**
 * Presence claims: bytes-counted limits, one client id per connection, ids kept per user. Tested
 * in an in-process room with an explicit turn flush; the server's end-to-end check of the same
 * rule is in sync.test.ts (a raw socket cannot speak for another client).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { writeAwarenessMessage, writeAwarenessUpdate, writeUpdateMessage } from '../shared/protocol'
import { MAX_AWARENESS_STATE_BYTES } from '../server/config'
import { RoomHarness, TestClient } from './helpers/roomHarness'
import type { TestConnection } from './helpers/roomHarness'

const test = suite('room presence')
let harness: RoomHarness
let observer: TestClient

test.before.each(() => {
  harness = new RoomHarness({ name: roomName.workspace('t1') })
  observer = new TestClient(harness.connect({ id: 'lead', role: 'lead' }))
  harness.settle(observer)
})
test.after.each(() => {
  harness.close()
})

let clock = 1
/** Sends a state for `clientID` and ends the turn, so the observer holds whatever was relayed. */
const say = (tc: TestConnection, clientID: number, state: Record<string, unknown>) => {
  tc.send(writeAwarenessMessage(writeAwarenessUpdate([{ clientID, clock: clock++, state: JSON.stringify(state) }])))
  harness.settle(observer)
}
const seenAs = (clientID: number) => observer.awareness.getStates().get(clientID) as { user?: { id: string }; tag?: string } | undefined

test('counts the presence size limit in bytes, not characters', () => {
  const ann = harness.connect({ id: 'ann' })
  const emoji = '😀'.repeat(Math.floor(MAX_AWARENESS_STATE_BYTES / 3)) // fewer characters than the limit, more bytes
  assert.ok(emoji.length < MAX_AWARENESS_STATE_BYTES)
  say(ann, 501, { tag: 'too big', pad: emoji })
  assert.is(seenAs(501), undefined, 'the multi-byte state over the limit was dropped')
  say(ann, 501, { tag: 'small', pad: '😀'.repeat(100) })
  assert.is(seenAs(501)?.tag, 'small', 'a state under the limit (positive control)')
})

test('keeps a client id for the user who used it, and lets that user take it back on reconnect', () => {
  const first = harness.connect({ id: 'ann' })
  say(first, 600, { tag: 'ann 1' })
  assert.is(seenAs(600)?.tag, 'ann 1')
  assert.is(seenAs(600)?.user?.id, 'ann')

  // a reconnect by the same user while the old connection is still open takes the id back
  const second = harness.connect({ id: 'ann' })
  say(second, 600, { tag: 'ann 2' })
  assert.is(seenAs(600)?.tag, 'ann 2', 'the reconnect’s state')
  say(first, 600, { tag: 'stale' })
  assert.is(seenAs(600)?.tag, 'ann 2', 'the stale connection no longer speaks for the id')

  // another user cannot claim it, not even after ann's connections close
  second.leave()
  first.leave()
  harness.settle(observer)
  assert.is(seenAs(600), undefined, 'ann’s presence released on close')
  const thief = harness.connect({ id: 'bob' })
  say(thief, 600, { tag: 'bob took it' })
  assert.is(seenAs(600), undefined, 'bob cannot speak for ann’s client id')
  const back = harness.connect({ id: 'ann' })
  say(back, 600, { tag: 'ann back' })
  assert.is(seenAs(600)?.tag, 'ann back', 'ann takes her id back (positive control)')
})

test('refuses presence for a client id another user edits with', () => {
  const writer = harness.connect({ id: 'ann' })
  const doc = new Y.Doc()
  doc.clientID = 9090
  getWorkspace(doc).explanation.insert(0, 'ann edits as 9090')
  writer.send(writeUpdateMessage(Y.encodeStateAsUpdate(doc)))
  harness.settle(observer)
  assert.ok(getWorkspace(observer.doc).explanation.length > 0, 'ann’s edit')
  const thief = harness.connect({ id: 'bob' })
  say(thief, 9090, { tag: 'bob as 9090' })
  say(thief, 9091, { tag: 'bob as himself' })
  assert.is(seenAs(9091)?.tag, 'bob as himself', 'bob’s own id (positive control)')
  assert.is(seenAs(9090), undefined)
  doc.destroy()
})

test.run()
