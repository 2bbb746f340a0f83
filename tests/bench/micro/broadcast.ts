/**
 * Cost of broadcasting one turn to many sockets: `ws.send` per message and recipient (ws's public
 * API) against one pre-framed write per recipient (frames.ts). Run:
 * node --import tsx tests/bench/micro/broadcast.ts
 */
import type { AddressInfo } from 'node:net'
import { WebSocket, WebSocketServer } from 'ws'
import { directStream, outgoing } from '../../../server/sync/frames'

const RECIPIENTS = Number(process.env.RECIPIENTS ?? 200)
const TURNS = Number(process.env.TURNS ?? 2_000)

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
await new Promise((r) => wss.once('listening', r))
const port = (wss.address() as AddressInfo).port
const serverSide: WebSocket[] = []
wss.on('connection', (ws) => serverSide.push(ws))
const clients: WebSocket[] = []
let received = 0
for (let i = 0; i < RECIPIENTS; i++) {
  const c = new WebSocket(`ws://127.0.0.1:${port}`)
  c.on('message', () => received++)
  clients.push(c)
}
while (serverSide.length < RECIPIENTS) await new Promise((r) => setTimeout(r, 10))

const update = Uint8Array.from({ length: 40 }, (_, i) => i)
const cursor = Uint8Array.from({ length: 120 }, (_, i) => i)

async function run(name: string, send: () => void): Promise<number> {
  received = 0
  const samples: number[] = []
  for (let t = 0; t < TURNS; t++) {
    const t0 = process.hrtime.bigint()
    send()
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (t % 50 === 49) await new Promise((r) => setImmediate(r))
  }
  while (received < TURNS * RECIPIENTS * 2) await new Promise((r) => setTimeout(r, 5))
  samples.sort((a, b) => a - b)
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length
  console.log(`${name.padEnd(28)} mean ${mean.toFixed(3)} ms/turn, p99 ${samples[Math.floor(samples.length * 0.99)].toFixed(3)} ms (${RECIPIENTS} recipients, 2 messages)`)
  return mean
}

for (let round = 0; round < 3; round++) {
  await run('ws.send per message', () => {
    for (const ws of serverSide) {
      ws.send(update)
      ws.send(cursor)
    }
  })
  await run('framed once, direct write', () => {
    const out = outgoing(update, cursor)
    for (const ws of serverSide) directStream(ws)!.write(out.frames)
  })
}
for (const c of clients) c.terminate()
wss.close()
