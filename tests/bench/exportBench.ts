/**
 * The export and finalize bars (docs/performance.md#data-and-execution): `GET /api/export` of
 * 1k and 10k finalized records (rows/s, and the server's RSS growth while it streams, which must
 * not grow with the number of records), and finalize's latency on top of 100 and of 10k stored
 * records (p99 ≤ 50 ms, flat).
 * Run alone with `node --import tsx tests/bench/exportBench.ts [--quick]`, or through
 * `npm run bench -- --workloads exports [--quick]`.
 */
import http from 'node:http'
import v8 from 'node:v8'
import vm from 'node:vm'
import { parseArgs } from 'node:util'
import { sealRecord } from '../../shared/record'
import type { ReviewRecord } from '../../shared/record'
import { roomName } from '../../shared/roomNames'
import { importTasks, startServer, taskLine } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import type { Peer } from '../helpers/peer'
import { act, completeWorkspace, syncedPeer } from '../helpers/review'

/** Sizes of one run: records at each export measurement, and finalizes timed at each store size. */
export interface ExportBenchPlan {
  mode: 'quick' | 'full'
  exportSizes: [number, number]
  finalizeBase: number
  finalizes: number
}

export const EXPORT_FULL: ExportBenchPlan = { mode: 'full', exportSizes: [1_000, 10_000], finalizeBase: 100, finalizes: 40 }
export const EXPORT_QUICK: ExportBenchPlan = { mode: 'quick', exportSizes: [200, 1_000], finalizeBase: 100, finalizes: 8 }

/** What one run measured. */
export interface ExportBenchResult {
  mode: string
  /** `cpuSeconds` is this process's CPU (server and reading client) over the export: wall time on a shared machine waits for other work. */
  exports: { records: number; format: string; rows: number; seconds: number; rowsPerS: number; cpuSeconds: number; mb: number; rssGrowthMB: number }[]
  finalize: { stored: number; p50Ms: number; p99Ms: number; maxMs: number }[]
}

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

const CODE = (i: number, c: number) =>
  `def solve(xs):\n    """Candidate ${c} of task ${i}."""\n` + '    total = 0\n    for x in xs:\n        total += x * x\n'.repeat(12) + '    return total\n'

/** A realistic finalized record (4 candidates of ~800 bytes, a rubric, ratings, runs): ~6 KB on disk. */
function benchRecord(i: number, finalizedAt = new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString()): ReviewRecord {
  const id = `r${String(i).padStart(6, '0')}`
  const ids = ['a', 'b', 'c', 'd']
  const rubric = ['correctness', 'efficiency', 'readability'].map((k) => ({ id: k, name: k, description: `How good is its ${k}?`, min: 1, max: 5 }))
  const ratings = Object.fromEntries(ids.map((c, n) => [c, Object.fromEntries(rubric.map((k) => [k.id, 5 - n]))]))
  return sealRecord({
    task_id: id,
    revision: 1,
    batch: i % 2 ? 'odd' : 'even',
    prompt: `# Task ${i}\n\nWrite \`solve(xs)\` returning the sum of squares.\n\n` + 'Handle empty lists and negative numbers. '.repeat(8),
    language: 'python',
    entry_point: 'solve',
    candidates: ids.map((c, n) => ({ id: c, code: CODE(i, n), model: `model-${c}` })),
    ranking: ids,
    ratings,
    explanation: 'A is exact and clear; B repeats work; C misses negatives; D fails on empty input. '.repeat(3),
    solution: CODE(i, 9),
    tests: 'def test_empty():\n    assert solve([]) == 0\n\ndef test_neg():\n    assert solve([-2]) == 4\n',
    runs: Object.fromEntries(ids.map((c, n) => [c, { status: n < 2 ? 'pass' : 'fail', passed: 2 - Math.min(n, 2), failed: Math.min(n, 2), total: 2 }])),
    derived_checks: { reference_passes: true, pass_rates: { a: 1, b: 1, c: 0.5, d: 0 }, ranking_agrees_with_runs: true, suite_fails_a_candidate: true },
    threads: [],
    ballots: [],
    participants: [{ user: 'u1', name: 'Ann', role: 'annotator', active_ms: 600_000 }],
    finalized_by: 'lead',
    finalized_at: finalizedAt,
    rubric,
  })
}

function fill(server: TestServer, from: number, to: number) {
  // Committed as a finalize commits them: signed, with an audit line each.
  const entry = { by: 'lead', by_name: 'Lead', role: 'lead', action: 'finalize', from: 'submitted', to: 'finalized' }
  const base = Date.UTC(2026, 10, 1)
  for (let i = from; i < to; i++) void server.running.deps.records.commit((at) => benchRecord(i, at), entry, new Date(base + i * 1000))
}

