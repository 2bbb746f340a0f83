/**
 * Turns the results into the markdown printed on stdout: the like-for-like headline, one table per
 * figure, then the sync targets as ratios.
 */
import { NOISY_PCT, type RunRow } from './measure'
import { FULL } from './plan'
import { CAPPED_LEGEND, f, kb, mark, medianOf, ms, pct, rowSaturated, table } from './reportFormat'
import type { Results } from './results'
import { coldTable, joinsTable } from './joinTables'
import { likeForLikeTable, targetsTable } from './targets'

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
  if (rowSaturated(r)) out.push('**load generator saturated**')
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
      mark(ms(r.latency.p50), rowSaturated(r)),
      mark(ms(r.latency.p95), rowSaturated(r)),
      mark(ms(r.latency.p99), rowSaturated(r)),
      mark(ms(r.latency.max), rowSaturated(r)),
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

/** The light load: each server's median round and the range over rounds. */
function lightTable(results: Results): string {
  const range = (v: number[]) => {
    const m = medianOf(v)
    return `${ms(m.median)} (${ms(m.min)}–${ms(m.max)})`
  }
  return table(
    [
      'server',
      'storage',
      'rounds',
      'p50 ms: median round (range)',
      'p99 ms: median round (range)',
      'p99 ms per round',
      'delivered, worst round',
      'srv CPU, median',
      'LG CPU, max',
      'other CPU, max',
    ],
    results.servers
      .filter((s) => s.light?.some((r) => r))
      .map((s) => {
        const rows = s.light!.filter((r): r is RunRow => r !== null)
        const medianRound = (pick: (r: RunRow) => number) => {
          const m = medianOf(rows.map(pick)).median
          return rows.find((r) => pick(r) === m)
        }
        const p50Round = medianRound((r) => r.latency.p50)
        const p99Round = medianRound((r) => r.latency.p99)
        return [
          s.kind,
          rows[0].storage,
          `${rows.length} of ${s.light!.length}`,
          mark(range(rows.map((r) => r.latency.p50)), !!p50Round && rowSaturated(p50Round)),
          mark(range(rows.map((r) => r.latency.p99)), !!p99Round && rowSaturated(p99Round)),
          s.light!.map((r) => (r ? mark(ms(r.latency.p99), rowSaturated(r)) : 'failed')).join(', '),
          pct(Math.min(...rows.map((r) => r.deliveredRatio))),
          `${f(medianOf(rows.map((r) => r.serverCpuPct)).median, 0)}%`,
          `${f(Math.max(...rows.map((r) => r.loadgen.cpuPct)), 0)}%`,
          `${f(Math.max(0, ...rows.flatMap((r) => Object.values(r.otherLoadPct ?? {}))), 0)}%`,
        ]
      }),
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
            `${f(row.offeredUpdatesPerSec, 0)} → ${mark(ms(row.latency.p99), rowSaturated(row))} (${pct(row.deliveredRatio)}, LG ${f(row.loadgen.cpuPct, 0)}%, other ${otherCpu(row)})`,
        )
        // when the step that broke had a saturated load generator, the server may not be what broke
        const last = r.steps[r.steps.length - 1]
        const bp =
          r.brokeAt === null
            ? `≥ ${r.breakingPointUpdatesPerSec} (did not break)`
            : mark(String(r.breakingPointUpdatesPerSec), !!last && rowSaturated(last))
        return [s.kind, steps.join('; '), bp]
      }),
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

/** The whole report: the headline first, then every table, then the targets. */
export function toMarkdown(results: Results): string {
  const light = FULL.light // quick mode runs the same shape, in fewer and shorter rounds
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
    `- ${CAPPED_LEGEND}`,
    '',
    '### Like for like: codejury vs the better of y-websocket and Hocuspocus, same Node flags (p99)',
    likeForLikeTable(results),
    '',
    '### Fan-out latency and cost',
    latencyTable(results),
    '',
    '### Memory (after a forced GC; per room: idle rooms with one client each, empty document)',
    memoryTable(results),
    '',
    `### Light load: ${light.rooms} rooms × ${light.clients} clients × ${light.ratePerSec} edits/s, alternating rounds, a fresh process each`,
    lightTable(results),
    '',
    '### Ramp to the breaking point (W1 topology; p99 ≤ 100 ms and everything delivered)',
    rampTable(results),
    '',
    '### W2: joins on a large document while 10 clients write ("all but the tail": reconnecting, judged by the tail\'s arrival)',
    joinsTable(results),
    '',
    '### W3: cold load of stored rooms (connect → stored content, or for reconnecting clients the tail they lacked, received; "first sync": connect → sync step 2)',
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
    '### Targets: codejury vs the better of y-websocket and Hocuspocus',
    targetsTable(results),
    ...(errors.length ? ['', '### Errors', ...errors] : []),
    '',
  ].join('\n')
}

