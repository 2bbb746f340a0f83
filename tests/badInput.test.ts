import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as prng from 'lib0/prng'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer, rawSocket } from './helpers/peer'
import type { Peer, RawSocket } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('bad input')
let server: TestServer
let peers: Peer[] = []
let raws: RawSocket[] = []
let ann: { id: string; token: string }
let other: { id: string; token: string }

test.before.each(async () => {
  server = await startServer({ config: { maxMessagesPerSecond: 100 } })
  await importTasks(server, [taskLine('t1'), taskLine('t2')].join('\n'))
  ann = await createUser(server, 'Ann', 'annotator')
  other = await createUser(server, 'Olga', 'annotator')
  await assign(server, 't1', [ann.id])
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  for (const r of raws) r.ws.terminate()
  peers = []
  raws = []
  await server.stop()
})

async function raw(room: string, token: string | null, headers: Record<string, string> = {}) {
  const r = await rawSocket(server.wsUrl, room, token, headers)
  raws.push(r)
  return r
}
const closedWith = (r: RawSocket, code: number) =>
  waitFor(() => r.closed?.code === code, `close code ${code} (got ${JSON.stringify(r.closed)})`)

/** Two annotators' peers on t1 still relay an edit: the server is serving others. */
async function stillServes(label: string) {
  const a = connectPeer(server.wsUrl, roomName.workspace('t1'), ann.token)
  const b = connectPeer(server.wsUrl, roomName.workspace('t1'), server.leadToken)
  peers.push(a, b)
  await waitFor(() => a.provider.synced && b.provider.synced, `peers to sync after ${label}`)
  getWorkspace(a.doc).explanation.insert(0, label)
  await waitFor(() => getWorkspace(b.doc).explanation.toString().includes(label), `relay after ${label}`)
}

test('closes with 4401 when the token is missing or wrong', async () => {
  await closedWith(await raw('task:t1', null), 4401)
  await closedWith(await raw('task:t1', 'not-a-token'), 4401)
  await stillServes('bad tokens')
})

test('closes with 4404 for malformed room names and unknown tasks', async () => {
  for (const room of ['nope', 'task:t1:bogus', 'task:has space', `task:${'x'.repeat(70)}`, 'task:missing']) {
    await closedWith(await raw(room, server.leadToken), 4404)
  }
  await stillServes('bad rooms')
})

test('closes with 4403 when the role does not allow the room', async () => {
  await closedWith(await raw(roomName.workspace('t1'), other.token), 4403)
  await closedWith(await raw(roomName.ballot('t1', other.id), ann.token), 4403)
  await stillServes('forbidden rooms')
})

test('stops a stock provider from reconnecting after a refusal', async () => {
  const p = connectPeer(server.wsUrl, roomName.workspace('t1'), 'bad-token')
  peers.push(p)
  await waitFor(() => p.closes.length > 0, 'the provider to be closed')
  assert.is(p.closes[0].code, 4401)
  // A 4xxx close is terminal for the provider: its scheduled reconnect finds shouldConnect false.
  assert.is(p.provider.shouldConnect, false, 'the provider gave up the connection')
  assert.is(p.provider.ws, null, 'and holds no socket')
  const good = connectPeer(server.wsUrl, roomName.workspace('t1'), server.leadToken)
  peers.push(good)
  await waitFor(() => good.provider.synced, 'a provider with a good token syncs (positive control)')
  assert.is(good.provider.shouldConnect, true)
  assert.is(p.closes.length, 1, 'no reconnect attempts')
})

test('refuses an upgrade from another origin and allows one with no origin', async () => {
  const evil = await raw(roomName.workspace('t1'), server.leadToken, { origin: 'https://evil.example' })
  await waitFor(() => evil.closed !== null, 'the refusal')
  assert.is(evil.unexpected, 403)
  const ok = await raw(roomName.workspace('t1'), server.leadToken, { origin: server.url })
  await waitFor(() => ok.messages.length > 0, 'sync step 1 from the server')
  assert.is(ok.closed, null)
})

test('closes with 4413 for a message over 1 MiB', async () => {
  const r = await raw(roomName.workspace('t1'), ann.token)
  r.ws.send(new Uint8Array(1024 * 1024 + 1))
  await closedWith(r, 4413)
  await stillServes('oversized')
})

test('closes with 4400 for unknown message types, text frames and undecodable updates', async () => {
  const unknown = await raw(roomName.workspace('t1'), ann.token)
  unknown.ws.send(new Uint8Array([7, 1, 2]))
  await closedWith(unknown, 4400)
  const text = await raw(roomName.workspace('t1'), ann.token)
  text.ws.send('hello')
  await closedWith(text, 4400)
  const garbage = await raw(roomName.workspace('t1'), ann.token)
  garbage.ws.send(new Uint8Array([0, 2, 5, 200, 201, 202, 203, 204]))
  await closedWith(garbage, 4400)
  await stillServes('malformed')
})

test('closes with 4429 when a connection floods', async () => {
  const r = await raw(roomName.workspace('t1'), ann.token)
  for (let i = 0; i < 400; i++) r.ws.send(new Uint8Array([3]))
  await closedWith(r, 4429)
  await stillServes('flood')
})

test('survives seeded random frames on many connections', async () => {
  const seed = Number(process.env.SEED ?? Date.now() % 100000)
  const gen = prng.create(seed)
  try {
    for (let i = 0; i < 30; i++) {
      const r = await raw(roomName.workspace('t1'), ann.token)
      for (let j = 0; j < 5; j++) {
        const len = prng.uint32(gen, 0, 64)
        const bytes = new Uint8Array(len)
        for (let k = 0; k < len; k++) bytes[k] = prng.uint32(gen, 0, 255)
        if (len > 0 && prng.bool(gen)) bytes[0] = prng.uint32(gen, 0, 3)
        if (r.ws.readyState === 1) r.ws.send(bytes)
      }
    }
    // A query for presence, sent last on each open socket: the room answers it only after it has
    // handled every earlier frame of that socket, so each socket is now either closed or answered.
    const answered = raws.map((r) => {
      const before = r.messages.length
      if (r.ws.readyState === 1) r.ws.send(new Uint8Array([3]))
      return () => r.closed !== null || r.messages.length > before
    })
    await waitFor(() => answered.every((done) => done()), 'every socket closed or answered')
    for (const r of raws) assert.ok(r.closed === null || [4400, 1006, 1005].includes(r.closed.code), `unexpected ${JSON.stringify(r.closed)}`)
    await stillServes('random frames')
  } catch (err) {
    console.error(`random frames failed with SEED=${seed}`)
    throw err
  }
})

test.run()
