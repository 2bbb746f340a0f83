import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { JoinStateCache } from '../server/sync/joinState'

const test = suite('join state')

/** A document well past the size worth keeping, and the updates it emits from now on. */
function bigDoc() {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, 'x'.repeat(100_000))
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  return { doc, updates }
}

const joinerOf = (js: { state: Uint8Array; since: Uint8Array | null }) => {
  const d = new Y.Doc()
  Y.applyUpdate(d, js.state)
  if (js.since) Y.applyUpdate(d, js.since)
  return d.getText('t').toString()
}

test('encodes a large document once for many joiners, and each gets what changed since', () => {
  const { doc, updates } = bigDoc()
  let encodes = 0
  let now = 0
  const cache = new JoinStateCache(() => (encodes++, Y.encodeStateAsUpdate(doc)), () => now)
  const text = doc.getText('t')
  for (let i = 0; i < 20; i++) {
    now += 100
    text.insert(i * 7, `edit ${i};`)
    for (const u of updates.splice(0)) cache.add(u)
    assert.is(joinerOf(cache.get()), text.toString(), `joiner ${i}`)
  }
  assert.is(encodes, 1)
})

test('encodes afresh once the edits since outgrow a quarter of the kept state, or joins stop', () => {
  const { doc, updates } = bigDoc()
  let encodes = 0
  let now = 0
  const cache = new JoinStateCache(() => (encodes++, Y.encodeStateAsUpdate(doc)), () => now)
  cache.get()
  doc.getText('t').insert(0, 'y'.repeat(30_000))
  for (const u of updates.splice(0)) cache.add(u)
  assert.is(joinerOf(cache.get()), doc.getText('t').toString())
  assert.is(encodes, 2, 'a 30 KB edit on a 100 KB state: encoded again')
  now += 6_000
  doc.getText('t').insert(0, 'z')
  for (const u of updates.splice(0)) cache.add(u)
  assert.is(joinerOf(cache.get()), doc.getText('t').toString())
  assert.is(encodes, 3, 'no join for 6 s: the kept state was dropped')
})

test('keeps nothing for a small document', () => {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, 'short')
  let encodes = 0
  const cache = new JoinStateCache(() => (encodes++, Y.encodeStateAsUpdate(doc)))
  cache.get()
  cache.get()
  assert.is(encodes, 2)
})

test.run()
