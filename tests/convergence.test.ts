import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import { getWorkspace, TEXT_ROOTS } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('convergence')
let server: TestServer
let peers: Peer[] = []

test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server?.stop()
})

/** Content as canonical JSON: Y.Map key order follows arrival order, which differs per peer. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as any)[k])]))
  }
  return value
}
const snapshot = (doc: Y.Doc) => {
  getWorkspace(doc) // instantiate every root so the comparison covers them all
  return JSON.stringify(canonical(doc.toJSON())) + JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort())
}

function randomStep(gen: prng.PRNG, p: Peer): void {
  const ws = getWorkspace(p.doc)
  const roll = prng.uint32(gen, 0, 99)
  if (roll < 45) {
    const text = ws[TEXT_ROOTS[prng.uint32(gen, 0, 2)]]
    text.insert(prng.uint32(gen, 0, text.length), prng.word(gen, 1, 6))
  } else if (roll < 60) {
    const text = ws[TEXT_ROOTS[prng.uint32(gen, 0, 2)]]
    if (text.length === 0) return
    const at = prng.uint32(gen, 0, text.length - 1)
    text.delete(at, prng.uint32(gen, 1, Math.min(5, text.length - at)))
  } else if (roll < 75) {
    const len = ws.ranking.length
    // The ranking starts empty (docs/protocol.md#rooms-and-roots): place a candidate before there is anything to move.
    if (len === 0) return ws.ranking.push([['a', 'b', 'c'][prng.uint32(gen, 0, 2)]])
    const from = prng.uint32(gen, 0, len - 1)
    const to = prng.uint32(gen, 0, len - 1)
    p.doc.transact(() => {
      const id = ws.ranking.get(from)
      ws.ranking.delete(from, 1)
      ws.ranking.insert(Math.min(to, ws.ranking.length), [id])
    })
  } else if (roll < 90) {
    const cand = ['a', 'b', 'c'][prng.uint32(gen, 0, 2)]
    ws.ratings.get(cand)?.set(['correctness', 'efficiency', 'readability'][prng.uint32(gen, 0, 2)], prng.uint32(gen, 1, 5))
  } else if (p.provider.wsconnected || p.provider.wsconnecting) {
    p.provider.disconnect()
  } else {
    p.provider.connect()
  }
}

test('converges three or more peers after seeded random edits and disconnects', async () => {
  const seed = Number(process.env.SEED ?? (Date.now() % 1_000_000))
  server = await startServer()
  await importTasks(server, taskLine('t1'))
  const users = [await createUser(server, 'A', 'annotator'), await createUser(server, 'B', 'annotator'), await createUser(server, 'C', 'annotator')]
  await assign(server, 't1', users.map((u) => u.id))
  const tokens = [...users.map((u) => u.token), server.leadToken]
  peers = tokens.map((t) => connectPeer(server.wsUrl, roomName.workspace('t1'), t))
  try {
    await waitFor(() => peers.every((p) => p.provider.synced), 'every peer to sync')
    const gen = prng.create(seed)
    for (let step = 0; step < 400; step++) {
      randomStep(gen, peers[prng.uint32(gen, 0, peers.length - 1)])
      if (prng.uint32(gen, 0, 9) === 0) await new Promise((r) => setTimeout(r, prng.uint32(gen, 0, 15)))
    }
    for (const p of peers) if (!p.provider.wsconnected && !p.provider.wsconnecting) p.provider.connect()
    await waitFor(() => peers.every((p) => p.provider.synced), 'every peer to resync', 10_000)
    await waitFor(() => new Set(peers.map((p) => snapshot(p.doc))).size === 1, 'every document to be equal', 10_000)
    // The server holds the same state: a late joiner gets it.
    const late = connectPeer(server.wsUrl, roomName.workspace('t1'), server.leadToken)
    peers.push(late)
    await waitFor(() => late.provider.synced, 'the late joiner to sync')
    assert.is(snapshot(late.doc), snapshot(peers[0].doc))
  } catch (err) {
    if (process.env.DEBUG_CONVERGENCE) {
      const rooms = await server.running.deps.rooms.loaded()
      const sdoc = rooms.find((r) => r.name === 'task:t1')!.doc
      console.error('server', snapshot(sdoc).slice(0, 300), [...Y.decodeStateVector(Y.encodeStateVector(sdoc))])
      for (const p of peers) console.error(p.provider.wsconnected, p.provider.synced, snapshot(p.doc).slice(0, 300), [...Y.decodeStateVector(Y.encodeStateVector(p.doc))], 'pending', p.doc.store.pendingStructs !== null)
    }
    console.error(`convergence failed; rerun with SEED=${seed}`)
    throw err
  }
})

test.run()
