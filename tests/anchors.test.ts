import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import { createLinesAnchor, createTextAnchor, fieldOf, resolveAnchor, toAnchor } from '../shared/anchors'
import type { TextAnchor } from '../shared/anchors'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('anchors')
let server: TestServer | null = null
let peers: Peer[] = []
let docs: Y.Doc[] = []

test.after.each(async () => {
  for (const p of peers) p.destroy()
  for (const d of docs) d.destroy()
  peers = []
  docs = []
  await server?.stop()
  server = null
})

function docWith(text: string, clientID?: number): Y.Doc {
  const doc = new Y.Doc()
  if (clientID !== undefined) doc.clientID = clientID
  docs.push(doc)
  getWorkspace(doc).explanation.insert(0, text)
  return doc
}

const slice = (doc: Y.Doc, a: TextAnchor) => {
  const r = resolveAnchor(doc, a)
  return r && getWorkspace(doc).explanation.toString().slice(r.from, r.to)
}

test('resolves a text anchor to the range it was made from', () => {
  const doc = docWith('hello brave world')
  const a = createTextAnchor(getWorkspace(doc).explanation, 6, 11)
  assert.equal(resolveAnchor(doc, a), { from: 6, to: 11 })
  assert.is(a.field, 'explanation')
  // The anchor survives a JSON round trip, as it does when stored in the comments room.
  assert.equal(resolveAnchor(doc, JSON.parse(JSON.stringify(a))), { from: 6, to: 11 })
})

test('keeps text typed at either edge outside the range (start sticks right, end sticks left)', () => {
  const doc = docWith('hello brave world')
  const text = getWorkspace(doc).explanation
  const a = createTextAnchor(text, 6, 11)
  text.insert(11, 'XX') // right at the end
  text.insert(6, 'YY') // right at the start
  assert.is(text.toString(), 'hello YYbraveXX world')
  assert.is(slice(doc, a), 'brave')
  text.insert(10, 'ZZ') // inside grows the range
  assert.is(slice(doc, a), 'brZZave')
})

test('reports a range whose text was deleted as outdated, and a partly deleted one as shrunk', () => {
  const doc = docWith('hello brave world')
  const text = getWorkspace(doc).explanation
  const whole = createTextAnchor(text, 6, 11)
  const part = createTextAnchor(text, 0, 8)
  text.delete(4, 3) // "hell" + "rave world"
  assert.is(slice(doc, part), 'hellr')
  assert.ok(resolveAnchor(doc, whole))
  text.delete(0, text.length)
  text.insert(0, 'brave new text')
  assert.is(resolveAnchor(doc, whole), null)
  assert.is(resolveAnchor(doc, part), null)
})

test('reports positions from another document as outdated', () => {
  const mine = docWith('hello brave world', 1)
  const a = createTextAnchor(getWorkspace(mine).explanation, 6, 11)
  // Another doc that never saw client 1.
  assert.is(resolveAnchor(docWith('hello brave world', 2), a), null)
  // Another doc where client 1's ids exist, but in a different text.
  const other = new Y.Doc()
  other.clientID = 1
  docs.push(other)
  getWorkspace(other).solution.insert(0, 'hello brave world')
  getWorkspace(other).explanation.insert(0, 'hello brave world')
  assert.is(resolveAnchor(other, a), null)
  assert.equal(resolveAnchor(mine, a), { from: 6, to: 11 }) // positive control
})

test('anchors per-candidate notes by finding the field from the text itself', () => {
  const doc = new Y.Doc()
  docs.push(doc)
  const notes = getWorkspace(doc).notes
  notes.set('cand-1', new Y.Text('slow loop on line 3'))
  const text = notes.get('cand-1')!
  assert.is(fieldOf(text), 'notes:cand-1')
  const a = createTextAnchor(text, 0, 9)
  assert.is(a.field, 'notes:cand-1')
  assert.equal(resolveAnchor(doc, a), { from: 0, to: 9 })
  notes.delete('cand-1')
  assert.is(resolveAnchor(doc, a), null)
  assert.is(fieldOf(new Y.Text('detached')), null)
})

test('refuses empty or out-of-range anchors when they are made', () => {
  const doc = docWith('abc')
  const text = getWorkspace(doc).explanation
  assert.throws(() => createTextAnchor(text, 1, 1), RangeError)
  assert.throws(() => createTextAnchor(text, 2, 9), RangeError)
  assert.throws(() => createLinesAnchor('a', 3, 2, 10), RangeError)
  assert.throws(() => createLinesAnchor('a', 1, 11, 10), RangeError)
  assert.equal(createLinesAnchor('a', 2, 4, 10), { kind: 'lines', candidate: 'a', from: 2, to: 4 })
})

