/**
 * The plain-edit fast path never disagrees with the full path: over real Y.Doc edits by several
 * writers (delivered in order, out of order, duplicated, from another user's client id) and over
 * hostile updates (embeds, formats and types in texts, server-only roots, hand-written structs,
 * byte flips, truncations), whatever it accepts the full path accepts with the same writes, and it
 * takes the fast path for most plain keystrokes.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { getWorkspace, TEXT_ROOTS, WorkspaceRoot } from '../shared/schema'
import { WORKSPACE_TEXTS, checkUpdate } from '../server/sync/updateIntegrity'
import { UpdateView } from '../server/sync/updateView'
import { SERVER_ROOTS, workspaceRules } from '../server/sync/writeRules'
import { checkPlainEdit } from '../server/sync/plainEdit'

const test = suite('plain edit fast path')
const FORBIDDEN: ReadonlySet<string> = new Set(SERVER_ROOTS)
const WRITER = { id: 'u1', role: 'annotator' }

/** The full path's verdict: the integrity check, then the workspace rules through an UpdateView. */
function fullVerdict(update: Uint8Array, room: Y.Doc, mayWrite: (c: number) => boolean): { ok: true; writes: number[] } | { ok: false } {
  let verdict
  try {
    verdict = checkUpdate(update, room, mayWrite, WORKSPACE_TEXTS)
  } catch {
    return { ok: false }
  }
  if (!verdict.ok) return { ok: false }
  const view = new UpdateView(room, verdict.decoded.structs, verdict.decoded.ds)
  return workspaceRules.check(view, WRITER) === null ? { ok: true, writes: [...verdict.writes] } : { ok: false }
}

interface Tally {
  fast: number
  full: number
  refused: number
}

/** Judges `update` both ways, asserts they agree, applies it when accepted; returns the verdict. */
function judge(update: Uint8Array, room: Y.Doc, mayWrite: (c: number) => boolean, tally: Tally, what: string): boolean {
  const fast = checkPlainEdit(update, room, { mayWrite }, 'u1', FORBIDDEN)
  const full = fullVerdict(update, room, mayWrite)
  if (fast !== null) {
    assert.ok(full.ok, `${what}: the fast path accepted what the full path refuses`)
    if (full.ok) assert.equal(fast, full.writes, `${what}: the same writes`)
    tally.fast++
  }
  if (!full.ok) {
    tally.refused++
    return false
  }
  if (fast === null) tally.full++
  try {
    Y.applyUpdate(room, update)
  } catch {
    // hostile bytes the full path let through fail here, as they would close a connection
  }
  room.store.pendingStructs = null
  room.store.pendingDs = null
  return true
}

/** A seeded PRNG (mulberry32), so a failure can be replayed from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One random edit by `doc`: mostly keystrokes, sometimes what the room must refuse. */
function randomEdit(doc: Y.Doc, rnd: () => number): void {
  const ws = getWorkspace(doc)
  const text = doc.getText(TEXT_ROOTS[Math.floor(rnd() * TEXT_ROOTS.length)])
  const r = rnd()
  const at = Math.floor(rnd() * (text.length + 1))
  if (r < 0.45) text.insert(at, 'abcdefgh\nxyz'.slice(0, 1 + Math.floor(rnd() * 12)))
  else if (r < 0.65 && text.length > 0) text.delete(Math.min(at, text.length - 1), 1 + Math.floor(rnd() * 3))
  else if (r < 0.7 && text.length > 0) {
    doc.transact(() => {
      text.delete(Math.min(at, text.length - 1), 1)
      text.insert(Math.min(at, text.length), 'Z')
    })
  } else if (r < 0.74) text.insertEmbed(at, { image: 'x' })
  else if (r < 0.77 && text.length > 1) text.format(0, 1, { bold: true })
  else if (r < 0.8) text.insert(at, 'b', { italic: true })
  else if (r < 0.84) ws.runs.set(`c${Math.floor(rnd() * 3)}`, { status: 'pass' } as never)
  else if (r < 0.86) ws.server_runs.set('s', { status: 'fail' } as never)
  else if (r < 0.9) {
    let note = ws.notes.get('n')
    if (!note) ws.notes.set('n', (note = new Y.Text()))
    note.insert(Math.floor(rnd() * (note.length + 1)), 'note')
  } else if (r < 0.93) {
    // a text inside a server-only root: strings, but under `runs`
    let t = doc.getMap<unknown>(WorkspaceRoot.runs).get('t')
    if (!(t instanceof Y.Text)) doc.getMap<unknown>(WorkspaceRoot.runs).set('t', (t = new Y.Text()))
    ;(t as Y.Text).insert(0, 'run')
  } else if (r < 0.95 && ws.runs.size > 0) ws.runs.delete([...ws.runs.keys()][0])
  else if (r < 0.97) ws.ranking.push(['a'])
  else text.insert(at, 'q')
}

