import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as prng from 'lib0/prng'
import { PresenceStates } from '../server/sync/presenceStates'
import { readAwarenessUpdate, writeAwarenessUpdate } from '../shared/protocol'

const test = suite('presence states')
const made: awarenessProtocol.Awareness[] = []
test.after.each(() => {
  for (const a of made.splice(0)) {
    a.destroy()
    a.doc.destroy()
  }
})
const awareness = () => {
  const a = new awarenessProtocol.Awareness(new Y.Doc())
  a.setLocalState(null)
  made.push(a)
  return a
}

test('applies updates exactly as y-protocols does, clocks and removals included', () => {
  const seed = Number(process.env.SEED ?? 7)
  const gen = prng.create(seed)
  const ours = awareness()
  const stock = awareness()
  const presence = new PresenceStates(ours)
  const events: string[] = []
  ours.on('update', (e: { added: number[]; updated: number[]; removed: number[] }) => events.push(JSON.stringify(e)))
  const stockEvents: string[] = []
  stock.on('update', (e: { added: number[]; updated: number[]; removed: number[] }) => stockEvents.push(JSON.stringify(e)))
  for (let i = 0; i < 500; i++) {
    const clientID = prng.uint32(gen, 1, 4)
    const clock = prng.uint32(gen, 0, 12)
    const json = prng.uint32(gen, 0, 4) === 0 ? 'null' : JSON.stringify({ cursor: prng.uint32(gen, 0, 99) })
    const update = writeAwarenessUpdate([{ clientID, clock, state: json }])
    awarenessProtocol.applyAwarenessUpdate(stock, update, null)
    presence.apply([{ clientID, clock, state: json === 'null' ? null : JSON.parse(json), json }], null)
  }
  assert.equal([...ours.getStates().entries()], [...stock.getStates().entries()])
  // Each Awareness also holds its own (null) local entry under a random clientID: leave it out.
  const clocks = (a: awarenessProtocol.Awareness) =>
    [...a.meta.entries()].filter(([id]) => id !== a.clientID).map(([id, m]) => [id, m.clock])
  assert.equal(clocks(ours), clocks(stock))
  assert.equal(events, stockEvents)
  const ids = [...stock.meta.keys()].filter((id) => id !== stock.clientID)
  assert.equal(readAwarenessUpdate(presence.encode(ids)), readAwarenessUpdate(awarenessProtocol.encodeAwarenessUpdate(stock, ids)))
})

test('encodes a removed client as null, as y-protocols does', () => {
  const a = awareness()
  const presence = new PresenceStates(a)
  presence.apply([{ clientID: 9, clock: 1, state: { x: 1 }, json: '{"x":1}' }], null)
  awarenessProtocol.removeAwarenessStates(a, [9], null)
  const ours = readAwarenessUpdate(presence.encode([9]))
  assert.equal(ours, readAwarenessUpdate(awarenessProtocol.encodeAwarenessUpdate(a, [9])))
  assert.is(ours[0].state, 'null')
})

test.run()
