/** Presence colours: the server gives everyone in one room a different colour. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { PALETTE, pickRoomColor } from '../shared/presence'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('presence colours')
let server: TestServer
let peers: Peer[] = []

test.before.each(async () => {
  server = await startServer()
  await importTasks(server, taskLine('t1'))
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
})

test('keeps a free own colour and picks the first free one when it is taken', () => {
  assert.is(pickRoomColor(PALETTE[3], new Set([PALETTE[0]])), PALETTE[3])
  assert.is(pickRoomColor(PALETTE[0], new Set([PALETTE[0], PALETTE[1]])), PALETTE[2])
  assert.is(pickRoomColor(PALETTE[0], new Set(PALETTE)), PALETTE[0])
})

test('gives two people whose own colours clash different colours in one room', async () => {
  // Users get their colour from their id; make people until two share one. The lead watches the
  // room and takes their own colour first, so a pair sharing the lead's colour would prove nothing.
  const users = (await api(server, server.leadToken, 'GET', '/api/users')).body.users as { role: string; color: string }[]
  const leadColor = users.find((u) => u.role === 'lead')!.color
  const byColor = new Map<string, { id: string; token: string }>()
  let pair: [{ id: string; token: string }, { id: string; token: string }] | null = null
  for (let i = 0; i < 60 && !pair; i++) {
    const u = await createUser(server, `Person ${i}`, 'annotator')
    const color = (u as unknown as { color: string }).color
    if (color === leadColor) continue
    const first = byColor.get(color)
    if (first) pair = [first, u]
    else byColor.set(color, u)
  }
  assert.ok(pair, 'two users with the same own colour')
  const [first, second] = pair!
  const own = (await api(server, server.leadToken, 'GET', '/api/users')).body.users as { id: string; color: string }[]
  const shared = own.find((u) => u.id === first.id)!.color
  assert.is(own.find((u) => u.id === second.id)!.color, shared, 'they clash outside the room')
  await assign(server, 't1', [first.id, second.id])

  const room = roomName.workspace('t1')
  const observer = connectPeer(server.wsUrl, room, server.leadToken)
  const colorOf = (userId: string) =>
    [...observer.provider.awareness.getStates().values()].find((s) => s.user?.id === userId)?.user?.color as string | undefined
  // The first person is in the room before the second comes: who came first is then certain.
  const a = connectPeer(server.wsUrl, room, first.token)
  peers.push(observer, a)
  a.provider.awareness.setLocalStateField('here', true)
  await waitFor(() => Boolean(colorOf(first.id)), 'the first person seen by the observer')
  const b = connectPeer(server.wsUrl, room, second.token)
  peers.push(b)
  b.provider.awareness.setLocalStateField('here', true)
  await waitFor(() => Boolean(colorOf(second.id)), 'the second person seen by the observer')
  // The one who came first keeps their own colour; the second gets another palette colour.
  assert.is(colorOf(first.id), shared)
  assert.is.not(colorOf(second.id), shared)
  assert.ok((PALETTE as readonly string[]).includes(colorOf(second.id)!), 'a palette colour')

  // Once the first person leaves, the colour is free again for whoever comes next.
  a.destroy()
  await waitFor(() => colorOf(first.id) === undefined, 'the first person gone')
  const again = connectPeer(server.wsUrl, room, first.token)
  peers.push(again)
  again.provider.awareness.setLocalStateField('here', true)
  await waitFor(() => colorOf(first.id) !== undefined, 'the first person back')
  assert.is.not(colorOf(first.id), colorOf(second.id))
})

test.run()
