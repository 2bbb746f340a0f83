/**
 * A stock y-websocket client reconnecting after offline work sends each new keystroke as soon as
 * the socket opens, while its offline edits wait for its answer to the room's sync step 1. Such
 * a keystroke builds on structs the room has not seen yet: it is dropped, not refused (a 4400
 * closes a stock client for good), and the answer brings it. After the answer the same thing is
 * refused as before.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { writeSyncStep2Message, writeUpdateMessage } from '../shared/protocol'
import { RoomHarness } from './helpers/roomHarness'

function offlineWork() {
  const doc = new Y.Doc()
  doc.getText('explanation').insert(0, 'typed offline ')
  const before = Y.encodeStateVector(doc)
  doc.getText('explanation').insert(14, 'and one more key')
  const keystroke = Y.encodeStateAsUpdate(doc, before)
  return { doc, keystroke }
}

test('a keystroke that builds on offline edits, sent before the sync answer, is dropped and then arrives with the answer', () => {
  const h = new RoomHarness()
  try {
    const tc = h.connect({ id: 'ann' })
    const { doc, keystroke } = offlineWork()
    tc.send(writeUpdateMessage(keystroke))
    assert.is(tc.closedWith, null, 'not sent away')
    assert.is(h.room.doc.getText('explanation').toString(), '', 'nothing applied yet')
    // Its answer to the room's step 1: everything it holds.
    tc.send(writeSyncStep2Message(Y.encodeStateAsUpdate(doc)))
    h.flush()
    assert.is(h.room.doc.getText('explanation').toString(), 'typed offline and one more key')
    assert.is(tc.closedWith, null)
  } finally {
    h.close()
  }
})

test('the same keystroke after the client answered is refused with 4400, as a real gap is', () => {
  const h = new RoomHarness()
  try {
    const tc = h.connect({ id: 'ann' })
    tc.send(writeSyncStep2Message(Y.encodeStateAsUpdate(new Y.Doc())))
    const { keystroke } = offlineWork()
    tc.send(writeUpdateMessage(keystroke))
    assert.is(tc.closedWith?.code, 4400)
    assert.is(h.room.doc.getText('explanation').toString(), '')
  } finally {
    h.close()
  }
})

test.run()
