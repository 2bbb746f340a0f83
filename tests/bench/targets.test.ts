/** The report never gives a verdict on a figure the load generator capped, and marks it. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { RunRow } from './measure'
import { CAPPED } from './reportFormat'
import type { Results, ServerResults } from './results'
import { lightRatios, likeForLike, likeForLikeTable } from './targets'
import type { ServerKind } from './servers/adapters'

const test = suite('bench targets')

/** A light-load row with the given p99 and load-generator CPU. */
function row(server: ServerKind, p99: number, lgCpuPct = 10): RunRow {
  const latency = { count: 1000, p50: p99 / 2, p95: p99, p99, max: p99, mean: p99 / 2 }
  return {
    workload: 'light',
    server,
    storage: 'memory',
    seconds: 10,
    offeredUpdatesPerSec: 600,
    sentUpdatesPerSec: 600,
    latency,
    delivered: 30_000,
    expected: 30_000,
    deliveredRatio: 1,
    presence: null,
    deliveredPerSec: 3_000,
    serverCpuPct: 10,
    serverCpuUsPerMsg: 10,
    serverEld: null,
    serverRssKB: 100_000,
    writeBytesPerSec: 0,
    otherLoadPct: { cpu0: 0, cpu1: 0 },
    quietWaitS: 0,
    attempts: 1,
    loadgen: { cpuPct: lgCpuPct, cpuUsPerMsg: 10, eldP99Ms: 1, elu: 0.1, saturated: lgCpuPct > 85 },
    echoes: 0,
    outOfOrder: 0,
    closes: {},
    errors: [],
  }
}

const server = (kind: ServerKind, light: Array<RunRow | null>): ServerResults => ({
  kind,
  label: kind,
  defaultStorage: 'memory',
  light,
  errors: [],
})

function results(codejuryLgCpu: number): Results {
  return {
    meta: {
      mode: 'full',
      startedAt: '',
      durationS: 0,
      node: '',
      cpu: '',
      cores: 2,
      pinning: '',
      notes: [],
    },
    servers: [
      server('stock', [row('stock', 10), row('stock', 12), row('stock', 20)]),
      server('hocuspocus', [row('hocuspocus', 8), row('hocuspocus', 30), null]),
      server('codejury', [
        row('codejury', 4),
        row('codejury', 6, codejuryLgCpu),
        row('codejury', 10),
      ]),
    ],
  }
}

test('compares the light load’s median round with the best other’s, round by round', () => {
  const r = results(10)
  // per round: 4/8, 6/12, 10/20 → all 0.5
  assert.equal(lightRatios(r), { median: 0.5, min: 0.5, max: 0.5 })
  const light = likeForLike(r).find((t) => t.name.startsWith('Light'))!
  assert.is(light.codejury, 6)
  // Hocuspocus ran two rounds (8, 30): its median round is the lower middle, a real round
  assert.is(light.best, 8)
  assert.is(light.bestServer, 'hocuspocus')
  assert.is(light.met, true)
  assert.not.ok(likeForLikeTable(r).includes(CAPPED))
})

test('gives no verdict on a light load whose rounds the load generator capped, and marks it', () => {
  const r = results(95)
  const light = likeForLike(r).find((t) => t.name.startsWith('Light'))!
  assert.is(light.capped, true)
  assert.is(light.met, null)
  const md = likeForLikeTable(r)
  assert.ok(md.includes(`6.00 ${CAPPED}`), md)
  assert.ok(md.includes('n/a (capped'), md)
  // the mark sits on the capped figure only: the best other's cell is clean
  const line = md.split('\n').find((l) => l.startsWith('| Light'))!
  assert.ok(line.includes(`| 8.00 (hocuspocus) |`), line)
})

test.run()
