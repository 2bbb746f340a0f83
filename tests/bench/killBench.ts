/**
 * Kill -9 of one of two codejury instances (STORAGE=postgres) under the light load, with real
 * y-websocket providers (they resend what the server lacks when they reconnect) behind a TCP
 * switch per instance that sends new connections to the surviving instance once its own is gone.
 *
 * Acknowledged edit: one that reached a client other than its author before the kill (the
 * server relays only after the commit). Lost: acknowledged but absent from the final state, read
 * by a fresh client of a fresh instance started after both others were killed, so the state
 * comes from PostgreSQL alone.
 */
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { getWorkspace } from '../../shared/schema'
import { startCluster } from './servers/cluster'
import { startTcpSwitch, type TcpSwitch } from './tcpSwitch'
import { sleep } from './workloads'

export interface KillFigures {
  rooms: number
  clients: number
  /** Clients whose instance was killed. */
  moved: number
  sentBeforeKill: number
  acknowledgedBeforeKill: number
  acknowledgedLost: number
  sentTotal: number
  /** Every edit sent, before or after the kill, missing from the final state. */
  sentLost: number
  /** Kill → the last client of the killed instance synced with the other one, ms. */
  allBackMs: number
  /** Moved clients not synced again within BACK_LIMIT_MS (allBackMs is then Infinity). */
  notBack: number
  /** Kill → each moved client synced again: median and max, ms. */
  backP50Ms: number
  backMaxMs: number
  /** Moved clients slower than SLOW_MS: when they had a connection again and when they synced. */
  slowClients: Array<{ connectedMs: number | null; syncedMs: number | null; opens: number; connected: boolean }>
  /** The surviving instance's last output, kept when it refused a moved client (44xx). */
  survivorLog?: string
  /** Close codes the moved clients saw from the kill until they were back, and their count. */
  closesAfterKill: Record<string, number>
  converged: boolean
  errors: string[]
}

export interface KillPlan {
  rooms: number
  clients: number
  ratePerSec: number
  beforeKillS: number
  afterBackS: number
}

const MARKER = /<k(\d+)\.(\d+)>/g
/** How long the moved clients get to sync with the surviving instance before the run goes on. */
const BACK_LIMIT_MS = 30_000
/** A moved client slower than this to sync again is described in `slowClients`. */
const SLOW_MS = 5_000

interface Client {
  id: number
  room: number
  instance: number
  doc: Y.Doc
  provider: WebsocketProvider
  seq: number
  /** First sync after the kill (ms on performance.now()). */
  backAt: number
  /** First open connection after the kill, and connections opened since the kill. */
  connectedAt: number
  opens: number
}

