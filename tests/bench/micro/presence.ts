/**
 * Cost of one presence update on the server: y-protocols' own path (modifyAwarenessUpdate to
 * stamp the user, applyAwarenessUpdate, encodeAwarenessUpdate for the broadcast) against
 * PresenceStates (parse once, stringify once). Run: node --import tsx tests/bench/micro/presence.ts
 */
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { PresenceStates } from '../../../server/sync/presenceStates'
import { readAwarenessUpdate } from '../../../shared/protocol'

const N = Number(process.env.N ?? 100_000)
const client = new awarenessProtocol.Awareness(new Y.Doc())
const updates: Uint8Array[] = []
for (let i = 0; i < 1000; i++) {
  client.setLocalState({
    user: { name: 'someone', color: '#123456' },
    cursor: { anchor: { type: { client: 1, clock: 2 }, tname: null, item: { client: 5, clock: i }, assoc: 0 }, head: { type: null, tname: 'solution', item: { client: 5, clock: i + 3 }, assoc: -1 } },
    view: { field: 'solution' },
  })
  updates.push(awarenessProtocol.encodeAwarenessUpdate(client, [client.clientID]))
}
const user = { id: 'u1', name: 'Ann', role: 'annotator', color: '#aa3355', colorLight: '#aa335533' }

function time(name: string, fn: (u: Uint8Array) => void): void {
  const t0 = performance.now()
  for (let i = 0; i < N; i++) fn(updates[i % updates.length])
  console.log(`${name.padEnd(24)} ${(((performance.now() - t0) / N) * 1000).toFixed(2)} µs/update`)
}

for (let round = 0; round < 3; round++) {
  const a = new awarenessProtocol.Awareness(new Y.Doc())
  time('y-protocols', (u) => {
    const stamped = awarenessProtocol.modifyAwarenessUpdate(u, (s) => ({ ...s, user }))
    a.meta.delete(client.clientID)
    awarenessProtocol.applyAwarenessUpdate(a, stamped, null)
    awarenessProtocol.encodeAwarenessUpdate(a, [client.clientID])
  })
  const b = new awarenessProtocol.Awareness(new Y.Doc())
  const p = new PresenceStates(b)
  time('PresenceStates', (u) => {
    const [e] = readAwarenessUpdate(u)
    const state = JSON.parse(e.state) as Record<string, unknown>
    state.user = user
    b.meta.delete(e.clientID)
    p.apply([{ clientID: e.clientID, clock: e.clock, state, json: JSON.stringify(state) }], null)
    p.encode([e.clientID])
  })
  a.destroy()
  b.destroy()
}
client.destroy()
