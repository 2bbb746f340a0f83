/**
 * `npm run bench:scale`: the light load (50 rooms × 6 clients × 2 edits/s) on several instances,
 * the clients of each room spread over them: codejury on files (one process, for reference), on
 * PostgreSQL + Redis with 1, 2 and 3 instances, and Hocuspocus with its Redis extension on 2. Per
 * configuration and round: latency (all receipts and cross-instance ones apart), RSS per instance,
 * and a ramp of the rate to the breaking point. Then kill -9 of one of two codejury instances
 * (killBench.ts). Configurations alternate round by round; results go to results/scale.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runKill, type KillFigures, type KillPlan } from './killBench'
import { LoadGenerator } from './loadgen/loadGenerator'
import { measure, type RunRow } from './measure'
import { FULL, QUICK } from './plan'
import { readCpuMs, readRssKB } from './procStats'
import { mergeResults, scaleMarkdown, type ScaleResults, type ScaleRound } from './scaleReport'
import { startCluster, type ClusterConfig } from './servers/cluster'
import { connectAll, newIds, type Ctx } from './workloads'

export const CONFIGS: ClusterConfig[] = [
  { name: 'codejury files ×1', kind: 'codejury', storage: 'disk', instances: 1 },
  { name: 'codejury pg ×1', kind: 'codejury', storage: 'postgres', instances: 1 },
  { name: 'codejury pg ×2', kind: 'codejury', storage: 'postgres', instances: 2 },
  { name: 'codejury pg ×3', kind: 'codejury', storage: 'postgres', instances: 3 },
  { name: 'Hocuspocus+Redis ×2', kind: 'hocuspocus', storage: 'memory', instances: 2 },
  // diagnostic, not a deployment: how much of the latency is waiting for PostgreSQL's WAL flush
  {
    name: 'codejury pg ×2, synchronous_commit off (diagnostic)',
    kind: 'codejury',
    storage: 'postgres',
    instances: 2,
    pgSettings: { synchronous_commit: 'off' },
  },
]

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '2' },
    configs: { type: 'string' },
    ramp: { type: 'string', default: '1,2,3,4,6,8,11,16,22,32' },
    'kill-rounds': { type: 'string', default: '2' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/scale.json', import.meta.url)) },
    report: { type: 'string' },
  },
})

if (values.report) {
  // re-render saved runs, several as one (comma-separated files): rounds and kill runs add up
  process.stdout.write(scaleMarkdown(mergeResults(values.report.split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')) as ScaleResults))))
  process.exit(0)
}

const base = values.quick ? QUICK : FULL
// a longer warm-up than `npm run bench`'s 2 s: new instances open their PostgreSQL pools and
// Redis reads during the first seconds of traffic, which is start-up, not the steady light load
const plan = { ...base, light: { ...base.light, warmupS: values.quick ? base.light.warmupS : 5 } }
const rounds = Number(values.rounds)
const killRounds = Number(values['kill-rounds'])
const rampRates = values.ramp ? values.ramp.split(',').map(Number) : []
const configs = values.configs
  ? CONFIGS.filter((c) => values.configs!.split(',').some((n) => c.name.includes(n)))
  : CONFIGS
const t0 = performance.now()
// latencies cross the IPC channel as JSON, where an empty histogram's NaN arrives as null
const ms = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(1) : '–')
const log = (m: string) => process.stderr.write(`[scale ${((performance.now() - t0) / 1000).toFixed(0)}s] ${m}\n`)

/** One configuration, one round: light window, RSS, then the ramp on the same connections. */
async function session(ctx: Ctx, config: ClusterConfig, round: number): Promise<ScaleRound> {
  const p = plan.light
  const cluster = await startCluster(config)
  try {
    const rooms = await cluster.createRooms(`scale${round}`, p.rooms)
    // client j of a room on instance j mod n: with 2 instances 3 of 5 receivers are elsewhere
    const specs = rooms.flatMap((room) => newIds(p.clients).map((id, j) => cluster.clientSpec(id, room, j % config.instances)))
    await connectAll(ctx, specs)
    const receiversByRoom = new Map(rooms.map((r) => [r, p.clients]))
    const srv = cluster.instances[0]
    const window = (workload: string, ratePerSec: number, warmupS: number, measureS: number) =>
      measure(ctx, srv, { workload, senders: specs.map((s) => s.id), ratePerSec, presence: false, warmupS, measureS, receiversByRoom })
    const cpu0 = cluster.instances.map((s) => readCpuMs(s.proc.pid))
    const w0 = performance.now()
    const light = await window(`light ${config.name}`, p.ratePerSec, p.warmupS, p.measureS)
    // each instance's CPU over the whole light call (warm-up and drain included), % of one core
    const cpuPct = cluster.instances.map((s, i) => ((readCpuMs(s.proc.pid) - cpu0[i]) / (performance.now() - w0)) * 100)
    const rssKB = cluster.instances.map((s) => readRssKB(s.proc.pid))
    const loadAvg = os.loadavg()[0]
    log(`  ${config.name}: p99 ${ms(light.latency.p99)} ms, cross p99 ${ms(light.cross?.latency.p99)} ms, RSS ${rssKB.map((k) => (k / 1024).toFixed(0)).join('/')} MB, CPU ${cpuPct.map((c) => c.toFixed(0)).join('/')}%, load ${loadAvg.toFixed(1)}`)
    const ramp: RunRow[] = []
    let breakingPoint = 0
    for (const rate of rampRates) {
      const row = await window(`ramp ${rate}/s ${config.name}`, rate, plan.ramp.warmupS, plan.ramp.measureS)
      ramp.push(row)
      const ok = row.latency.p99 <= plan.ramp.p99LimitMs && row.deliveredRatio >= 0.999
      log(`    ramp ${row.offeredUpdatesPerSec} edits/s: p99 ${ms(row.latency.p99)} ms, delivered ${(row.deliveredRatio * 100).toFixed(2)}%, LG CPU ${row.loadgen.cpuPct.toFixed(0)}%`)
      if (!ok) break
      breakingPoint = row.offeredUpdatesPerSec
    }
    // a window where the server closed clients (e.g. 1012 after a failed append) keeps the
    // instances' last output, so the cause can be read afterwards
    const closed = [light, ...ramp].some((r) => Object.keys(r.closes).length > 0)
    const outputs = closed ? cluster.instances.map((s) => s.proc.output().slice(-3000)) : undefined
    return { config: config.name, instances: config.instances, round, light, rssKB, cpuPct, loadAvg, ramp, breakingPoint, outputs }
  } finally {
    await ctx.lg.call({ op: 'close' })
    await cluster.stop()
  }
}

