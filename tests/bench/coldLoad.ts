/**
 * W3, cold load: rooms of mixed sizes are stored, the server restarts on the same data, and every
 * room is opened once.
 */
import type { LatencySummary } from './loadgen/histogram'
import { isSaturated, quantiles, waitForQuiet } from './measure'
import { w3SizeOf, W3_SIZE_MIX } from './plan'
import { dirBytes, otherLoadPct, readCpuBusyMs, sample } from './procStats'
import type { ServerAdapter, ServerUnderTest } from './servers/adapters'
import { newIds, settledMemory, sleep, start, stop, type Ctx } from './workloads'

/** One wave of cold loads: rooms opened once each, arrivals spread evenly over `arrivalMs`. */
export interface ColdPhase {
  rooms: number
  arrivalMs: number
  /**
   * Connect → the stored document has arrived (sync step 2, plus updates if the server sends it
   * later).
   */
  ttfc: LatencySummary
  ttfcBySize: Record<string, LatencySummary>
  /** Connect → first sync step 2, whatever it held. */
  firstSync: LatencySummary
  /**
   * True when the clients reconnect holding the document minus its tail (non-empty state vector);
   * their content has arrived once the tail has, in step 2 or after it.
   */
  reconnecting: boolean
  /** Size of the sync step 2 the clients received, in bytes (same quantile shape as latencies). */
  step2Bytes: LatencySummary
  /**
   * Rooms whose sync step 2 came before their stored content (the server answered before loading).
   */
  contentAfterSync: number
  contentMissing: number
  failures: string[]
  eldP99Ms: number
  eldMaxMs: number
  elu: number
  cpuMs: number
  otherLoadPct: number
  /** Load-generator CPU over the wave (% of its core) and whether that capped the figures. */
  loadgenCpuPct: number
  loadgenSaturated: boolean
}

export interface ColdLoadFigures {
  rooms: number
  storedBytes: number
  populateS: number
  paced: ColdPhase
  storm: ColdPhase
  /**
   * After a second restart, the same two waves by clients that reconnect holding each document
   * minus its tail (a non-empty state vector must not cost a cold room more).
   */
  reconnect?: { paced: ColdPhase; storm: ColdPhase }
  loadedKBPerRoom: number
  retainedKBPerRoom: number
  idleWaitS: number
}

/**
 * W3: stores rooms of mixed sizes, restarts the server on the same data, then opens every room
 * once (open-loop arrivals) and times connect → sync step 2.
 */
export async function sessionW3(ctx: Ctx, adapter: ServerAdapter): Promise<ColdLoadFigures> {
  const { plan, lg } = ctx
  const first = await start(ctx, adapter, 'disk')
  const dataDir = first.dataDir
  let rooms: string[] = []
  const sizes: number[] = []
  let contentBytes: Record<string, number> = {}
  const t0 = performance.now()
  try {
    rooms = await first.createRooms('w3', plan.w3.rooms)
    rooms.forEach((_r, i) => sizes.push(w3SizeOf(i)))
    ctx.log(`  W3 storing ${rooms.length} rooms`)
    const pop = await lg.call({
      op: 'populate',
      clients: rooms.map((room) => first.clientSpec(newIds(1)[0], room)),
      sizes,
      chunkBytes: plan.chunkBytes,
      concurrency: 8,
      timeoutMs: 60_000,
    })
    if (pop.failures.length) throw new Error(`populate failed: ${pop.failures[0]}`)
    contentBytes = pop.contentBytes
  } finally {
    await stop(first, false)
  }
  const populateS = (performance.now() - t0) / 1000
  const storedBytes = dirBytes(dataDir)
  const cut = Math.min(plan.w3.pacedRooms, rooms.length)
  const wave = (srv: ServerUnderTest, from: number, to: number, arrivalMs: number, held: boolean) =>
    openWave(ctx, srv, { rooms: rooms.slice(from, to), sizes: sizes.slice(from, to) }, {
      arrivalMs,
      held,
      contentBytes,
    })
  let srv = await start(ctx, adapter, 'disk', dataDir)
  try {
    await sleep(300)
    const base = await settledMemory(srv)
    ctx.log(`  W3 cold load: ${cut} rooms paced, then ${rooms.length - cut} at once`)
    const paced = await wave(srv, 0, cut, plan.w3.pacedMs, false)
    const storm = await wave(srv, cut, rooms.length, plan.w3.stormMs, false)
    const loaded = await settledMemory(srv)
    await lg.call({ op: 'close' })
    const idleWaitS = plan.w3.waitForUnload
      ? Math.max(plan.w3.idleWaitS, adapter.idleUnloadS + 3)
      : plan.w3.idleWaitS
    await sleep(idleWaitS * 1000)
    const retained = await settledMemory(srv)
    // a restart again, and every client comes back holding its document minus the tail
    await stop(srv, false)
    srv = await start(ctx, adapter, 'disk', dataDir)
    await sleep(300)
    ctx.log(`  W3 reconnecting: ${cut} rooms paced, then ${rooms.length - cut} at once`)
    const reconnect = {
      paced: await wave(srv, 0, cut, plan.w3.pacedMs, true),
      storm: await wave(srv, cut, rooms.length, plan.w3.stormMs, true),
    }
    return {
      rooms: rooms.length,
      storedBytes,
      populateS,
      paced,
      storm,
      reconnect,
      loadedKBPerRoom: (loaded.rssKB - base.rssKB) / rooms.length,
      retainedKBPerRoom: (retained.rssKB - base.rssKB) / rooms.length,
      idleWaitS,
    }
  } finally {
    await lg.call({ op: 'close' })
    await stop(srv)
  }
}

