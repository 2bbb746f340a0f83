import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { WebSocket, WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import { directStream, outgoing } from '../server/sync/frames'

const test = suite('broadcast frames')

let wss: WebSocketServer | null = null
let clients: WebSocket[] = []
test.after.each(async () => {
  for (const c of clients) c.terminate()
  clients = []
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()))
  wss = null
})

const payload = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff)

test('frames written straight to the socket arrive as the same messages, in order, at every length boundary', async () => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  wss = server
  await new Promise((r) => server.once('listening', r))
  const lengths = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000]
  const messages = lengths.map((n, i) => payload(n, i))
  const received: Uint8Array[] = []
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`)
  clients.push(client)
  const done = new Promise<void>((resolve) => {
    client.on('message', (data: Buffer) => {
      received.push(new Uint8Array(data))
      if (received.length === messages.length + 2) resolve()
    })
  })
  server.on('connection', (ws) => {
    const stream = directStream(ws)
    assert.ok(stream, 'a plain ws connection offers its socket')
    ws.send(Uint8Array.of(41)) // an earlier ws.send stays ahead of the direct write
    stream.write(outgoing(...messages).frames)
    ws.send(Uint8Array.of(42)) // a later one stays behind it
  })
  await done
  assert.equal(received.map((m) => m.length), [1, ...lengths, 1])
  assert.equal(received[0], Uint8Array.of(41))
  messages.forEach((m, i) => assert.equal(received[i + 1], m, `message ${i} (${m.length} bytes)`))
  assert.equal(received[messages.length + 1], Uint8Array.of(42))
})

test('falls back to send per message for anything that is not a plain ws socket', () => {
  const sent: Uint8Array[] = []
  const fake = { readyState: 1, bufferedAmount: 0, send: (m: Uint8Array) => sent.push(m), close() {} }
  assert.is(directStream(fake), null)
  assert.is(directStream({ extensions: 'permessage-deflate', _socket: { write() {} } }), null)
  const out = outgoing(Uint8Array.of(1), Uint8Array.of(2, 3))
  assert.equal(out.messages, [Uint8Array.of(1), Uint8Array.of(2, 3)])
  assert.equal([...out.frames], [0x82, 1, 1, 0x82, 2, 2, 3])
})

test.run()
