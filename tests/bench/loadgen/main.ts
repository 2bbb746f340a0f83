/** Load-generator process: holds the simulated clients and executes the orchestrator's commands. */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import * as Y from 'yjs'
import { BenchClient, nowUs, Stats, type HeldState } from './benchClient'
import { getContent } from './content'
import { summarize } from './histogram'
import type {
  Cmd,
  CollectResult,
  ConnectCmd,
  ConnectResult,
  DrainCmd,
  PopulateCmd,
  PopulateResult,
  RunCmd,
  VerifyCmd,
  VerifyResult,
} from './protocol'
import { BENCH_ROOT, encodeUpdateMessage, readMarkers, UPDATE_TAG } from './wire'

const ELD_RESOLUTION_MS = 2

const stats = new Stats()
const clients = new Map<number, BenchClient>()
const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS })
eld.enable()
let eluStart = performance.eventLoopUtilization()
let running: Promise<void> = Promise.resolve()

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function withConcurrency<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** The document a reconnecting client holds (built once per size, as populate wrote it). */
function heldOf(cmd: ConnectCmd, i: number): HeldState | null {
  if (!cmd.held) return null
  const content = getContent(cmd.held.sizes[i], cmd.held.chunkBytes)
  return { stateVector: content.heldStateVector, marker: Buffer.from(content.tailMarker) }
}

async function connect(cmd: ConnectCmd): Promise<ConnectResult> {
  const started = performance.now()
  const ttfcMs: number[] = new Array(cmd.clients.length).fill(NaN)
  const contentMs: number[] = new Array(cmd.clients.length).fill(NaN)
  const step2Bytes: number[] = new Array(cmd.clients.length).fill(0)
  const failures: string[] = []
  // build held documents before arrivals start, so no client's clock includes building one
  for (const size of new Set(cmd.held?.sizes)) getContent(size, cmd.held!.chunkBytes)
  const open = async (i: number) => {
    const client = new BenchClient(cmd.clients[i], stats)
    if (client.spec.instance !== undefined) stats.instanceOf.set(client.spec.id, client.spec.instance)
    client.counting = cmd.counting
    clients.set(client.spec.id, client)
    try {
      await client.connect(cmd.timeoutMs, cmd.expectBytes?.[i] ?? 0, heldOf(cmd, i))
      ttfcMs[i] = (client.syncedUs - client.connectStartUs) / 1000
      contentMs[i] = (client.contentUs - client.connectStartUs) / 1000
      step2Bytes[i] = client.step2Bytes
    } catch (err) {
      if (client.syncedUs) ttfcMs[i] = (client.syncedUs - client.connectStartUs) / 1000
      failures.push(String((err as Error).message))
    }
  }
  if (cmd.arrivalMs > 0) {
    // open-loop arrivals: client i starts at i/n of the interval, whatever the server does
    const t0 = performance.now()
    const pending: Promise<void>[] = []
    for (let i = 0; i < cmd.clients.length; i++) {
      const due = t0 + (i * cmd.arrivalMs) / cmd.clients.length
      const wait = due - performance.now()
      if (wait > 1) await sleep(wait)
      pending.push(open(i))
    }
    await Promise.all(pending)
  } else {
    await withConcurrency(cmd.clients, cmd.concurrency, (_c, i) => open(i))
  }
  return {
    ttfcMs,
    contentMs,
    step2Bytes,
    failures: failures.slice(0, 10),
    durationMs: performance.now() - started,
  }
}

/** Sends on a fixed schedule: senders keep random phases within one period, so load is smooth. */
function run(cmd: RunCmd): Promise<void> {
  stats.fromUs = cmd.fromUs
  stats.toUs = cmd.toUs
  const senders = cmd.senders.map((id) => clients.get(id)).filter((c) => c !== undefined)
  const periodUs = 1e6 / cmd.ratePerSec
  const due = senders.map(() => cmd.startUs + Math.random() * periodUs)
  const order = senders.map((_s, i) => i).sort((a, b) => due[a] - due[b])
  let head = 0
  return new Promise((resolve) => {
    const tick = () => {
      const now = nowUs()
      if (now >= cmd.toUs) return resolve()
      // senders share one period, so their order never changes: walk it as a ring
      let guard = order.length * 4
      while (guard-- > 0 && due[order[head]] <= now) {
        const i = order[head]
        const client = senders[i]
        if (client.ws?.isOpen) {
          client.sendUpdate()
          if (cmd.presence) client.sendPresence()
        }
        due[i] += periodUs
        head = (head + 1) % order.length
      }
      setTimeout(tick, 1)
    }
    const wait = (cmd.startUs - nowUs()) / 1000
    setTimeout(tick, Math.max(0, wait))
  })
}

/** Deliveries owed for the window's sends: each edit to every other receiver of its room. */
function owed(receiversByRoom: Record<string, number>): number {
  let n = 0
  for (const [room, sent] of stats.sentByRoom) {
    n += sent * Math.max(0, (receiversByRoom[room] ?? 1) - 1)
  }
  return n
}

// A quiet gap alone must not end the drain: it cut off a server that delivers in bursts
// under load (codejury's merged turns, 48% delivered in a quick run on a busy machine, 100% with
// a longer wait): when the receivers are known, the drain waits for the deliveries themselves.
async function drain(cmd: DrainCmd): Promise<void> {
  const until = performance.now() + cmd.maxMs
  const expected = cmd.receiversByRoom ? owed(cmd.receiversByRoom) : null
  while (performance.now() < until) {
    const quiet = nowUs() - stats.lastReceiptUs > cmd.quietMs * 1000
    if (expected === null ? quiet : stats.delivered >= expected) return
    await sleep(Math.min(50, cmd.quietMs / 2))
  }
}

