/**
 * W1 (with the ramp), W2 and W4 as sessions: each starts a server process, runs its workloads, and
 * stops it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { ClientSpec } from './loadgen/benchClient'
import type { ConnectCmd, ConnectResult } from './loadgen/protocol'
import type { LatencySummary } from './loadgen/histogram'
import { measure, quantiles, type MeasureCtx, type RunRow } from './measure'
import { readRssKB } from './procStats'
import type { ServerAdapter, ServerUnderTest, Storage } from './servers/adapters'
import { validateWithProviders, type ValidationResult } from './validate'

export interface Ctx extends MeasureCtx {
  log: (msg: string) => void
}

/** Memory of a server as rooms and connections are added (after a forced GC), in KB. */
export interface MemoryFigures {
  baseKB: number
  /** Idle rooms opened, one client each, empty document. */
  rooms: number
  perRoomKB: number
  perRoomHeapKB: number
  /** Extra clients added to W1's rooms. */
  connections: number
  perConnectionKB: number
  perConnectionHeapKB: number
}

export interface RampFigures {
  steps: RunRow[]
  /** Highest offered updates/s whose p99 stayed under the limit with everything delivered. */
  breakingPointUpdatesPerSec: number
  brokeAt: number | null
}

/** One wave of joins on W2's large document, and the writers' latency while it lasts. */
export interface JoinFigures {
  joiners: number
  windowMs: number
  docBytes: number
  /**
   * True when every joiner reconnects holding the document minus its tail (a non-empty state
   * vector in sync step 1); false when it joins holding nothing.
   */
  reconnecting: boolean
  /** Connect → step 2 and the document (fresh) or the missing tail (reconnecting) arrived. */
  ttfc: LatencySummary
  /** Size of the sync step 2 the joiners received, in bytes (same quantile shape as latencies). */
  step2Bytes: LatencySummary
  failures: number
  errors: string[]
  writers: RunRow
}

let nextClientId = 1
/** Client ids, unique across the run: they travel in the markers. */
export const newIds = (n: number) => Array.from({ length: n }, () => nextClientId++)

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Starts a server on a fresh (or the given) data directory, pinned like the run says. */
export async function start(ctx: Ctx, adapter: ServerAdapter, storage: Storage, dataDir?: string) {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), `bench-${adapter.kind}-`))
  const cpu = ctx.serverCore === null ? null : String(ctx.serverCore)
  const srv = await adapter.start({ storage, dataDir: dir, cpu })
  return srv
}

export async function stop(srv: ServerUnderTest, removeData = true): Promise<void> {
  await srv.stop()
  if (removeData) rmSync(srv.dataDir, { recursive: true, force: true })
}

/**
 * RSS and V8 heap after asking the server to collect garbage, so deltas measure what rooms hold.
 */
export async function settledMemory(
  srv: ServerUnderTest,
): Promise<{ rssKB: number; heapKB: number }> {
  await srv.proc.probe('gc')
  await sleep(100)
  const reply = await srv.proc.probe('gc')
  return { rssKB: readRssKB(srv.proc.pid), heapKB: (reply?.heapUsedBytes ?? NaN) / 1024 }
}

function specsFor(srv: ServerUnderTest, rooms: string[], perRoom: number): ClientSpec[][] {
  return rooms.map((room) => newIds(perRoom).map((id) => srv.clientSpec(id, room)))
}

/** Connects every client (50 at a time) and fails the session if any cannot join. */
export async function connectAll(ctx: Ctx, clients: ClientSpec[], counting = true) {
  const res = await ctx.lg.call({
    op: 'connect',
    clients,
    arrivalMs: 0,
    concurrency: 50,
    counting,
    timeoutMs: 30_000,
  })
  if (res.failures.length) throw new Error(`connect failed: ${res.failures.slice(0, 3).join('; ')}`)
  return res
}

export interface W1Session {
  validation: ValidationResult | null
  memory: MemoryFigures
  w1: RunRow
  w1Presence: RunRow
  verify: { rooms: number; markersExpected: number; markersMissing: number } | null
  ramp: RampFigures
}

/**
 * W1 (100 rooms × 10 clients × 2 updates/s), with and without presence, then the ramp on the
 * same connections. Memory per room and per connection is taken while the clients join.
 */
