/** The integrity check on its own: honest traffic always passes, hostile shapes never do. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { checkUpdate, dropPending } from '../server/sync/updateIntegrity'

const test = suite('update integrity')
const anyone = () => true

function pair(): { room: Y.Doc; a: Y.Doc; b: Y.Doc } {
  const room = new Y.Doc()
  const a = new Y.Doc()
  const b = new Y.Doc()
  a.clientID = 1
  b.clientID = 2
  return { room, a, b }
}

test('passes concurrent edits of two clients, and a merge of both that depends across clients', () => {
  const { room, a, b } = pair()
  a.getText('t').insert(0, 'hello')
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  b.getText('t').insert(5, ' world') // depends on a's structs
  a.getMap('m').set('k', 1)
  // the room holds neither: an offline client re-sends both at once
  const merged = Y.mergeUpdates([Y.encodeStateAsUpdate(a), Y.encodeStateAsUpdate(b)])
  const verdict = checkUpdate(merged, room, anyone)
  assert.ok(verdict.ok, verdict.ok ? '' : verdict.reason)
  if (verdict.ok) assert.equal([...verdict.writes].sort(), [1, 2])
  Y.applyUpdate(room, merged)
  assert.is(dropPending(room), false)
  assert.is(room.getText('t').toString(), 'hello world')
})

test('passes deletes of what the room holds and no-op re-sends, with no writes claimed', () => {
  const { room, a } = pair()
  a.getText('t').insert(0, 'abcdef')
  Y.applyUpdate(room, Y.encodeStateAsUpdate(a))
  const sv = Y.encodeStateVector(a)
  a.getText('t').delete(1, 3)
  const del = Y.encodeStateAsUpdate(a, sv)
  const verdict = checkUpdate(del, room, () => false)
  assert.ok(verdict.ok, 'a delete alone needs no ownership')
  const again = checkUpdate(Y.encodeStateAsUpdate(a), room, () => false)
  assert.ok(again.ok && again.writes.length === 0, 'structs the room holds are no-ops')
})

test('refuses a gap, a missing dependency, a delete past the room, and another user’s client id', () => {
  const { room, a, b } = pair()
  a.getText('t').insert(0, 'abc')
  const sv = Y.encodeStateVector(a)
  a.getText('t').insert(3, 'def')
  const gap = checkUpdate(Y.encodeStateAsUpdate(a, sv), room, anyone)
  assert.ok(!gap.ok && /start at clock 3/.test(gap.reason), 'a gap')
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  const bsv = Y.encodeStateVector(b)
  b.getText('t').insert(6, '!')
  const missing = checkUpdate(Y.encodeStateAsUpdate(b, bsv), room, anyone)
  assert.ok(!missing.ok && /depends on 1:/.test(missing.reason), 'a missing origin')
  Y.applyUpdate(room, Y.encodeStateAsUpdate(a))
  const c = new Y.Doc()
  Y.applyUpdate(c, Y.encodeStateAsUpdate(a))
  c.getText('t').delete(0, 6)
  const del = Y.encodeStateAsUpdate(c, Y.encodeStateVector(c))
  assert.ok(checkUpdate(del, room, anyone).ok, 'a delete of held content (positive control)')
  const owned = checkUpdate(Y.encodeStateAsUpdate(b, bsv), room, (client) => client !== 2)
  assert.ok(!owned.ok && /another user owns/.test(owned.reason), 'another user’s client id')
  assert.ok(checkUpdate(Y.encodeStateAsUpdate(b, bsv), room, anyone).ok, 'the same update from its owner (positive control)')
})

test.run()