test('never throws on junk anchors and reads them as absent', () => {
  const doc = docWith('hello')
  const junk: unknown[] = [
    null, undefined, 0, 'text', [], { kind: 'nope' },
    { kind: 'text', field: 'explanation' },
    { kind: 'text', field: '__proto__', start: { item: { client: 1, clock: 0 } }, end: { item: { client: 1, clock: 0 } } },
    { kind: 'text', field: 'explanation', start: { item: { client: -1, clock: 0 } }, end: { item: { client: 1, clock: 0 } } },
    { kind: 'text', field: 'explanation', start: { item: { client: 'x', clock: {} } }, end: 5 },
    { kind: 'text', field: 'explanation', start: { tname: 'explanation', assoc: 0 }, end: { tname: 'explanation' } },
    { kind: 'text', field: 'explanation', start: { item: { client: doc.clientID, clock: 1e15 } }, end: { item: { client: doc.clientID, clock: 2 }, assoc: 7 } },
    { kind: 'lines', candidate: 'a', from: 0, to: 2 },
    { kind: 'lines', candidate: '../x', from: 1, to: 2 },
    { kind: 'lines', candidate: 'a', from: 3, to: 1 },
  ]
  for (const j of junk) {
    assert.is(resolveAnchor(doc, j), null, JSON.stringify(j))
    assert.is(toAnchor(j), null, JSON.stringify(j))
  }
  // Positive controls: well-formed anchors of each kind resolve.
  assert.equal(resolveAnchor(doc, { kind: 'task' }), { from: 0, to: 0 })
  assert.equal(resolveAnchor(doc, { kind: 'lines', candidate: 'a', from: 1, to: 2 }), { from: 1, to: 2 })
  assert.equal(resolveAnchor(doc, createTextAnchor(getWorkspace(doc).explanation, 1, 3)), { from: 1, to: 3 })
})

/** One random edit outside `a`'s range, or right at one of its edges. */
function editAround(gen: prng.PRNG, doc: Y.Doc, a: TextAnchor): void {
  const text = getWorkspace(doc).explanation
  const r = resolveAnchor(doc, a)
  if (!r) throw new Error('the anchor became outdated')
  const roll = prng.uint32(gen, 0, 9)
  if (roll < 2) return text.insert(r.from, prng.word(gen, 1, 4)) // at the start edge
  if (roll < 4) return text.insert(r.to, prng.word(gen, 1, 4)) // at the end edge
  const before = prng.bool(gen)
  if (roll < 7) {
    const at = before ? prng.uint32(gen, 0, r.from) : prng.uint32(gen, r.to, text.length)
    return text.insert(at, prng.word(gen, 1, 6))
  }
  // Delete a piece entirely before or after the range.
  const [lo, hi] = before ? [0, r.from] : [r.to, text.length]
  if (hi - lo < 1) return
  const at = prng.uint32(gen, lo, hi - 1)
  text.delete(at, prng.uint32(gen, 1, Math.min(4, hi - at)))
}

test('keeps an anchor on the same text while two peers edit around it through the server', async () => {
  const seed = Number(process.env.SEED ?? Date.now() % 1_000_000)
  console.log(`anchors: seed ${seed} (rerun with SEED=${seed})`)
  const gen = prng.create(seed)
  server = await startServer()
  await importTasks(server, taskLine('t1'))
  const room = roomName.workspace('t1')
  peers = [connectPeer(server.wsUrl, room, server.leadToken), connectPeer(server.wsUrl, room, server.leadToken)]
  await waitFor(() => peers.every((p) => p.provider.synced), 'both peers to sync')
  const [a, b] = peers
  getWorkspace(a.doc).explanation.insert(0, 'The loop in candidate b is QUADRATIC here; use a set.')
  await waitFor(() => getWorkspace(b.doc).explanation.length > 0, 'the text to reach peer b')
  const start = getWorkspace(a.doc).explanation.toString().indexOf('QUADRATIC')
  const anchor = JSON.parse(JSON.stringify(createTextAnchor(getWorkspace(a.doc).explanation, start, start + 9)))
  for (let round = 0; round < 40; round++) {
    // Both peers edit before either sees the other's edit: concurrent, merged by the server.
    for (let i = prng.uint32(gen, 1, 4); i > 0; i--) editAround(gen, a.doc, anchor)
    for (let i = prng.uint32(gen, 1, 4); i > 0; i--) editAround(gen, b.doc, anchor)
    if (prng.uint32(gen, 0, 3) === 0) {
      const same = () => getWorkspace(a.doc).explanation.toString() === getWorkspace(b.doc).explanation.toString()
      await waitFor(same, `the peers to converge in round ${round} (seed ${seed})`)
    }
  }
  const same = () => getWorkspace(a.doc).explanation.toString() === getWorkspace(b.doc).explanation.toString()
  await waitFor(same, `the peers to converge (seed ${seed})`)
  assert.is.not(getWorkspace(a.doc).explanation.toString(), 'The loop in candidate b is QUADRATIC here; use a set.')
  assert.is(slice(a.doc, anchor), 'QUADRATIC', `seed ${seed}`)
  assert.is(slice(b.doc, anchor), 'QUADRATIC', `seed ${seed}`)
  // The server's copy agrees: a late joiner resolves the same text.
  const late = connectPeer(server.wsUrl, room, server.leadToken)
  peers.push(late)
  await waitFor(() => late.provider.synced && getWorkspace(late.doc).explanation.length > 0, 'the late joiner to sync')
  assert.is(slice(late.doc, anchor), 'QUADRATIC', `seed ${seed}`)
})

test.run()
