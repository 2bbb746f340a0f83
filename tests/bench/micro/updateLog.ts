/**
 * Cost of making an update durable: UpdateLog.append (CRC framing + one synchronous write) against
 * the in-memory store, for typical keystroke-sized updates. Run: node --import tsx tests/bench/micro/updateLog.ts
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import { UpdateLog } from '../../../server/storage/updateLog'
import { MemoryStorage } from '../../../server/storage/memoryStorage'
import type { RoomStorage } from '../../../server/storage/updateLog'

const N = Number(process.env.N ?? 20_000)
const doc = new Y.Doc()
const updates: Uint8Array[] = []
doc.on('update', (u: Uint8Array) => updates.push(u))
const text = doc.getText('t')
for (let i = 0; i < N; i++) text.insert(text.length, 'x')
const bytes = updates.reduce((s, u) => s + u.length, 0)

function run(name: string, store: RoomStorage): { name: string; perUpdateUs: number; p99Us: number } {
  const samples: number[] = []
  for (const u of updates) {
    const t0 = process.hrtime.bigint()
    void store.append(u)
    samples.push(Number(process.hrtime.bigint() - t0) / 1000)
  }
  samples.sort((a, b) => a - b)
  const total = samples.reduce((a, b) => a + b, 0)
  return { name, perUpdateUs: +(total / N).toFixed(2), p99Us: +samples[Math.floor(N * 0.99)].toFixed(2) }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cj-logbench-'))
try {
  const results = [run('memory', new MemoryStorage()), run('update log (disk)', new UpdateLog(dir, 'bench'))]
  const log = new UpdateLog(dir, 'bench')
  const t0 = performance.now()
  const loaded = log.load()
  const loadMs = performance.now() - t0
  console.log(`${N} keystroke updates, mean ${(bytes / N).toFixed(1)} bytes each`)
  for (const r of results) console.log(`${r.name.padEnd(18)} mean ${r.perUpdateUs} µs/update, p99 ${r.p99Us} µs`)
  console.log(`replaying the log: ${loaded.length} records in ${loadMs.toFixed(1)} ms`)
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