/** Streams one export, counting rows and bytes without keeping the body, and samples RSS meanwhile. */
async function measureExport(server: TestServer, records: number, format: string) {
  gc()
  const base = process.memoryUsage().rss
  let peak = base
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  // node:http without keep-alive: the long fills between exports outlive an idle pooled socket.
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(`${server.url}/api/export?format=${format}`, { agent: false, headers: { authorization: `Bearer ${server.leadToken}` } }, resolve).on('error', reject),
  )
  if (res.statusCode !== 200) throw new Error(`export answered ${res.statusCode}`)
  let rows = 0
  let bytes = 0
  for await (const chunk of res as AsyncIterable<Buffer>) {
    bytes += chunk.byteLength
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++
    peak = Math.max(peak, process.memoryUsage().rss)
  }
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  clearInterval(sampler)
  return { records, format, rows, seconds, rowsPerS: rows / seconds, cpuSeconds, mb: bytes / 1e6, rssGrowthMB: (peak - base) / 1e6 }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/** Finalizes `ids` through the real path (workspace completed by a peer, then POST finalize), timing the POST. */
async function measureFinalize(server: TestServer, ids: string[], stored: number) {
  const times: number[] = []
  for (const id of ids) {
    const peers: Peer[] = []
    try {
      const lead = await syncedPeer(server, roomName.workspace(id), server.leadToken, peers)
      await completeWorkspace(server, lead, id)
      const t0 = performance.now()
      const res = await act(server, server.leadToken, id, 'finalize')
      times.push(performance.now() - t0)
      if (res.status !== 200) throw new Error(`finalize ${id}: ${res.status} ${JSON.stringify(res.body)}`)
    } finally {
      for (const p of peers) p.destroy()
    }
  }
  times.sort((a, b) => a - b)
  return { stored, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: times[times.length - 1] }
}

/** One run of the export bench on a fresh server and data directory. */
export async function runExportBench(plan: ExportBenchPlan, log: (msg: string) => void = () => {}): Promise<ExportBenchResult> {
  const server = await startServer()
  const result: ExportBenchResult = { mode: plan.mode, exports: [], finalize: [] }
  try {
    const ids = Array.from({ length: plan.finalizes * 2 }, (_, i) => `f${i}`)
    await importTasks(server, ids.map((id) => taskLine(id)).join('\n'), 'bench')
    fill(server, 0, plan.finalizeBase)
    log(`finalize on ${plan.finalizeBase} stored records`)
    result.finalize.push(await measureFinalize(server, ids.slice(0, plan.finalizes), plan.finalizeBase))
    let stored = plan.finalizeBase
    for (const size of plan.exportSizes) {
      fill(server, stored, size)
      stored = size
      for (const format of ['dpo', 'kto', 'native']) {
        log(`export ${format} of ${size} records`)
        result.exports.push(await measureExport(server, size, format))
      }
    }
    log(`finalize on ${stored} stored records`)
    result.finalize.push(await measureFinalize(server, ids.slice(plan.finalizes), stored))
  } finally {
    await server.stop()
  }
  return result
}

/** The result as markdown tables. */
export function exportBenchMarkdown(r: ExportBenchResult): string {
  const lines = [
    `### Export (${r.mode})`,
    '',
    '| records | format | rows | s | rows/s | CPU s | rows per CPU s | MB | RSS growth while streaming (MB) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.exports.map((e) =>
      `| ${e.records} | ${e.format} | ${e.rows} | ${e.seconds.toFixed(2)} | ${Math.round(e.rowsPerS)} | ${e.cpuSeconds.toFixed(2)} | ${Math.round(e.rows / e.cpuSeconds)} | ${e.mb.toFixed(1)} | ${e.rssGrowthMB.toFixed(1)} |`),
    '',
    '| stored records | finalize p50 ms | p99 ms | max ms |',
    '|---|---|---|---|',
    ...r.finalize.map((f) => `| ${f.stored} | ${f.p50Ms.toFixed(1)} | ${f.p99Ms.toFixed(1)} | ${f.maxMs.toFixed(1)} |`),
    '',
  ]
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
  const r = await runExportBench(values.quick ? EXPORT_QUICK : EXPORT_FULL, (m) => process.stderr.write(`[export bench] ${m}\n`))
  process.stdout.write(exportBenchMarkdown(r))
  process.exit(0)
}
