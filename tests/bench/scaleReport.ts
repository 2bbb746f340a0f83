/** The markdown tables of the several-instance bench (scaleBench.ts), from its results JSON. */
import type { KillFigures } from './killBench'
import type { RunRow } from './measure'

/** One configuration's round: the light window, RSS per instance, and its ramp. */
export interface ScaleRound {
  config: string
  instances: number
  round: number
  light: RunRow
  rssKB: number[]
  /** Each instance's CPU over the light window with its warm-up and drain, % of one core. */
  cpuPct: number[]
  /** The machine's 1-minute load average after the light window (2 cores; other work included). */
  loadAvg: number
  ramp: RunRow[]
  /** The instances' last output, kept when the server closed clients in a window. */
  outputs?: string[]
  /** Highest offered edits/s with p99 ≤ 100 ms and ≥ 99.9% delivered (0: the first step failed). */
  breakingPoint: number
}

export interface ScaleResults {
  meta: { mode: string; startedAt: string; durationS: number; rampRates: number[]; errors: string[] }
  rounds: ScaleRound[]
  kills: KillFigures[]
}

/** Bars of the brief: cross-instance p99 at the light load, edits lost, time to be back. */
export const SCALE_BARS = { crossP99Ms: 50, lostEdits: 0, backMs: 5_000 }

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–')

/** "median (min–max)" over rounds; the median of an even count is the lower middle, a real round. */
function span(xs: number[], digits = 1): string {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (!v.length) return '–'
  const mid = v[Math.floor((v.length - 1) / 2)]
  return v.length === 1 ? f(mid, digits) : `${f(mid, digits)} (${f(v[0], digits)}–${f(v[v.length - 1], digits)})`
}

const byConfig = (rounds: ScaleRound[]) => {
  const m = new Map<string, ScaleRound[]>()
  for (const r of rounds) m.set(r.config, [...(m.get(r.config) ?? []), r])
  return m
}

/** Per round, a ÷ b of the light p99 (all receipts), where both ran in that round. */
function ratios(rounds: ScaleRound[], a: string, b: string, pick: (r: ScaleRound) => number): number[] {
  const out: number[] = []
  for (const r of rounds.filter((x) => x.config === a)) {
    const other = rounds.find((x) => x.config === b && x.round === r.round)
    if (other) out.push(pick(r) / pick(other))
  }
  return out
}

/**
 * Several saved runs as one: rounds are renumbered so that a ratio still pairs configurations of
 * the same round of the same run.
 */
export function mergeResults(runs: ScaleResults[]): ScaleResults {
  let offset = 0
  const rounds: ScaleRound[] = []
  for (const run of runs) {
    const n = 1 + Math.max(-1, ...run.rounds.map((r) => r.round))
    rounds.push(...run.rounds.map((r) => ({ ...r, round: r.round + offset })))
    offset += n
  }
  return {
    meta: {
      mode: runs.map((r) => r.meta.mode).join('+'),
      startedAt: runs[0].meta.startedAt,
      durationS: runs.reduce((a, r) => a + r.meta.durationS, 0),
      rampRates: runs[runs.length - 1].meta.rampRates,
      errors: runs.flatMap((r) => r.meta.errors),
    },
    rounds,
    kills: runs.flatMap((r) => r.kills),
  }
}