export async function sessionW1(ctx: Ctx, adapter: ServerAdapter): Promise<W1Session> {
  const { plan, lg } = ctx
  const srv = await start(ctx, adapter, adapter.defaultStorage)
  try {
    const validation = adapter.keepsDocuments ? await validateWithProviders(ctx, srv) : null
    // memory per room: idle rooms with one client each, closed again before W1
    const base = await settledMemory(srv)
    const idleRooms = await srv.createRooms('idle', plan.memoryRooms)
    const idle = idleRooms.map((room) => srv.clientSpec(newIds(1)[0], room))
    await connectAll(ctx, idle)
    const withIdle = await settledMemory(srv)
    await lg.call({ op: 'close', ids: idle.map((c) => c.id) })
    // memory per connection: W1's rooms with one client, then the other nine of each
    const rooms = await srv.createRooms('w1', plan.w1.rooms)
    const specs = specsFor(srv, rooms, plan.w1.clients)
    await connectAll(
      ctx,
      specs.map((s) => s[0]),
    )
    const withRooms = await settledMemory(srv)
    await connectAll(
      ctx,
      specs.flatMap((s) => s.slice(1)),
    )
    const withConns = await settledMemory(srv)
    const extra = rooms.length * (plan.w1.clients - 1)
    const memory: MemoryFigures = {
      baseKB: base.rssKB,
      rooms: idle.length,
      perRoomKB: (withIdle.rssKB - base.rssKB) / idle.length,
      perRoomHeapKB: (withIdle.heapKB - base.heapKB) / idle.length,
      connections: extra,
      perConnectionKB: (withConns.rssKB - withRooms.rssKB) / extra,
      perConnectionHeapKB: (withConns.heapKB - withRooms.heapKB) / extra,
    }
    const receiversByRoom = new Map(rooms.map((r) => [r, plan.w1.clients]))
    const senders = specs.flat().map((s) => s.id)
    const w1Opts = {
      senders,
      ratePerSec: plan.w1.ratePerSec,
      warmupS: plan.w1.warmupS,
      measureS: plan.w1.measureS,
      receiversByRoom,
    }
    ctx.log(`  W1`)
    const w1 = await measure(ctx, srv, { ...w1Opts, workload: 'W1', presence: false })
    let verify = null
    if (adapter.keepsDocuments) {
      const probes = rooms
        .slice(0, plan.verifyRooms)
        .map((room) => srv.clientSpec(newIds(1)[0], room))
      verify = await lg.call({ op: 'verify', clients: probes, timeoutMs: 30_000 })
    }
    ctx.log(`  W1 + presence`)
    const w1Presence = await measure(ctx, srv, {
      ...w1Opts,
      workload: 'W1+presence',
      presence: true,
    })
    const ramp: RampFigures = { steps: [], breakingPointUpdatesPerSec: 0, brokeAt: null }
    const passes = (row: RunRow) =>
      row.latency.p99 <= plan.ramp.p99LimitMs && row.deliveredRatio >= 0.999
    if (passes(w1)) ramp.breakingPointUpdatesPerSec = w1.offeredUpdatesPerSec
    for (const rate of plan.ramp.ratesPerClient) {
      ctx.log(`  ramp ${rate}/s per client`)
      const row = await measure(ctx, srv, {
        ...w1Opts,
        workload: `ramp ${senders.length * rate}/s`,
        ratePerSec: rate,
        warmupS: plan.ramp.warmupS,
        measureS: plan.ramp.measureS,
        presence: false,
      })
      ramp.steps.push(row)
      if (!passes(row)) {
        ramp.brokeAt = row.offeredUpdatesPerSec
        break
      }
      ramp.breakingPointUpdatesPerSec = row.offeredUpdatesPerSec
    }
    return { validation, memory, w1, w1Presence, verify, ramp }
  } finally {
    await lg.call({ op: 'close' })
    await stop(srv)
  }
}

export interface W2Session {
  tenWriters: RunRow
  allWriting: RunRow
  joins: JoinFigures | null
  /** The same wave again, by clients that reconnect holding the document. */
  reconnectJoins?: JoinFigures | null
}

interface JoinWave {
  room: string
  writerIds: number[]
  docBytes: number
  /** Encoded size of the stored content, from populate. */
  storedBytes: number
  reconnecting: boolean
}

/**
 * Opens W2's joiners within the join window (open-loop arrivals) while the writers keep typing,
 * then closes them again.
 */
