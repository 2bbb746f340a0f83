/**
 * W3, cold load: rooms of mixed sizes are stored, the server restarts on the same data, and every
 * room is opened once.
 */
import type { LatencySummary } from './loadgen/histogram'
import { quantiles, waitForQuiet } from './measure'
import { w3SizeOf, W3_SIZE_MIX } from './plan'
import { dirBytes, otherLoadPct, readCpuBusyMs, sample } from './procStats'
import type { ServerAdapter } from './servers/adapters'
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
}

export interface ColdLoadFigures {
  rooms: number
  storedBytes: number
  populateS: number
  paced: ColdPhase
  storm: ColdPhase
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
  const srv = await start(ctx, adapter, 'disk', dataDir)
  try {
    await sleep(300)
    const base = await settledMemory(srv)
    const cut = Math.min(plan.w3.pacedRooms, rooms.length)
    const wave = async (from: number, to: number, arrivalMs: number): Promise<ColdPhase> => {
      await waitForQuiet(ctx, srv)
      const specs = rooms.slice(from, to).map((room) => srv.clientSpec(newIds(1)[0], room))
      const sizesOf = sizes.slice(from, to)
      const expectBytes = sizesOf.map((size) => Math.floor(0.9 * (contentBytes[size] ?? 0)))
      const cpu0 = sample(srv.proc.pid)
      const busy0 = readCpuBusyMs()
      const t = performance.now()
      await srv.proc.probe('reset')
      const res = await lg.call({
        op: 'connect',
        clients: specs,
        arrivalMs,
        concurrency: specs.length,
        counting: false,
        timeoutMs: 20_000,
        expectBytes,
      })
      const eld = await srv.proc.probe('read')
      const cpu1 = sample(srv.proc.pid)
      const seconds = (performance.now() - t) / 1000
      const own = new Map<number, number>()
      if (ctx.serverCore !== null) own.set(ctx.serverCore, cpu1.cpuMs - cpu0.cpuMs)
      const other = otherLoadPct(busy0, readCpuBusyMs(), own, seconds)
      let contentAfterSync = 0
      const bySize: Record<string, number[]> = {}
      res.contentMs.forEach((ms, i) => {
        ;(bySize[sizesOf[i]] ??= []).push(ms)
        if (Number.isFinite(ms) && res.step2Bytes[i] < expectBytes[i]) contentAfterSync++
      })
      const ttfcBySize: Record<string, LatencySummary> = {}
      for (const { bytes } of W3_SIZE_MIX)
        if (bySize[bytes]) ttfcBySize[bytes] = quantiles(bySize[bytes])
      return {
        rooms: specs.length,
        arrivalMs,
        ttfc: quantiles(res.contentMs),
        ttfcBySize,
        firstSync: quantiles(res.ttfcMs),
        contentAfterSync,
        contentMissing: res.contentMs.filter((ms) => !Number.isFinite(ms)).length,
        failures: res.failures,
        eldP99Ms: eld?.eldP99Ms ?? NaN,
        eldMaxMs: eld?.eldMaxMs ?? NaN,
        elu: eld?.elu ?? NaN,
        cpuMs: cpu1.cpuMs - cpu0.cpuMs,
        otherLoadPct: ctx.serverCore === null ? NaN : other[`cpu${ctx.serverCore}`],
      }
    }
    ctx.log(`  W3 cold load: ${cut} rooms paced, then ${rooms.length - cut} at once`)
    const paced = await wave(0, cut, plan.w3.pacedMs)
    const storm = await wave(cut, rooms.length, plan.w3.stormMs)
    const loaded = await settledMemory(srv)
    await lg.call({ op: 'close' })
    const idleWaitS = plan.w3.waitForUnload
      ? Math.max(plan.w3.idleWaitS, adapter.idleUnloadS + 3)
      : plan.w3.idleWaitS
    await sleep(idleWaitS * 1000)
    const retained = await settledMemory(srv)
    return {
      rooms: rooms.length,
      storedBytes,
      populateS,
      paced,
      storm,
      loadedKBPerRoom: (loaded.rssKB - base.rssKB) / rooms.length,
      retainedKBPerRoom: (retained.rssKB - base.rssKB) / rooms.length,
      idleWaitS,
    }
  } finally {
    await lg.call({ op: 'close' })
    await stop(srv)
  }
}