export function scaleMarkdown(res: ScaleResults): string {
  const lines: string[] = []
  const groups = byConfig(res.rounds)
  lines.push(`## Several instances (${res.meta.mode}, ${new Date(res.meta.startedAt).toISOString()}, ${f(res.meta.durationS, 0)} s)`, '')
  lines.push('Light load: 50 rooms × 6 clients × 2 edits/s, client j of a room on instance j mod n. Latency send → receipt at the other clients of the room, ms: median round (range over rounds). "cross" counts only receipts on another instance than the sender.', '')
  lines.push('| configuration | rounds | p50 | p99 | cross p50 | cross p99 | cross p99 ≤ 50 ms | delivered | RSS per instance, MB | CPU per instance, % of a core | LG CPU % | load avg |')
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const [name, rs] of groups) {
    const cross = rs.map((r) => r.light.cross?.latency.p99 ?? NaN)
    const hasCross = rs.some((r) => (r.light.cross?.delivered ?? 0) > 0)
    const bar = hasCross ? (Math.max(...cross) <= SCALE_BARS.crossP99Ms ? 'met' : 'not met') : 'n/a (one instance)'
    lines.push(
      `| ${name} | ${rs.length} | ${span(rs.map((r) => r.light.latency.p50))} | ${span(rs.map((r) => r.light.latency.p99))} | ` +
        `${hasCross ? span(rs.map((r) => r.light.cross!.latency.p50)) : '–'} | ${hasCross ? span(cross) : '–'} | ${bar} | ` +
        `${span(rs.map((r) => r.light.deliveredRatio * 100), 2)}% | ${span(rs.flatMap((r) => r.rssKB.map((k) => k / 1024)), 0)} | ` +
        `${span(rs.flatMap((r) => r.cpuPct ?? []), 0)} | ${span(rs.map((r) => r.light.loadgen.cpuPct), 0)} | ${span(rs.map((r) => r.loadAvg ?? NaN))} |`,
    )
  }
  lines.push('')
  const p99 = (r: ScaleRound) => r.light.latency.p99
  const pairs: Array<[string, string]> = [
    ['codejury pg ×1', 'codejury files ×1'],
    ['codejury pg ×2', 'codejury pg ×1'],
    ['codejury pg ×3', 'codejury pg ×1'],
    ['codejury pg ×2', 'Hocuspocus+Redis ×2'],
  ]
  for (const [a, b] of pairs) {
    const rs = ratios(res.rounds, a, b, p99)
    if (rs.length) lines.push(`- p99 ${a} ÷ ${b}, same round: ${span(rs, 2)}`)
  }
  lines.push('', `Ramp (edits/s offered in total, steps ${res.meta.rampRates.join(', ')} per client, 300 clients): breaking point = highest step with p99 ≤ 100 ms and ≥ 99.9% delivered.`, '')
  lines.push('| configuration | breaking point, edits/s (per round) | step that broke: p99 ms, delivered, LG CPU % |')
  lines.push('|---|---|---|')
  for (const [name, rs] of groups) {
    const broke = rs.map((r) => {
      const last = r.ramp[r.ramp.length - 1]
      const failed = last && last.offeredUpdatesPerSec !== r.breakingPoint
      return failed ? `${last.offeredUpdatesPerSec}/s: ${f(last.latency.p99)}, ${f(last.deliveredRatio * 100, 2)}%, ${f(last.loadgen.cpuPct, 0)}` : 'none broke'
    })
    const first = (r: ScaleRound) => r.ramp[0]?.offeredUpdatesPerSec ?? NaN
    const point = (r: ScaleRound) => {
      if (!r.breakingPoint) return `< ${first(r)}`
      const last = r.ramp[r.ramp.length - 1]
      return last && last.offeredUpdatesPerSec === r.breakingPoint ? `≥ ${r.breakingPoint}` : String(r.breakingPoint)
    }
    lines.push(`| ${name} | ${rs.map(point).join(', ')} | ${broke.join('; ')} |`)
  }
  if (res.kills.length) {
    lines.push('', 'Kill -9 of one of two codejury instances (pg) under the light load, real y-websocket providers behind a TCP switch per instance. Acknowledged = relayed to another client before the kill; final state read by a fresh client of a fresh instance after both were killed (PostgreSQL alone).', '')
    lines.push('| run | acknowledged before kill | acknowledged lost (bar 0) | sent in all | sent lost | moved clients | all back, ms (bar ≤ 5000) | back p50, ms | closes seen | converged |')
    lines.push('|---|---|---|---|---|---|---|---|---|---|')
    res.kills.forEach((k, i) =>
      lines.push(`| ${i + 1} | ${k.acknowledgedBeforeKill} | ${k.acknowledgedLost} | ${k.sentTotal} | ${k.sentLost} | ${k.moved} | ${k.notBack ? `${k.notBack} never back` : f(k.allBackMs, 0)} | ${f(k.backP50Ms, 0)} | ${Object.entries(k.closesAfterKill ?? {}).map(([c, n]) => `${c}×${n}`).join(', ')} | ${k.converged ? 'yes' : 'no'} |`),
    )
  }
  res.kills.forEach((k, i) => {
    const slow = k.slowClients ?? []
    if (!slow.length) return
    const connected = slow.map((c) => c.connectedMs ?? NaN)
    const synced = slow.map((c) => c.syncedMs ?? NaN)
    lines.push(
      `- kill run ${i + 1}: ${slow.length} clients over 5 s; connection again after ${span(connected, 0)} ms, synced after ${span(synced, 0)} ms, ` +
        `connections opened ${span(slow.map((c) => c.opens), 0)}`,
    )
  })
  const killErrors = res.kills.flatMap((k, i) => k.errors.map((e) => `kill run ${i + 1}: ${e}`))
  const errors = [...res.meta.errors, ...killErrors]
  if (errors.length) lines.push('', 'Errors:', ...errors.map((e) => `- ${e}`))
  return lines.join('\n') + '\n'
}
