/**
 * Cross-instance latency of the Redis Streams room bus (publish on bus A -> onMessage on bus B)
 * against plain Redis pub/sub on the same connection setup (one publishing and one receiving
 * connection to the same Redis), the stock alternative that loses messages on a reconnect. Both
 * run in this process, alternating first place every round, at several rates spread over 50
 * rooms; latency is measured with one clock (the send time travels in the payload). Run:
 *   node --import tsx tests/bench/micro/redisBus.ts
 *   RATES=100,1000,5000 ROUNDS=3 SECONDS=4 ROOMS=50 REDIS_URL=redis://127.0.0.1:6379 node --import tsx tests/bench/micro/redisBus.ts
 */
import crypto from 'node:crypto'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { Redis } from 'ioredis'
import { RedisRoomBus } from '../../../server/storage/redis/roomBus'
import { REDIS_URL, deleteKeys, requireRedis } from '../../helpers/redis'
import { waitFor } from '../../helpers/waitFor'

const RATES = (process.env.RATES ?? '100,1000,5000').split(',').map(Number)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const SECONDS = Number(process.env.SECONDS ?? 4)
const ROOMS = Number(process.env.ROOMS ?? 50)
/** About a keystroke's update with its framing. */
const PAYLOAD_BYTES = 64

interface Transport {
  send(room: number, payload: Uint8Array): void
  stop(): Promise<void>
}

type Deliver = (payload: Uint8Array) => void

async function streamsTransport(deliver: Deliver): Promise<Transport> {
  const prefix = `cjbench:${crypto.randomBytes(6).toString('hex')}:`
  const a = new RedisRoomBus({ redis: REDIS_URL, prefix, instanceId: 'bench-a' })
  const b = new RedisRoomBus({ redis: REDIS_URL, prefix, instanceId: 'bench-b' })
  for (let i = 0; i < ROOMS; i++) b.subscribe({ room: `r${i}` }, null, { onMessage: (m) => deliver(m.payload), onGap: () => {} })
  // The subscriptions start where Redis runs their XINFO on B's command connection; this comes after.
  await b.publish({ room: 'barrier' }, 'event', new Uint8Array())
  let seq = 0
  return {
    send: (room, payload) => void a.publish({ room: `r${room}` }, 'update', payload, seq++).catch((err) => console.error(err)),
    async stop() {
      await a.close()
      await b.close()
      await deleteKeys(prefix)
    },
  }
}

async function pubsubTransport(deliver: Deliver): Promise<Transport> {
  const prefix = `cjbench:${crypto.randomBytes(6).toString('hex')}:`
  const pub = new Redis(REDIS_URL)
  const sub = new Redis(REDIS_URL)
  const channels = Array.from({ length: ROOMS }, (_, i) => `${prefix}room:r${i}`)
  await sub.subscribe(...channels)
  sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => deliver(message))
  return {
    send: (room, payload) => void pub.publish(channels[room], Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)).catch((err) => console.error(err)),
    async stop() {
      pub.disconnect()
      sub.disconnect()
    },
  }
}

interface Result {
  sent: number
  delivered: number
  p50: number
  p99: number
}

async function measure(make: (d: Deliver) => Promise<Transport>, rate: number): Promise<Result> {
  const samples: number[] = []
  let delivered = 0
  const transport = await make((payload) => {
    delivered++
    samples.push(performance.now() - new DataView(payload.buffer, payload.byteOffset, 8).getFloat64(0))
  })
  const payload = new Uint8Array(PAYLOAD_BYTES)
  let sent = 0
  const start = performance.now()
  const total = Math.round(rate * SECONDS)
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1)
    for (; sent < due; sent++) {
      const p = payload.slice()
      new DataView(p.buffer).setFloat64(0, performance.now())
      transport.send(sent % ROOMS, p)
    }
    await new Promise((r) => setTimeout(r, 1))
  }
  try {
    await waitFor(() => delivered >= sent, `${sent} deliveries`, 15_000)
  } finally {
    await transport.stop()
  }
  samples.sort((x, y) => x - y)
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * q))]
  return { sent, delivered, p50: at(0.5), p99: at(0.99) }
}

const fmt = (ms: number) => ms.toFixed(2)
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ')

await requireRedis()
console.log(`# Redis room bus: publish -> delivered on the other bus (${ROOMS} rooms, ${PAYLOAD_BYTES}-byte payloads, ${SECONDS} s per round)`)
console.log(`load average at start: ${load()} (${os.cpus().length} cpus)\n`)
const KINDS = [
  ['streams', streamsTransport],
  ['pub/sub', pubsubTransport],
] as const
// Warm both up once (JIT, connections) before anything is counted.
for (const [, make] of KINDS) await measure(make, 500)
const rows: string[] = []
const summary: string[] = []
for (const rate of RATES) {
  const byKind = new Map<string, Result[]>(KINDS.map(([name]) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? KINDS : [...KINDS].reverse()
    for (const [name, make] of order) {
      const r = await measure(make, rate)
      byKind.get(name)!.push(r)
      rows.push(`| ${rate} | ${round + 1} | ${name} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.delivered}/${r.sent} |`)
    }
  }
  const s = byKind.get('streams')!
  const p = byKind.get('pub/sub')!
  const range = (rs: Result[], k: 'p50' | 'p99') => `${fmt(Math.min(...rs.map((r) => r[k])))}–${fmt(Math.max(...rs.map((r) => r[k])))}`
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]
  const ratio = (k: 'p50' | 'p99') => (median(s.map((r) => r[k])) / median(p.map((r) => r[k]))).toFixed(2)
  summary.push(`| ${rate} | ${range(s, 'p50')} | ${range(p, 'p50')} | ${ratio('p50')}× | ${range(s, 'p99')} | ${range(p, 'p99')} | ${ratio('p99')}× |`)
}
console.log('| msg/s | round | transport | p50 ms | p99 ms | delivered |\n|---|---|---|---|---|---|')
console.log(rows.join('\n'))
console.log(`\n| msg/s | streams p50 ms | pub/sub p50 ms | p50 ratio (median) | streams p99 ms | pub/sub p99 ms | p99 ratio (median) |\n|---|---|---|---|---|---|---|`)
console.log(summary.join('\n'))
console.log(`\nload average at end: ${load()}`)
