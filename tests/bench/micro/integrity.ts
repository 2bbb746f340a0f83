/**
 * Cost of the integrity check (server/sync/updateIntegrity.ts) per keystroke update, against
 * applying the same update, in a room of a realistic size. Run:
 * node --import tsx tests/bench/micro/integrity.ts
 */
import * as Y from 'yjs'
import { checkUpdate } from '../../../server/sync/updateIntegrity'

const N = Number(process.env.N ?? 20_000)
const source = new Y.Doc()
const text = source.getText('solution')
for (let i = 0; i < 4000; i++) {
  source.clientID = 100 + (i % 6)
  text.insert(Math.floor((text.length * ((i * 7919) % 1000)) / 1000), `line ${i} of some code\n`)
}
const room = new Y.Doc()
Y.applyUpdate(room, Y.encodeStateAsUpdate(source))
const updates: Uint8Array[] = []
source.on('update', (u: Uint8Array) => updates.push(u))
source.clientID = 999
for (let i = 0; i < N; i++) text.insert(Math.floor((text.length * ((i * 31) % 1000)) / 1000), 'k')
console.log(`room of ${Y.encodeStateAsUpdate(room).length} bytes, ${N} keystroke updates of ~${Math.round(updates.reduce((s, u) => s + u.length, 0) / N)} bytes`)

let checkNs = 0n
let applyNs = 0n
for (const u of updates) {
  const t0 = process.hrtime.bigint()
  const verdict = checkUpdate(u, room, () => true)
  const t1 = process.hrtime.bigint()
  if (!verdict.ok) throw new Error(verdict.reason)
  Y.applyUpdate(room, u)
  const t2 = process.hrtime.bigint()
  checkNs += t1 - t0
  applyNs += t2 - t1
}
console.log(`check ${(Number(checkNs) / N / 1000).toFixed(2)} µs/update, apply ${(Number(applyNs) / N / 1000).toFixed(2)} µs/update`)