async function joinWave(ctx: Ctx, srv: ServerUnderTest, w: JoinWave): Promise<JoinFigures> {
  const { plan, lg } = ctx
  const p = plan.w2
  const joiners = newIds(p.joiners).map((id) => srv.clientSpec(id, w.room))
  const wave: { res: ConnectResult | null } = { res: null }
  const label = w.reconnecting ? 'reconnecting joins' : 'joins'
  const writers = await measure(ctx, srv, {
    workload: `W2 writers during ${p.joiners} ${label}`,
    senders: w.writerIds,
    ratePerSec: p.ratePerSec,
    presence: false,
    warmupS: p.warmupS,
    measureS: p.joinWindowMs / 1000 + 1,
    receiversByRoom: new Map([[w.room, p.writers]]),
    duringWindow: async () => {
      wave.res = await lg.call({
        op: 'connect',
        clients: joiners,
        arrivalMs: p.joinWindowMs,
        concurrency: joiners.length,
        counting: false,
        timeoutMs: 20_000,
        ...(w.reconnecting
          ? { held: { sizes: joiners.map(() => w.docBytes), chunkBytes: plan.chunkBytes } }
          : { expectBytes: joiners.map(() => Math.floor(0.9 * w.storedBytes)) }),
      } satisfies ConnectCmd)
    },
  })
  await lg.call({ op: 'close', ids: joiners.map((j) => j.id) })
  const r = wave.res
  return {
    joiners: joiners.length,
    windowMs: p.joinWindowMs,
    docBytes: w.storedBytes,
    reconnecting: w.reconnecting,
    ttfc: quantiles(r?.contentMs ?? []),
    step2Bytes: quantiles((r?.step2Bytes ?? []).filter((b) => b > 0)),
    failures: r ? r.contentMs.filter((x) => !Number.isFinite(x)).length : joiners.length,
    errors: r?.failures ?? ['the join wave did not run'],
    writers,
  }
}

/**
 * W2: one room × 200 clients; 10 writers, then all writing, then 200 joins on a 1.6 MB document.
 */
export async function sessionW2(ctx: Ctx, adapter: ServerAdapter): Promise<W2Session> {
  const { plan, lg } = ctx
  const p = plan.w2
  const srv = await start(ctx, adapter, adapter.defaultStorage)
  try {
    const [room] = await srv.createRooms('w2', 1)
    const clients = specsFor(srv, [room], p.clients)[0]
    await connectAll(ctx, clients)
    const receiversByRoom = new Map([[room, p.clients]])
    const ids = clients.map((c) => c.id)
    const common = {
      ratePerSec: p.ratePerSec,
      warmupS: p.warmupS,
      measureS: p.measureS,
      presence: false,
    }
    ctx.log(`  W2 ${p.writers} writers`)
    const tenWriters = await measure(ctx, srv, {
      ...common,
      workload: `W2 ${p.writers} writers`,
      senders: ids.slice(0, p.writers),
      receiversByRoom,
    })
    ctx.log(`  W2 all writing`)
    const allWriting = await measure(ctx, srv, {
      ...common,
      workload: 'W2 all writing',
      senders: ids,
      receiversByRoom,
    })
    // keep the writers connected: a server without storage (Hocuspocus' default) forgets a
    // document when its last client leaves, and the writers are what keeps the room alive
    const writerIds = ids.slice(0, p.writers)
    await lg.call({ op: 'close', ids: ids.slice(p.writers) })
    if (!adapter.keepsDocuments) {
      return { tenWriters, allWriting, joins: null, reconnectJoins: null }
    }

    ctx.log(`  W2 joins`)
    const loader = srv.clientSpec(newIds(1)[0], room)
    const pop = await lg.call({
      op: 'populate',
      clients: [loader],
      sizes: [p.docBytes],
      chunkBytes: plan.chunkBytes,
      concurrency: 1,
      timeoutMs: 60_000,
    })
    if (pop.failures.length) throw new Error(`populate failed: ${pop.failures[0]}`)
    await sleep(500) // the writers receive the new content too; let that settle first
    const wave = { room, writerIds, docBytes: p.docBytes, storedBytes: pop.step2Bytes[0] }
    const joins = await joinWave(ctx, srv, { ...wave, reconnecting: false })
    ctx.log(`  W2 reconnecting joins`)
    const reconnectJoins = await joinWave(ctx, srv, { ...wave, reconnecting: true })
    return { tenWriters, allWriting, joins, reconnectJoins }
  } finally {
    await lg.call({ op: 'close' })
    await stop(srv)
  }
}

/** W4: W1 again with the server's other storage mode (codejury: memory; the others: disk). */
export async function sessionW4(ctx: Ctx, adapter: ServerAdapter): Promise<RunRow> {
  const { plan, lg } = ctx
  const storage: Storage = adapter.defaultStorage === 'disk' ? 'memory' : 'disk'
  const srv = await start(ctx, adapter, storage)
  try {
    const rooms = await srv.createRooms('w4', plan.w1.rooms)
    const specs = specsFor(srv, rooms, plan.w1.clients)
    await connectAll(ctx, specs.flat())
    ctx.log(`  W4 (${storage})`)
    return await measure(ctx, srv, {
      workload: `W4 W1 on ${storage}`,
      senders: specs.flat().map((s) => s.id),
      ratePerSec: plan.w1.ratePerSec,
      presence: false,
      warmupS: plan.w1.warmupS,
      measureS: plan.w1.measureS,
      receiversByRoom: new Map(rooms.map((r) => [r, plan.w1.clients])),
    })
  } finally {
    await lg.call({ op: 'close' })
    await stop(srv)
  }
}