test('agrees with the full path over random edits by four writers, in order and shuffled', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const rnd = prng(seed)
    const room = new Y.Doc()
    let nextId = 1
    /** A writer's document: a fresh client id, loaded from the room, as a provider that reloads. */
    const fresh = () => {
      const d = new Y.Doc()
      d.clientID = nextId++
      Y.applyUpdate(d, Y.encodeStateAsUpdate(room))
      return d
    }
    let writers = [fresh(), fresh(), fresh(), fresh()]
    // every fourth client id belongs to another user: the room never lets this one write it
    const mayWrite = (c: number) => c % 4 !== 0
    const tally: Tally = { fast: 0, full: 0, refused: 0 }
    for (let round = 0; round < 40; round++) {
      const updates: Array<{ from: number; update: Uint8Array }> = []
      for (const d of writers) {
        const sv = Y.encodeStateVector(d)
        const n = 1 + Math.floor(rnd() * 3)
        for (let i = 0; i < n; i++) {
          const before = Y.encodeStateVector(d)
          randomEdit(d, rnd)
          updates.push({ from: d.clientID, update: Y.encodeStateAsUpdate(d, before) })
        }
        if (rnd() < 0.3) updates.push({ from: d.clientID, update: Y.encodeStateAsUpdate(d, sv) }) // the round merged
      }
      // shuffled: some arrive before what they depend on, some twice
      for (let i = updates.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1))
        if (rnd() < 0.3) [updates[i], updates[j]] = [updates[j], updates[i]]
      }
      for (const { from, update } of updates) judge(update, room, mayWrite, tally, `seed ${seed} round ${round} client ${from}`)
      // a writer the room refused reloads (a fresh client id); the others catch up
      const state = Y.encodeStateAsUpdate(room)
      writers = writers.map((d) => {
        const diverged = [...Y.decodeStateVector(Y.encodeStateVector(d))].some(([c, clock]) => clock > Y.getState(room.store, c))
        if (diverged) return fresh()
        Y.applyUpdate(d, state)
        return d
      })
    }
    if (process.env.PLAIN_EDIT_TALLY) console.log(seed, tally)
    assert.ok(tally.fast > 0 && tally.refused > 0 && tally.full > 0, `seed ${seed}: every path taken (${JSON.stringify(tally)})`)
  }
})

test('takes the fast path for plain keystrokes and deletes in order, and the room ends where the full path leaves it', () => {
  const room = new Y.Doc()
  const control = new Y.Doc()
  const a = new Y.Doc()
  a.clientID = 7
  const tally: Tally = { fast: 0, full: 0, refused: 0 }
  const rnd = prng(99)
  const text = a.getText(WorkspaceRoot.explanation)
  a.getMap(WorkspaceRoot.notes).set('n', new Y.Text('seed'))
  Y.applyUpdate(room, Y.encodeStateAsUpdate(a))
  Y.applyUpdate(control, Y.encodeStateAsUpdate(a))
  const note = a.getMap<Y.Text>(WorkspaceRoot.notes).get('n')!
  for (let i = 0; i < 500; i++) {
    const before = Y.encodeStateVector(a)
    const target = rnd() < 0.8 ? text : note
    if (rnd() < 0.7 || target.length === 0) target.insert(Math.floor(rnd() * (target.length + 1)), 'k')
    else target.delete(Math.floor(rnd() * target.length), 1)
    const update = Y.encodeStateAsUpdate(a, before)
    assert.ok(judge(update, room, () => true, tally, `keystroke ${i}`), `keystroke ${i} accepted`)
    Y.applyUpdate(control, update)
  }
  assert.ok(tally.fast >= 450, `the fast path took ${tally.fast} of 500 keystrokes`)
  assert.is(room.getText(WorkspaceRoot.explanation).toString(), control.getText(WorkspaceRoot.explanation).toString())
})