/** One kill run: start, type, kill instance 1, wait for its clients to come back, verify. */
export async function runKill(plan: KillPlan, log: (m: string) => void): Promise<KillFigures> {
  const cluster = await startCluster({ name: 'kill', kind: 'codejury', storage: 'postgres', instances: 2 })
  const switches: TcpSwitch[] = []
  const clients: Client[] = []
  const relayedAt = new Map<string, number>()
  const errors: string[] = []
  let slowClients: KillFigures['slowClients'] = []
  let typing: NodeJS.Timeout | null = null
  // every provider adds a process 'exit' listener; hundreds are expected here
  process.setMaxListeners(0)
  try {
    const ports = cluster.instances.map((s) => s.proc.port)
    // switch i prefers instance i and falls back to the other
    switches.push(await startTcpSwitch([ports[0], ports[1]]), await startTcpSwitch([ports[1], ports[0]]))
    const token = cluster.instances[0].clientSpec(0, 'x').token
    const rooms = await cluster.createRooms('kill', plan.rooms)
    let nextId = 1
    for (let r = 0; r < rooms.length; r++) {
      for (let j = 0; j < plan.clients; j++) {
        const instance = j % 2
        const doc = new Y.Doc()
        const provider = new WebsocketProvider(`ws://127.0.0.1:${switches[instance].port}/ws`, encodeURIComponent(rooms[r]), doc, {
          params: { token },
          WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
          disableBc: true,
        })
        const c: Client = { id: nextId++, room: r, instance, doc, provider, seq: 0, backAt: 0, connectedAt: 0, opens: 0 }
        getWorkspace(doc).explanation.observe((event) => {
          if (event.transaction.local) return
          const now = performance.now()
          for (const op of event.delta) {
            if (typeof op.insert !== 'string') continue
            for (const m of op.insert.matchAll(MARKER)) {
              if (Number(m[1]) !== c.id && !relayedAt.has(m[0])) relayedAt.set(m[0], now)
            }
          }
        })
        clients.push(c)
      }
    }
    await waitUntil(() => clients.every((c) => c.provider.synced), 60_000, 'every provider synced')
    log(`kill: ${clients.length} providers synced`)
    const sent = new Map<string, number>()
    const type = () => {
      for (const c of clients) {
        if (Math.random() >= plan.ratePerSec / 10) continue
        const text = getWorkspace(c.doc).explanation
        const marker = `<k${c.id}.${c.seq++}>`
        text.insert(text.length, marker)
        sent.set(marker, performance.now())
      }
    }
    typing = setInterval(type, 100) // each client types ratePerSec edits/s on average
    await sleep(plan.beforeKillS * 1000)
    const victim = cluster.instances[1]
    const killAt = performance.now()
    process.kill(victim.proc.pid, 'SIGKILL')
    const sentBeforeKill = sent.size
    const ackBefore = [...relayedAt].filter(([, t]) => t < killAt).map(([m]) => m)
    const moved = clients.filter((c) => c.instance === 1)
    const closesAfterKill: Record<string, number> = {}
    for (const c of moved) {
      c.provider.on('status', ({ status }: { status: string }) => {
        if (status !== 'connected' || c.backAt) return
        c.opens++
        c.connectedAt ||= performance.now()
      })
      c.provider.on('connection-close', (event: { code?: number } | null) => {
        if (c.backAt) return
        const code = String(event?.code ?? 'none')
        closesAfterKill[code] = (closesAfterKill[code] ?? 0) + 1
      })
      c.provider.on('sync', (synced: boolean) => {
        if (synced && !c.backAt && performance.now() > killAt) c.backAt = performance.now()
      })
    }
    await waitUntil(() => moved.every((c) => c.backAt > 0), BACK_LIMIT_MS, 'every client of the killed instance synced again').catch(
      (err: Error) => errors.push(err.message),
    )
    const stuck = moved.filter((c) => !c.backAt)
    const backs = moved.filter((c) => c.backAt).map((c) => c.backAt - killAt).sort((a, b) => a - b)
    if (stuck.length) {
      const state = (c: Client) => `${c.provider.wsconnected ? 'connected' : 'not connected'}${c.provider.shouldConnect ? '' : ', gave up'}`
      const states = new Map<string, number>()
      for (const c of stuck) states.set(state(c), (states.get(state(c)) ?? 0) + 1)
      errors.push(`${stuck.length} of ${moved.length} moved clients not synced after ${BACK_LIMIT_MS} ms: ${[...states].map(([k, n]) => `${n} ${k}`).join('; ')}`)
    }
    // whether the slow ones waited for a connection (client, switch) or for sync on an open one (server)
    const slow = moved.filter((c) => !c.backAt || c.backAt - killAt > SLOW_MS)
    slowClients = slow.map((c) => ({
      connectedMs: c.connectedAt ? c.connectedAt - killAt : null,
      syncedMs: c.backAt ? c.backAt - killAt : null,
      opens: c.opens,
      connected: c.provider.wsconnected,
    }))
    log(`kill: ${backs.length} of ${moved.length} moved clients back, the last after ${(backs[backs.length - 1] ?? NaN).toFixed(0)} ms`)
    await sleep(plan.afterBackS * 1000)
    clearInterval(typing)
    typing = null
    // every room's clients converge on one text, then the final state is read from PostgreSQL alone
    const converged = await waitUntil(
      () => rooms.every((_r, i) => new Set(clients.filter((c) => c.room === i).map((c) => getWorkspace(c.doc).explanation.toString())).size === 1),
      20_000,
      'rooms converged',
    ).then(() => true, (err: Error) => (errors.push(err.message), false))
    for (const c of clients) c.provider.destroy()
    // a refusal (4400–4499) stops a stock client for good: keep the surviving instance's words on it
    const refused = Object.keys(closesAfterKill).some((code) => /^44\d\d$/.test(code))
    const survivorLog = refused ? cluster.instances[0].proc.output().slice(-6000) : undefined
    process.kill(cluster.instances[0].proc.pid, 'SIGKILL')
    const fresh = await cluster.startInstance(2)
    const finalText = new Map<number, string>()
    for (let r = 0; r < rooms.length; r++) {
      const doc = new Y.Doc()
      const p = new WebsocketProvider(`ws://127.0.0.1:${fresh.proc.port}/ws`, encodeURIComponent(rooms[r]), doc, {
        params: { token },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      })
      await waitUntil(() => p.synced, 20_000, `fresh client of room ${r} synced`)
      finalText.set(r, getWorkspace(doc).explanation.toString())
      p.destroy()
      doc.destroy()
    }
    const all = [...finalText.values()].join('')
    const present = new Set([...all.matchAll(MARKER)].map((m) => m[0]))
    return {
      rooms: rooms.length,
      clients: clients.length,
      moved: moved.length,
      sentBeforeKill,
      acknowledgedBeforeKill: ackBefore.length,
      acknowledgedLost: ackBefore.filter((m) => !present.has(m)).length,
      sentTotal: sent.size,
      sentLost: [...sent.keys()].filter((m) => !present.has(m)).length,
      allBackMs: stuck.length ? Infinity : backs[backs.length - 1],
      notBack: stuck.length,
      backP50Ms: backs[Math.floor((backs.length - 1) / 2)],
      backMaxMs: backs[backs.length - 1],
      closesAfterKill,
      slowClients,
      survivorLog,
      converged: converged,
      errors,
    }
  } finally {
    if (typing) clearInterval(typing)
    for (const c of clients) {
      c.provider.destroy()
      c.doc.destroy()
    }
    await Promise.all(switches.map((s) => s.close()))
    await cluster.stop()
  }
}

async function waitUntil(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = performance.now() + timeoutMs
  while (!ok()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}