interface WaveRooms {
  rooms: string[]
  sizes: number[]
}

interface WaveOptions {
  arrivalMs: number
  /** Clients reconnect holding each document minus its tail. */
  held: boolean
  /** Encoded size of each stored content size, from populate. */
  contentBytes: Record<string, number>
}

/** One wave of W3: opens each room once (open-loop arrivals) and reads the server and our CPU. */
async function openWave(
  ctx: Ctx,
  srv: ServerUnderTest,
  w: WaveRooms,
  opts: WaveOptions,
): Promise<ColdPhase> {
  const { lg, plan } = ctx
  await waitForQuiet(ctx, srv)
  const specs = w.rooms.map((room) => srv.clientSpec(newIds(1)[0], room))
  const expectBytes = w.sizes.map((size) => Math.floor(0.9 * (opts.contentBytes[size] ?? 0)))
  const cpu0 = sample(srv.proc.pid)
  const lg0 = sample(lg.pid)
  const busy0 = readCpuBusyMs()
  const t = performance.now()
  await srv.proc.probe('reset')
  const res = await lg.call({
    op: 'connect',
    clients: specs,
    arrivalMs: opts.arrivalMs,
    concurrency: specs.length,
    counting: false,
    timeoutMs: 20_000,
    ...(opts.held ? { held: { sizes: w.sizes, chunkBytes: plan.chunkBytes } } : { expectBytes }),
  })
  const eld = await srv.proc.probe('read')
  const cpu1 = sample(srv.proc.pid)
  const lg1 = sample(lg.pid)
  const seconds = (performance.now() - t) / 1000
  const own = new Map<number, number>()
  if (ctx.serverCore !== null) own.set(ctx.serverCore, cpu1.cpuMs - cpu0.cpuMs)
  if (ctx.loadgenCore !== null) own.set(ctx.loadgenCore, lg1.cpuMs - lg0.cpuMs)
  const other = otherLoadPct(busy0, readCpuBusyMs(), own, seconds)
  let contentAfterSync = 0
  const bySize: Record<string, number[]> = {}
  res.contentMs.forEach((ms, i) => {
    ;(bySize[w.sizes[i]] ??= []).push(ms)
    if (Number.isFinite(ms) && ms > res.ttfcMs[i]) contentAfterSync++
  })
  const ttfcBySize: Record<string, LatencySummary> = {}
  for (const { bytes } of W3_SIZE_MIX)
    if (bySize[bytes]) ttfcBySize[bytes] = quantiles(bySize[bytes])
  const loadgenCpuPct = ((lg1.cpuMs - lg0.cpuMs) / (seconds * 1000)) * 100
  return {
    rooms: specs.length,
    arrivalMs: opts.arrivalMs,
    reconnecting: opts.held,
    ttfc: quantiles(res.contentMs),
    ttfcBySize,
    firstSync: quantiles(res.ttfcMs),
    step2Bytes: quantiles(res.step2Bytes.filter((b) => b > 0)),
    contentAfterSync,
    contentMissing: res.contentMs.filter((ms) => !Number.isFinite(ms)).length,
    failures: res.failures,
    eldP99Ms: eld?.eldP99Ms ?? NaN,
    eldMaxMs: eld?.eldMaxMs ?? NaN,
    elu: eld?.elu ?? NaN,
    cpuMs: cpu1.cpuMs - cpu0.cpuMs,
    otherLoadPct: ctx.serverCore === null ? NaN : other[`cpu${ctx.serverCore}`],
    loadgenCpuPct,
    loadgenSaturated: isSaturated({ cpuPct: loadgenCpuPct }),
  }
}