const lg = await LoadGenerator.start(null)
const ctx: Ctx = { lg, plan, serverCore: null, loadgenCore: null, noiseBudgetS: 0, log }
const results: ScaleRound[] = []
const kills: KillFigures[] = []
const errors: string[] = []
try {
  for (let round = 0; round < rounds; round++) {
    // alternate: each round starts with the next configuration
    const order = configs.map((_c, i) => configs[(i + round) % configs.length])
    for (const config of order) {
      log(`round ${round + 1}: ${config.name}`)
      try {
        results.push(await session(ctx, config, round))
      } catch (err) {
        errors.push(`${config.name} round ${round + 1}: ${(err as Error).message.split('\n').slice(0, 4).join(' ⏎ ')}`)
        log(errors[errors.length - 1])
      }
    }
  }
} finally {
  lg.stop()
}
const killPlan: KillPlan = {
  rooms: plan.light.rooms,
  clients: plan.light.clients,
  ratePerSec: plan.light.ratePerSec,
  beforeKillS: values.quick ? 3 : 8,
  afterBackS: values.quick ? 2 : 4,
}
for (let i = 0; i < killRounds; i++) {
  log(`kill -9 run ${i + 1}`)
  try {
    kills.push(await runKill(killPlan, log))
  } catch (err) {
    errors.push(`kill run ${i + 1}: ${(err as Error).message}`)
    log(errors[errors.length - 1])
  }
}
const out: ScaleResults = { meta: { mode: plan.mode, startedAt: new Date(Date.now() - (performance.now() - t0)).toISOString(), durationS: (performance.now() - t0) / 1000, rampRates, errors }, rounds: results, kills }
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
writeFileSync(values.out, JSON.stringify(out, null, 2) + '\n')
process.stdout.write(scaleMarkdown(out))
log(`wrote ${values.out}`)