/** A hand-written V1 update: one string struct at `client`:`clock`, under root `parent` or after `origin`. */
function stringStruct(client: number, clock: number, str: string, at: { parent: string } | { origin: Y.ID }, deletes: Array<[number, number, number]> = []): Uint8Array {
  const enc = new Y.UpdateEncoderV1()
  encoding.writeVarUint(enc.restEncoder, 1)
  encoding.writeVarUint(enc.restEncoder, 1)
  encoding.writeVarUint(enc.restEncoder, client)
  encoding.writeVarUint(enc.restEncoder, clock)
  const parent = 'parent' in at ? (at.parent as unknown as Y.AbstractType<unknown>) : null
  const origin = 'origin' in at ? at.origin : null
  new Y.Item(Y.createID(client, clock), null, origin, null, null, parent, null, new Y.ContentString(str)).write(enc, 0)
  encoding.writeVarUint(enc.restEncoder, deletes.length)
  for (const [c, clock, len] of deletes) {
    encoding.writeVarUint(enc.restEncoder, c)
    encoding.writeVarUint(enc.restEncoder, 1)
    encoding.writeVarUint(enc.restEncoder, clock)
    encoding.writeVarUint(enc.restEncoder, len)
  }
  return enc.toUint8Array()
}

test('refuses hostile hand-written updates through the full path, and accepts their honest twins fast', () => {
  const room = new Y.Doc()
  const tally: Tally = { fast: 0, full: 0, refused: 0 }
  const anyone = () => true
  const honest = stringStruct(5, 0, 'hello', { parent: WorkspaceRoot.explanation })
  assert.ok(checkPlainEdit(honest, room, { mayWrite: anyone }, 'u1', FORBIDDEN) !== null, 'a string into a text root (positive control)')
  assert.ok(judge(honest, room, anyone, tally, 'honest'))
  const hostile: Array<[string, Uint8Array, (c: number) => boolean]> = [
    ['a string into a server-only root', stringStruct(6, 0, 'x', { parent: WorkspaceRoot.runs }), anyone],
    ['a gap', stringStruct(5, 9, 'x', { origin: Y.createID(5, 4) }), anyone],
    ['a missing origin', stringStruct(5, 5, 'x', { origin: Y.createID(8, 3) }), anyone],
    ['another user’s client id', stringStruct(5, 5, 'x', { origin: Y.createID(5, 4) }), (c) => c !== 5],
    ['a delete past the room', stringStruct(5, 5, 'x', { origin: Y.createID(5, 4) }, [[5, 3, 10]]), anyone],
    ['a delete of an unknown client', stringStruct(5, 5, 'x', { origin: Y.createID(5, 4) }, [[77, 0, 1]]), anyone],
  ]
  for (const [what, update, mayWrite] of hostile) {
    assert.is(checkPlainEdit(update, room, { mayWrite }, 'u1', FORBIDDEN), null, `${what}: not accepted fast`)
    assert.is(judge(update, room, mayWrite, tally, what), false, `${what}: refused`)
  }
  const next = stringStruct(5, 5, 'x', { origin: Y.createID(5, 4) }, [[5, 0, 2]])
  assert.equal(checkPlainEdit(next, room, { mayWrite: anyone }, 'u1', FORBIDDEN), [5], 'the honest next keystroke with a delete (positive control)')
  // Every truncation and many byte flips of honest updates: never a verdict the full path lacks.
  for (const update of [next, honest]) {
    for (let cut = 0; cut < update.length; cut++) judge(update.subarray(0, cut), room, anyone, tally, `cut at ${cut}`)
    const rnd = prng(update.length)
    for (let i = 0; i < 2_000; i++) {
      const bad = update.slice()
      bad[Math.floor(rnd() * bad.length)] = Math.floor(rnd() * 256)
      judge(bad, room, anyone, tally, `flip ${i}`)
    }
  }
})

test.run()
