/**
 * The churn run (the target: no growth over a 30-minute churn run). Cohorts of clients keep
 * arriving in rooms, editing with presence, and leaving; rooms load, fill, empty and (on servers
 * that unload) unload, over and over. Memory after a forced GC is sampled every minute. A leak in
 * the life cycle of a room or a connection shows as a heap that keeps rising; content cannot
 * explain a rise, because every cohort goes to rooms nobody has used yet and leaves behind the
 * same amount.
 */
import { nowUs } from './loadgen/benchClient'
import type { ServerAdapter } from './servers/adapters'
import { newIds, settledMemory, sleep, start, stop, type Ctx } from './workloads'

export interface ChurnPlan {
  minutes: number
  /** A new cohort arrives every stepS seconds and stays lifeSteps steps. */
  stepS: number
  lifeSteps: number
  roomsPerCohort: number
  clientsPerRoom: number
  /** Edits per client per second, each with a cursor move. */
  ratePerSec: number
  sampleEveryS: number
}

export interface ChurnSample {
  atS: number
  rssKB: number
  heapKB: number
  clients: number
}

export interface ChurnFigures {
  plan: ChurnPlan
  samples: ChurnSample[]
  roomsVisited: number
  clientsOpened: number
  connectFailures: number
  /** Least-squares slope of the heap over the second half of the run. */
  heapSlopeKBPerMin: number
  rssSlopeKBPerMin: number
  /** Mean of the last quarter's samples against the mean of the second quarter's. */
  heapLastVsEarly: number
  rssLastVsEarly: number
}

function slopePerMin(points: Array<[number, number]>): number {
  const n = points.length
  if (n < 2) return NaN
  const mx = points.reduce((a, p) => a + p[0], 0) / n
  const my = points.reduce((a, p) => a + p[1], 0) / n
  let num = 0
  let den = 0
  for (const [x, y] of points) {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  }
  return den === 0 ? NaN : (num / den) * 60
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

export async function sessionChurn(ctx: Ctx, adapter: ServerAdapter, plan: ChurnPlan): Promise<ChurnFigures> {
  const { lg } = ctx
  const steps = Math.max(1, Math.round((plan.minutes * 60) / plan.stepS))
  const srv = await start(ctx, adapter, adapter.defaultStorage)
  try {
    // every cohort gets rooms of its own, so rooms end every visit the same size
    const rooms = await srv.createRooms('churn', steps * plan.roomsPerCohort)
    const cohorts: number[][] = []
    const samples: ChurnSample[] = []
    let clientsOpened = 0
    let connectFailures = 0
    const active = () => cohorts.reduce((n, c) => n + c.length, 0)
    const t0 = performance.now()
    const elapsedS = () => (performance.now() - t0) / 1000
    let nextSampleS = 0
    for (let step = 0; step < steps; step++) {
      const stepStart = performance.now()
      const cohortRooms = rooms.slice(step * plan.roomsPerCohort, (step + 1) * plan.roomsPerCohort)
      const specs = cohortRooms.flatMap((room) =>
        newIds(plan.clientsPerRoom).map((id) => srv.clientSpec(id, room)),
      )
      const res = await lg.call({
        op: 'connect',
        clients: specs,
        arrivalMs: 1_000,
        concurrency: 50,
        counting: false,
        timeoutMs: 30_000,
      })
      connectFailures += res.failures.length
      clientsOpened += specs.length
      cohorts.push(specs.map((s) => s.id))
      if (cohorts.length > plan.lifeSteps) await lg.call({ op: 'close', ids: cohorts.shift()! })
      // send for this step; windows outside any measurement, so nothing is counted
      const startUs = nowUs() + 50_000
      await lg.call({
        op: 'run',
        senders: cohorts.flat(),
        ratePerSec: plan.ratePerSec,
        presence: true,
        startUs,
        fromUs: 0,
        toUs: startUs + plan.stepS * 1e6,
      })
      if (elapsedS() >= nextSampleS) {
        const mem = await settledMemory(srv)
        samples.push({ atS: Math.round(elapsedS()), rssKB: mem.rssKB, heapKB: mem.heapKB, clients: active() })
        ctx.log(
          `  churn ${(elapsedS() / 60).toFixed(1)} min: heap ${(mem.heapKB / 1024).toFixed(1)} MB, RSS ${(mem.rssKB / 1024).toFixed(0)} MB, ${active()} clients`,
        )
        nextSampleS += plan.sampleEveryS
      }
      const left = plan.stepS * 1000 - (performance.now() - stepStart)
      if (left > 0) await sleep(left)
    }
    for (const ids of cohorts) await lg.call({ op: 'close', ids })
    const end = await settledMemory(srv)
    samples.push({ atS: Math.round(elapsedS()), rssKB: end.rssKB, heapKB: end.heapKB, clients: 0 })
    // samples with clients between two fractions of the run
    const q = (from: number, to: number) =>
      samples.filter((s) => s.clients > 0 && s.atS >= from * plan.minutes * 60 && s.atS < to * plan.minutes * 60)
    const half = q(0.5, 1.01)
    const early = q(0.25, 0.5)
    const last = q(0.75, 1.01)
    return {
      plan,
      samples,
      roomsVisited: steps * plan.roomsPerCohort,
      clientsOpened,
      connectFailures,
      heapSlopeKBPerMin: slopePerMin(half.map((s) => [s.atS, s.heapKB])),
      rssSlopeKBPerMin: slopePerMin(half.map((s) => [s.atS, s.rssKB])),
      heapLastVsEarly: mean(last.map((s) => s.heapKB)) / mean(early.map((s) => s.heapKB)),
      rssLastVsEarly: mean(last.map((s) => s.rssKB)) / mean(early.map((s) => s.rssKB)),
    }
  } finally {
    await lg.call({ op: 'close' })
    await stop(srv)
  }
}
