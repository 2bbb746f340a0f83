/**
 * The stored content of W2/W3 lets a reconnecting client ask for only what it lacks, and tells it
 * when that part has arrived.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { getWorkspace } from '../../shared/schema'
import { getContent } from './loadgen/content'

const test = suite('bench content')

const has = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text))

test('a held state vector leaves only the tail missing, and the marker travels in it', () => {
  const content = getContent(40_000, 64_000)
  const full = Y.mergeUpdates(content.chunks)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, full)
  const missing = Y.diffUpdate(full, content.heldStateVector)
  assert.ok(has(missing, content.tailMarker), 'the diff against the held state holds the marker')
  assert.ok(missing.length < 400, `the diff is the tail, not the document: ${missing.length} B`)
  // positive control: a client holding everything is sent no marker, one holding nothing is
  const nothingMissing = Y.diffUpdate(full, Y.encodeStateVector(doc))
  assert.not.ok(has(nothingMissing, content.tailMarker))
  assert.ok(has(Y.encodeStateAsUpdate(doc), content.tailMarker))
  assert.is(getWorkspace(doc).solution.toString().split(content.tailMarker).length, 2)
})

test('the server’s own answer to the held state vector carries the marker', () => {
  const content = getContent(4_000, 64_000)
  const server = new Y.Doc()
  for (const chunk of content.chunks) Y.applyUpdate(server, chunk)
  const reply = Y.encodeStateAsUpdate(server, content.heldStateVector)
  assert.ok(has(reply, content.tailMarker))
  const held = new Y.Doc()
  Y.applyUpdate(held, Y.encodeStateAsUpdate(server))
  assert.not.ok(has(Y.encodeStateAsUpdate(server, Y.encodeStateVector(held)), content.tailMarker))
})

test.run()