async function populate(cmd: PopulateCmd): Promise<PopulateResult> {
  const started = performance.now()
  const step2Bytes: number[] = new Array(cmd.clients.length).fill(0)
  const failures: string[] = []
  const contentBytes: Record<string, number> = {}
  await withConcurrency(cmd.clients, cmd.concurrency, async (spec, i) => {
    const content = getContent(cmd.sizes[i], cmd.chunkBytes)
    contentBytes[cmd.sizes[i]] = content.encodedBytes
    const client = new BenchClient(spec, stats)
    try {
      await client.connect(cmd.timeoutMs)
      for (const chunk of content.chunks) {
        client.send(encodeUpdateMessage(spec.proto, spec.docName, chunk))
        // keep the socket from queueing megabytes: servers read as fast as they apply
        while ((client.ws?.bufferedAmount ?? 0) > 1 << 20) await sleep(2)
      }
      step2Bytes[i] = await client.barrier(cmd.timeoutMs)
    } catch (err) {
      failures.push(String((err as Error).message))
    } finally {
      await client.close()
    }
  })
  return {
    step2Bytes,
    failures: failures.slice(0, 10),
    durationMs: performance.now() - started,
    contentBytes,
  }
}

/** Convergence check: the server's state of each room holds every marker its senders sent. */
async function verify(cmd: VerifyCmd): Promise<VerifyResult> {
  const result: VerifyResult = { rooms: 0, markersExpected: 0, markersMissing: 0, failures: [] }
  for (const spec of cmd.clients) {
    const probe = new BenchClient(spec, stats)
    probe.counting = false
    try {
      await probe.connect(cmd.timeoutMs)
      const doc = new Y.Doc()
      await probe.fetchState(cmd.timeoutMs, (update) => Y.applyUpdate(doc, update))
      const text = Buffer.from(doc.getText(BENCH_ROOT).toString())
      doc.destroy()
      const seen = new Set<string>()
      readMarkers(text, 0, text.length, UPDATE_TAG, (sender, seq) => seen.add(`${sender}/${seq}`))
      for (const client of clients.values()) {
        if (client.spec.room !== spec.room) continue
        for (let seq = 0; seq < client.seq; seq++) {
          result.markersExpected++
          if (!seen.has(`${client.spec.id}/${seq}`)) result.markersMissing++
        }
      }
      result.rooms++
    } catch (err) {
      result.failures.push(String((err as Error).message))
    } finally {
      await probe.close()
    }
  }
  return result
}

function collect(): CollectResult {
  const elu = performance.eventLoopUtilization(eluStart).utilization
  const toMs = (ns: number) => Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS)
  const out: CollectResult = {
    updates: summarize(stats.updates),
    crossUpdates: summarize(stats.crossUpdates),
    crossDelivered: stats.crossDelivered,
    presence: summarize(stats.presence),
    delivered: stats.delivered,
    deliveredPresence: stats.deliveredPresence,
    echoes: stats.echoes,
    outOfOrder: stats.outOfOrder,
    acks: stats.acks,
    sentByRoom: Object.fromEntries(stats.sentByRoom),
    sentPresenceByRoom: Object.fromEntries(stats.sentPresenceByRoom),
    closes: Object.fromEntries(stats.closes),
    errors: stats.errors,
    eldP99Ms: toMs(eld.percentile(99)),
    eldMaxMs: toMs(eld.max),
    elu,
  }
  stats.updates.reset()
  stats.crossUpdates.reset()
  stats.crossDelivered = 0
  stats.presence.reset()
  stats.delivered = 0
  stats.deliveredPresence = 0
  stats.echoes = 0
  stats.outOfOrder = 0
  stats.acks = 0
  stats.sentByRoom.clear()
  stats.sentPresenceByRoom.clear()
  stats.closes.clear()
  stats.errors = []
  eld.reset()
  eluStart = performance.eventLoopUtilization()
  return out
}

async function close(ids?: number[]): Promise<void> {
  const targets = ids
    ? ids.map((id) => clients.get(id)).filter((c) => c !== undefined)
    : [...clients.values()]
  await Promise.all(targets.map((c) => c.close()))
  for (const c of targets) clients.delete(c.spec.id)
}

async function handle(cmd: Cmd): Promise<unknown> {
  switch (cmd.op) {
    case 'connect':
      return connect(cmd)
    case 'run':
      running = run(cmd)
      return null
    case 'drain':
      await running
      await drain(cmd)
      return null
    case 'populate':
      return populate(cmd)
    case 'verify':
      return verify(cmd)
    case 'collect':
      return collect()
    case 'close':
      await close(cmd.ids)
      return null
    case 'setCounting':
      for (const id of cmd.ids) {
        const c = clients.get(id)
        if (c) c.counting = cmd.counting
      }
      return null
  }
}

process.on('message', (msg: { reqId: number; cmd: Cmd }) => {
  handle(msg.cmd).then(
    (result) => process.send?.({ reqId: msg.reqId, result }),
    (err: Error) => process.send?.({ reqId: msg.reqId, error: err.stack ?? String(err) }),
  )
})
process.on('disconnect', () => process.exit(0))
process.send?.({ ready: true })
