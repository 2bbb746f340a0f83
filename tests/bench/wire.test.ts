/**
 * The load generator's hand-encoded updates are the bytes Yjs writes, and markers survive the
 * server's re-encoding and merging.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import {
  BENCH_ROOT,
  markerString,
  readMarkers,
  UPDATE_TAG,
  writeStringUpdate,
} from './loadgen/wire'
import { createLatencyHistogram, recordUs, summarize } from './loadgen/histogram'

const wire = suite('bench wire')

const handEncoded = (clientID: number, clock: number, origin: number | null, text: string) => {
  const enc = encoding.createEncoder()
  writeStringUpdate(enc, clientID, clock, origin, BENCH_ROOT, text)
  return encoding.toUint8Array(enc)
}

wire('encodes a client’s chain of inserts exactly as Yjs does', () => {
  const doc = new Y.Doc()
  doc.clientID = 123456
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const text = doc.getText(BENCH_ROOT)
  const parts = [markerString('b', 1, 0, 42), markerString('b', 1, 1, 43) + 'xy', 'z']
  let clock = 0
  parts.forEach((part, i) => {
    text.insert(text.length, part)
    const expected = handEncoded(doc.clientID, clock, i === 0 ? null : clock - 1, part)
    assert.equal(Array.from(updates[i]), Array.from(expected))
    clock += part.length
  })
})

wire('converges when chains of several clients interleave on another doc', () => {
  const server = new Y.Doc()
  server.getText(BENCH_ROOT).insert(0, 'existing content ')
  const clocks = new Map<number, number>()
  for (let round = 0; round < 5; round++) {
    for (const client of [11, 22, 33]) {
      const clock = clocks.get(client) ?? 0
      const part = markerString('b', client, round, 1000 + round)
      Y.applyUpdate(server, handEncoded(client, clock, clock === 0 ? null : clock - 1, part))
      clocks.set(client, clock + part.length)
    }
  }
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(server))
  const content = copy.getText(BENCH_ROOT).toString()
  assert.is(content, server.getText(BENCH_ROOT).toString())
  const found: string[] = []
  const bytes = Buffer.from(Y.encodeStateAsUpdate(server))
  readMarkers(bytes, 0, bytes.length, UPDATE_TAG, (s, q, t) => found.push(`${s}/${q}/${t}`))
  assert.is(found.length, 15)
  assert.ok(found.includes('22/3/1003'))
})

wire('finds every marker in a merged update', () => {
  const parts = [0, 1, 2].map((seq) => markerString('b', 7, seq, 5000 + seq))
  const merged = Y.mergeUpdates(
    parts.map((p, i) => handEncoded(77, i * p.length, i === 0 ? null : i * p.length - 1, p)),
  )
  const buf = Buffer.from(merged)
  const seqs: number[] = []
  readMarkers(buf, 0, buf.length, UPDATE_TAG, (_s, q) => seqs.push(q))
  assert.equal(seqs, [0, 1, 2])
})

wire('reports latency percentiles in ms within 0.1%', () => {
  const h = createLatencyHistogram()
  for (let i = 1; i <= 1000; i++) recordUs(h, i * 10)
  recordUs(h, 0.2) // below HDR's lowest value: counted as 1 µs, not dropped
  const s = summarize(h)
  assert.is(s.count, 1001)
  assert.ok(Math.abs(s.p50 - 5) <= 0.006, `p50 ${s.p50}`)
  assert.ok(Math.abs(s.p99 - 9.9) <= 0.011, `p99 ${s.p99}`)
  assert.ok(Math.abs(s.max - 10) <= 0.01, `max ${s.max}`)
  assert.ok(Number.isNaN(summarize(createLatencyHistogram()).p99))
})

wire.run()
