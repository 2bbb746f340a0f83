/**
 * Cost of judging one keystroke: the full path (checkUpdate's decode, an UpdateView and the
 * workspace rules) against the plain-edit fast path (server/sync/plainEdit.ts), with Yjs's own
 * applyUpdate alongside for scale, in a small room and in a W2-sized one (1.6 MB). Blocks of each
 * alternate, so a busy machine slows both alike; the figures are the range over rounds. Run:
 * node --import tsx tests/bench/micro/plainEdit.ts
 */
import * as Y from 'yjs'
import { WORKSPACE_TEXTS, checkUpdate } from '../../../server/sync/updateIntegrity'
import { UpdateView } from '../../../server/sync/updateView'
import { SERVER_ROOTS, workspaceRules } from '../../../server/sync/writeRules'
import { checkPlainEdit } from '../../../server/sync/plainEdit'

const N = Number(process.env.N ?? 3_000)
const ROUNDS = Number(process.env.ROUNDS ?? 7)
const FORBIDDEN: ReadonlySet<string> = new Set(SERVER_ROOTS)
const WRITER = { id: 'u1', role: 'annotator' }
const anyone = () => true

/** A room holding `bytes` of typed history, and N keystrokes by six writers at their cursors. */
function setup(bytes: number): { room: Y.Doc; updates: Uint8Array[]; size: number } {
  const source = new Y.Doc()
  const text = source.getText('explanation')
  const step = bytes < 100_000 ? 1 : 200
  for (let i = 0; i % step !== 0 || i === 0 || Y.encodeStateAsUpdate(source).length < bytes; i++) {
    source.clientID = 100 + (i % 3)
    text.insert(Math.floor((text.length * ((i * 7919) % 1000)) / 1000), `line ${i} of some explanation\n`.repeat(bytes < 100_000 ? 1 : 20))
  }
  const room = new Y.Doc()
  Y.applyUpdate(room, Y.encodeStateAsUpdate(source))
  const writers = Array.from({ length: 6 }, (_, i) => {
    const d = new Y.Doc()
    d.clientID = 1_000 + i
    Y.applyUpdate(d, Y.encodeStateAsUpdate(source))
    return d
  })
  const at = writers.map((_, i) => Math.floor((text.length * i) / 6))
  const updates: Uint8Array[] = []
  for (let k = 0; k < N; k++) {
    const w = k % 6
    const sv = Y.encodeStateVector(writers[w])
    if (k % 10 === 9) writers[w].getText('explanation').delete(Math.max(0, at[w] - 1), 1)
    else writers[w].getText('explanation').insert(at[w]++, 'k')
    updates.push(Y.encodeStateAsUpdate(writers[w], sv))
  }
  return { room, updates, size: Y.encodeStateAsUpdate(room).length }
}

const full = (u: Uint8Array, room: Y.Doc) => {
  const v = checkUpdate(u, room, anyone, WORKSPACE_TEXTS)
  if (!v.ok || workspaceRules.check(new UpdateView(room, v.decoded.structs, v.decoded.ds), WRITER) !== null) throw new Error('refused')
}
const fast = (u: Uint8Array, room: Y.Doc) => {
  if (checkPlainEdit(u, room, { mayWrite: anyone }, 'u1', FORBIDDEN) === null) throw new Error('took the full path')
}

for (const bytes of [2_000, 1_600_000]) {
  let size = 0
  const figures = { full: [] as number[], fast: [] as number[], apply: [] as number[] }
  for (let round = 0; round < ROUNDS; round++) {
    // Every round types the same keystrokes into a fresh room.
    const { room, updates, size: roomBytes } = setup(bytes)
    size = roomBytes
    // Judge each keystroke both ways, then apply it, in blocks: full, fast, apply.
    const BLOCK = 100
    const sums = { full: 0n, fast: 0n, apply: 0n }
    for (let i = 0; i < updates.length; i += BLOCK) {
      const block = updates.slice(i, i + BLOCK)
      for (const u of block) {
        let t0 = process.hrtime.bigint()
        full(u, room)
        sums.full += process.hrtime.bigint() - t0
        t0 = process.hrtime.bigint()
        fast(u, room)
        sums.fast += process.hrtime.bigint() - t0
        t0 = process.hrtime.bigint()
        Y.applyUpdate(room, u)
        sums.apply += process.hrtime.bigint() - t0
      }
    }
    for (const k of ['full', 'fast', 'apply'] as const) figures[k].push(Number(sums[k]) / updates.length / 1000)
  }
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} (median ${[...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(2)})`
  console.log(`room of ${size} bytes, ${N} keystrokes × ${ROUNDS} rounds, µs per keystroke:`)
  console.log(`  full path (decode, view, rules) ${range(figures.full)}`)
  console.log(`  fast path                       ${range(figures.fast)}`)
  console.log(`  Y.applyUpdate                   ${range(figures.apply)}`)
}
