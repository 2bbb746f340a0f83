/**
 * Turns the results into the markdown printed on stdout: one table per figure, then issue 4's
 * targets as ratios.
 */
import type { LatencySummary } from './loadgen/histogram'
import { noiseOf, NOISY_PCT, type RunRow } from './measure'
import type { ServerKind } from './servers/adapters'
import type { ColdLoadFigures, ColdPhase } from './coldLoad'
import type { W1Session, W2Session } from './workloads'
import type { ChurnFigures } from './churn'

/** Everything one server produced in a run; a missing session means it was skipped or failed. */
export interface ServerResults {
  kind: ServerKind
  label: string
  defaultStorage: string
  w1?: W1Session
  w2?: W2Session
  w4?: RunRow
  w3?: ColdLoadFigures
  churn?: ChurnFigures
  errors: string[]
}

export interface Results {
  meta: {
    mode: string
    startedAt: string
    durationS: number
    node: string
    cpu: string
    cores: number
    pinning: string
    notes: string[]
  }
  servers: ServerResults[]
}

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a')
const ms = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : 'n/a')
const pct = (x: number) =>
  Number.isFinite(x) ? `${(x * 100).toFixed(x >= 0.9995 && x < 1 ? 2 : 1)}%` : 'n/a'
const kb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(0)}` : 'n/a')

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

function runRows(results: Results): RunRow[] {
  const rows: RunRow[] = []
  for (const s of results.servers) {
    if (s.w1) rows.push(s.w1.w1, s.w1.w1Presence)
    if (s.w4) rows.push(s.w4)
    if (s.w2) {
      rows.push(s.w2.tenWriters, s.w2.allWriting)
      if (s.w2.joins) rows.push(s.w2.joins.writers)
    }
  }
  const order = ['W1', 'W1+presence', 'W4', 'W2']
  const rank = (w: string) => order.findIndex((p) => w.startsWith(p))
  const serverRank = (k: string) => results.servers.findIndex((s) => s.kind === k)
  return rows.sort(
    (a, b) =>
      rank(a.workload) - rank(b.workload) ||
      a.workload.localeCompare(b.workload) ||
      serverRank(a.server) - serverRank(b.server),
  )
}

/** Other processes' CPU on the server's core / the load generator's core. */
function otherCpu(r: RunRow): string {
  const v = Object.values(r.otherLoadPct ?? {})
  return v.length ? v.map((x) => `${f(x, 0)}%`).join(' / ') : 'n/a'
}

function notes(r: RunRow): string {
  const out: string[] = []
  if (r.presence) {
    out.push(
      `presence p99 ${ms(r.presence.latency.p99)} ms, ${pct(r.presence.delivered / r.presence.expected)} delivered`,
    )
  }
  const sent = r.sentUpdatesPerSec * r.seconds
  if (r.echoes) out.push(`echoes ${pct(r.echoes / sent)} of edits to their author`)
  if (r.outOfOrder) out.push(`${r.outOfOrder} out of order`)
  const closes = Object.entries(r.closes)
  if (closes.length) out.push(`closes ${closes.map(([c, n]) => `${c}×${n}`).join(' ')}`)
  if (r.loadgen.elu > 0.9 || r.loadgen.cpuPct > 85) out.push('**load generator saturated**')
  if (Object.values(r.otherLoadPct ?? {}).some((x) => x > NOISY_PCT))
    out.push('**other processes busy: noisy**')
  if (r.attempts > 1) out.push(`quietest of ${r.attempts} windows`)
  if (r.errors.length) out.push(r.errors[0])
  return out.join('; ')
}

function latencyTable(results: Results): string {
  return table(
    [
      'workload',
      'server',
      'storage',
      'updates/s',
      'delivered',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'srv CPU',
      'µs CPU/msg',
      'ELD p99/max ms',
      'RSS MB',
      'disk KB/s',
      'LG CPU',
      'LG µs/msg',
      'LG ELD p99 ms',
      'other CPU',
      'notes',
    ],
    runRows(results).map((r) => [
      r.workload,
      r.server,
      r.storage,
      f(r.sentUpdatesPerSec, 0),
      `${pct(r.deliveredRatio)} of ${r.expected}`,
      ms(r.latency.p50),
      ms(r.latency.p95),
      ms(r.latency.p99),
      ms(r.latency.max),
      `${f(r.serverCpuPct, 0)}%`,
      f(r.serverCpuUsPerMsg, 1),
      r.serverEld ? `${ms(r.serverEld.p99Ms)} / ${ms(r.serverEld.maxMs)}` : 'n/a',
      f(r.serverRssKB / 1024, 0),
      r.storage === 'disk' ? kb(r.writeBytesPerSec) : '–',
      `${f(r.loadgen.cpuPct, 0)}%`,
      f(r.loadgen.cpuUsPerMsg, 1),
      ms(r.loadgen.eldP99Ms),
      otherCpu(r),
      notes(r),
    ]),
  )
}

function validationTable(results: Results): string {
  const rows = results.servers
    .filter((s) => s.w1?.validation)
    .map((s) => {
      const v = s.w1!.validation!
      return [
        s.kind,
        v.provider,
        `${v.benchSent} + ${v.providerSent}`,
        `${v.providerSawBenchEdits}/${v.providerExpectedBenchEdits}`,
        pct(v.benchDeliveredRatio),
        v.serverStateMissing === 0 ? 'yes' : `${v.serverStateMissing} missing`,
        v.converged ? 'yes' : 'NO',
        `${ms(v.benchLatency.p50)} / ${ms(v.providerLatency.p50)}`,
        v.ok ? 'ok' : '**FAILED**',
      ]
    })
  return table(
    [
      'server',
      'real provider',
      'edits bench + provider',
      'provider saw bench edits',
      'bench got all',
      'server state has all',
      'converged',
      'p50 bench / provider ms',
      'check',
    ],
    rows,
  )
}

function memoryTable(results: Results): string {
  return table(
    [
      'server',
      'idle process MB',
      'per idle room KB RSS / heap',
      'per extra connection KB RSS / heap',
      'W1 verify',
    ],
    results.servers
      .filter((s) => s.w1)
      .map((s) => {
        const m = s.w1!.memory
        const v = s.w1!.verify
        return [
          s.kind,
          f(m.baseKB / 1024, 0),
          `${f(m.perRoomKB, 1)} / ${f(m.perRoomHeapKB, 1)}`,
          `${f(m.perConnectionKB, 1)} / ${f(m.perConnectionHeapKB, 1)}`,
          v
            ? `${v.rooms} rooms, ${v.markersMissing} of ${v.markersExpected} edits missing`
            : 'n/a (no document)',
        ]
      }),
  )
}

function joinsTable(results: Results): string {
  return table(
    [
      'server',
      'joins',
      'doc KB',
      'time to content p50 ms',
      'p99 ms',
      'max ms',
      'failed',
      'writers p99 during ms',
      'server ELD max ms',
    ],
    results.servers
      .filter((s) => s.w2?.joins)
      .map((s) => {
        const j = s.w2!.joins!
        return [
          s.kind,
          `${j.joiners} in ${j.windowMs / 1000} s`,
          kb(j.docBytes),
          ms(j.ttfc.p50),
          ms(j.ttfc.p99),
          ms(j.ttfc.max),
          String(j.failures),
          ms(j.writers.latency.p99),
          j.writers.serverEld ? ms(j.writers.serverEld.maxMs) : 'n/a',
        ]
      }),
  )
}

function coldTable(results: Results): string {
  const p99Of = (c: ColdPhase, size: number) => ms(c.ttfcBySize[size]?.p99 ?? NaN)
  const rows: string[][] = []
  for (const s of results.servers) {
    const c = s.w3
    if (!c) continue
    for (const [name, phase] of [
      ['paced', c.paced],
      ['at once', c.storm],
    ] as const) {
      rows.push([
        s.kind,
        `${phase.rooms} ${name} in ${f(phase.arrivalMs / 1000, 1)} s`,
        ms(phase.ttfc.p50),
        ms(phase.ttfc.p99),
        ms(phase.ttfc.max),
        p99Of(phase, 40_000),
        p99Of(phase, 160_000),
        p99Of(phase, 640_000),
        ms(phase.firstSync.p99),
        String(phase.contentAfterSync),
        `${ms(phase.eldP99Ms)} / ${ms(phase.eldMaxMs)}`,
        String(phase.contentMissing),
        `${f(phase.otherLoadPct, 0)}%`,
        name === 'paced'
          ? `${f(c.storedBytes / 1e6, 1)} MB stored in ${f(c.populateS, 0)} s; ${f(c.loadedKBPerRoom, 0)} KB/room loaded, ${f(c.retainedKBPerRoom, 0)} KB/room ${c.idleWaitS} s after close`
          : '',
      ])
    }
  }
  return table(
    [
      'server',
      'rooms opened',
      'to content p50 ms',
      'p99 ms',
      'max ms',
      '40 KB p99',
      '160 KB p99',
      '640 KB p99',
      'first sync p99 ms',
      'content after sync',
      'ELD p99/max ms',
      'missing',
      'other CPU',
      'notes',
    ],
    rows,
  )
}

function rampTable(results: Results): string {
  return table(
    [
      'server',
      'steps: updates/s → p99 ms (delivered, load generator CPU)',
      'breaking point updates/s',
    ],
    results.servers
      .filter((s) => s.w1)
      .map((s) => {
        const r = s.w1!.ramp
        const steps = [s.w1!.w1, ...r.steps].map(
          (row) =>
            `${f(row.offeredUpdatesPerSec, 0)} → ${ms(row.latency.p99)} (${pct(row.deliveredRatio)}, LG ${f(row.loadgen.cpuPct, 0)}%, other ${otherCpu(row)})`,
        )
        const bp =
          r.brokeAt === null
            ? `≥ ${r.breakingPointUpdatesPerSec} (did not break)`
            : String(r.breakingPointUpdatesPerSec)
        return [s.kind, steps.join('; '), bp]
      }),
  )
}

interface Target {
  name: string
  /**
   * True when a row behind the codejury figure or the best other one was disturbed by other
   * processes.
   */
  noisy: boolean
  codejury: number
  best: number
  bestServer: string
  ratio: number
  met: boolean | null
  note: string
}

/** Issue 4's targets, codejury against the better of stock y-websocket and Hocuspocus. */
export function targets(results: Results): Target[] {
  const cj = results.servers.find((s) => s.kind === 'codejury')
  const others = results.servers.filter((s) => s.kind === 'stock' || s.kind === 'hocuspocus')
  const best = (pick: (s: ServerResults) => number | undefined, lowerIsBetter: boolean) => {
    let out = { value: NaN, server: 'n/a' }
    for (const s of others) {
      const v = pick(s)
      if (v === undefined || !Number.isFinite(v)) continue
      if (!Number.isFinite(out.value) || (lowerIsBetter ? v < out.value : v > out.value))
        out = { value: v, server: s.kind }
    }
    return out
  }
  const list: Target[] = []
  const add = (
    name: string,
    pick: (s: ServerResults) => number | undefined,
    lower: boolean,
    check: (cj: number, best: number) => boolean,
    noise: (s: ServerResults) => number = () => 0,
  ) => {
    const b = best(pick, lower)
    const c = cj ? (pick(cj) ?? NaN) : NaN
    const needsBaseline = check.length > 1
    const ok =
      !Number.isFinite(c) || (needsBaseline && !Number.isFinite(b.value)) ? null : check(c, b.value)
    const bestResults = others.find((s) => s.kind === b.server)
    const noisy =
      (cj ? noise(cj) : 0) > NOISY_PCT ||
      (needsBaseline && bestResults ? noise(bestResults) : 0) > NOISY_PCT
    list.push({
      name,
      noisy,
      codejury: c,
      best: b.value,
      bestServer: b.server,
      ratio: c / b.value,
      met: ok,
      note: '',
    })
  }
  const rowNoise = (r?: RunRow) => (r ? noiseOf(r) : 0)
  const rampNoise = (s: ServerResults) =>
    Math.max(0, ...(s.w1 ? [s.w1.w1, ...s.w1.ramp.steps].map(noiseOf) : []))
  const p99 = (r?: RunRow) => r?.latency.p99
  add(
    'W1 p99 ≤ 0.8 × best other and ≤ 10 ms',
    (s) => p99(s.w1?.w1),
    true,
    (c, b) => c <= 0.8 * b && c <= 10,
    (s) => rowNoise(s.w1?.w1),
  )
  add(
    'W1 delivered 100%',
    (s) => s.w1?.w1.deliveredRatio,
    false,
    (c) => c >= 1,
  )
  add(
    'Breaking point ≥ 1.25 × best other (updates/s)',
    (s) => s.w1?.ramp.breakingPointUpdatesPerSec,
    false,
    (c, b) => c >= 1.25 * b,
    rampNoise,
  )
  // a server that never broke only gives a lower bound: no verdict unless the bounds decide it
  const bp = list[list.length - 1]
  const unbroken = (kind: string) =>
    results.servers.find((s) => s.kind === kind)?.w1?.ramp.brokeAt === null
  if (bp.met === false && unbroken('codejury')) {
    bp.met = null
    bp.note = 'codejury did not break: extend ratesPerClient'
  }
  if (bp.met !== null && !(bp.best > 0)) {
    bp.met = null
    bp.note = 'the others broke at the first step'
  }
  if (bp.met === true && unbroken(bp.bestServer)) {
    bp.met = null
    bp.note = `${bp.bestServer} did not break: extend ratesPerClient`
  }
  add(
    'W2 all writing p99 ≤ 100 ms',
    (s) => p99(s.w2?.allWriting),
    true,
    (c) => c <= 100,
    (s) => rowNoise(s.w2?.allWriting),
  )
  add(
    'W3 (paced) 160 KB time to content p99 ≤ 50 ms',
    (s) => s.w3?.paced.ttfcBySize[160_000]?.p99,
    true,
    (c) => c <= 50,
    (s) => s.w3?.paced.otherLoadPct ?? 0,
  )
  add(
    'W3 (paced) no event-loop stall > 50 ms',
    (s) => s.w3?.paced.eldMaxMs,
    true,
    (c) => c <= 50,
    (s) => s.w3?.paced.otherLoadPct ?? 0,
  )
  add(
    'Durable storage costs ≤ 10% p99 (disk ÷ memory)',
    (s) => storageCost(s),
    true,
    (c) => c <= 1.1,
    (s) => Math.max(rowNoise(s.w1?.w1), rowNoise(s.w4)),
  )
  add(
    '≤ 100 KB per idle small room',
    (s) => s.w1?.memory.perRoomKB,
    true,
    (c) => c <= 100,
  )
  return list
}

function storageCost(s: ServerResults): number | undefined {
  if (!s.w1 || !s.w4) return undefined
  const rows = [s.w1.w1, s.w4]
  const disk = rows.find((r) => r.storage === 'disk')
  const mem = rows.find((r) => r.storage === 'memory')
  return disk && mem ? disk.latency.p99 / mem.latency.p99 : undefined
}

function targetsTable(results: Results): string {
  return table(
    ['target', 'codejury', 'best other', 'ratio', 'met'],
    targets(results).map((t) => [
      t.name,
      f(t.codejury, 2),
      `${f(t.best, 2)} (${t.bestServer})`,
      f(t.ratio, 2),
      t.met === null
        ? Number.isFinite(t.codejury)
          ? `n/a (${t.note || 'no baseline'})`
          : 'n/a (codejury not measured)'
        : `${t.met ? 'yes' : '**no**'}${t.noisy ? ' (noisy input: rerun on an idle machine)' : ''}`,
    ]),
  )
}

function churnTable(results: Results): string | null {
  const runs = results.servers.filter((s) => s.churn)
  if (!runs.length) return null
  const mb = (kbv: number) => (kbv / 1024).toFixed(1)
  return table(
    [
      'server',
      'minutes',
      'rooms visited',
      'clients opened (failed)',
      'heap MB: first sample → last with clients → after all left',
      'RSS MB, same',
      'heap slope, 2nd half KB/min',
      'last quarter ÷ second quarter, heap / RSS',
    ],
    runs.map((s) => {
      const c = s.churn!
      const withClients = c.samples.filter((x) => x.clients > 0)
      const first = withClients[0]
      const last = withClients[withClients.length - 1]
      const end = c.samples[c.samples.length - 1]
      return [
        s.label,
        f(c.plan.minutes, c.plan.minutes < 1 ? 1 : 0),
        String(c.roomsVisited),
        `${c.clientsOpened} (${c.connectFailures})`,
        first && last ? `${mb(first.heapKB)} → ${mb(last.heapKB)} → ${mb(end.heapKB)}` : 'n/a',
        first && last ? `${mb(first.rssKB)} → ${mb(last.rssKB)} → ${mb(end.rssKB)}` : 'n/a',
        f(c.heapSlopeKBPerMin, 0),
        `${f(c.heapLastVsEarly, 3)} / ${f(c.rssLastVsEarly, 3)}`,
      ]
    }),
  )
}

export function toMarkdown(results: Results): string {
  const churn = churnTable(results)
  const m = results.meta
  const errors = results.servers.flatMap((s) => s.errors.map((e) => `- ${s.kind}: ${e}`))
  return [
    `## codejury benchmark (${m.mode}, ${m.startedAt}, ${f(m.durationS, 0)} s)`,
    '',
    `Node ${m.node}, ${m.cpu}, ${m.cores} cores; ${m.pinning}. Latency: send → receipt at every other client of the room. ` +
      'CPU: server process user+sys per delivered message. LG: the load generator process. ' +
      'ELD: server event-loop delay beyond the 2 ms sampling interval. Memory: RSS after a forced GC. ' +
      "Other CPU: what other processes on the machine took from the server's / load generator's core in the window.",
    ...m.notes.map((n) => `- ${n}`),
    '',
    '### Fan-out latency and cost',
    latencyTable(results),
    '',
    '### Memory (after a forced GC; per room: idle rooms with one client each, empty document)',
    memoryTable(results),
    '',
    '### Ramp to the breaking point (W1 topology; p99 ≤ 100 ms and everything delivered)',
    rampTable(results),
    '',
    '### W2: joins on a large document while 10 clients write',
    joinsTable(results),
    '',
    '### W3: cold load of stored rooms (connect → stored content received; "first sync": connect → sync step 2)',
    coldTable(results),
    '',
    ...(churn
      ? [
          '### Churn: cohorts arrive in fresh rooms, edit with presence, leave (memory after a forced GC, sampled each minute)',
          churn,
          '',
        ]
      : []),
    '### Real-provider check (small scale)',
    validationTable(results),
    '',
    '### Issue 4 targets: codejury vs the better of y-websocket and Hocuspocus',
    targetsTable(results),
    ...(errors.length ? ['', '### Errors', ...errors] : []),
    '',
  ].join('\n')
}

export type { LatencySummary }
