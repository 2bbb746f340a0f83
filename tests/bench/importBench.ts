/**
 * Import benchmark (the import bar, docs/performance.md#data-and-execution): N tasks (10,000;
 * 500 in --quick) in one JSONL body through `POST /api/tasks/import` against a real codejury process on disk storage, as `npm start`
 * runs it. Reports the wall time of the request and the server's peak RSS (VmHWM) during it; then
 * what the import leaves for later: a stock client's time to `sync` on the first join of 100
 * imported tasks (each room is seeded and its first snapshot written then), the server's restart
 * on the imported data, and a later join of the same rooms (read from disk).
 * Run: node --import tsx tests/bench/importBench.ts [--quick] [--runs 3]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { ADAPTERS } from './servers/adapters'
import { freePort, spawnServer } from './servers/serverProcess'
import { connectPeer } from '../helpers/peer'
import { roomName } from '../../shared/roomNames'

/** What one import run measured. */
export interface ImportRun {
  tasks: number
  bodyMB: number
  seconds: number
  peakRssMB: number
  /** Time to `sync` for a stock client joining an imported task's workspace: first join (the room is seeded and its snapshot written), then a later join of the same room once unloaded. */
  firstJoinMs: number[]
  laterJoinMs: number[]
  /** Server start on the data directory with every imported task (reading the pack). */
  restartMs: number
}

/** How many imported tasks' rooms a run joins, first and again. */
const JOINS = 100

/** Joins a room with a stock provider and returns the time to its `sync` event. */
async function timeToSync(wsUrl: string, room: string, token: string): Promise<number> {
  const started = performance.now()
  const peer = connectPeer(wsUrl, room, token)
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no sync with ${room} in 20 s`)), 20_000)
      peer.provider.on('sync', (ok: boolean) => {
        if (!ok) return
        clearTimeout(timer)
        resolve()
      })
    })
    return performance.now() - started
  } finally {
    peer.destroy()
  }
}

/** A realistic task line: a markdown prompt, three candidates of ~20 lines each, seed tests. */
export function benchTaskLine(i: number): string {
  const body = Array.from({ length: 18 }, (_, k) => `    total += values[${k % 5}] * ${k}  # step ${k}`).join('\n')
  const code = (v: number) => `def solve_${i}(values):\n    total = ${v}\n${body}\n    return total\n`
  return JSON.stringify({
    id: `imp-${i}`,
    prompt: `# Task ${i}\n\nWrite \`solve_${i}(values)\` returning the weighted total of \`values\`.\n\nExplain edge cases.`,
    language: 'python',
    entry_point: `solve_${i}`,
    candidates: [
      { id: 'a', code: code(0), model: 'model-alpha' },
      { id: 'b', code: code(1), model: 'model-beta' },
      { id: 'c', code: code(2), model: 'model-gamma' },
    ],
    tests: `def test_empty():\n    assert solve_${i}([0, 0, 0, 0, 0]) == 0\n`,
    metadata: { source: 'bench', index: i },
  })
}

function peakRssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb / 1024
}

/** Starts a fresh server, imports `tasks` tasks in one request, and stops it. */
export async function runImport(tasks: number): Promise<ImportRun> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cj-importbench-'))
  const codejury = ADAPTERS.find((a) => a.kind === 'codejury')!
  const port = await freePort()
  const start = () =>
    spawnServer({
      args: ['server/main.ts'],
      nodeFlags: [...codejury.nodeFlags],
      // ROOM_IDLE_MS: joined rooms unload soon after, so the later joins load them from disk.
      env: { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: '0', STORAGE: 'disk', QUIET: '1', ROOM_IDLE_MS: '200' },
      cpu: null,
      readyTimeoutMs: 60_000,
    })
  let proc = await start()
  try {
    const token = readFileSync(path.join(dataDir, 'lead-token'), 'utf8').trim()
    const body = Array.from({ length: tasks }, (_, i) => benchTaskLine(i)).join('\n') + '\n'
    const t0 = performance.now()
    const res = await fetch(`http://127.0.0.1:${proc.port}/api/tasks/import?batch=bench`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body,
    })
    const json = (await res.json()) as { imported?: number }
    const seconds = (performance.now() - t0) / 1000
    if (res.status !== 200 || json.imported !== tasks) throw new Error(`import failed: ${res.status} ${JSON.stringify(json).slice(0, 300)}`)
    const peakRss = peakRssMB(proc.pid)
    const wsUrl = `ws://127.0.0.1:${proc.port}/ws`
    const rooms = Array.from({ length: JOINS }, (_, k) => roomName.workspace(`imp-${Math.floor(((k + 0.5) * tasks) / JOINS)}`))
    const firstJoinMs: number[] = []
    for (const room of rooms) firstJoinMs.push(await timeToSync(wsUrl, room, token))
    await proc.stop()
    const restarted = performance.now()
    proc = await start()
    const restartMs = performance.now() - restarted
    const laterJoinMs: number[] = []
    for (const room of rooms) laterJoinMs.push(await timeToSync(wsUrl, room, token))
    return { tasks, bodyMB: Buffer.byteLength(body) / 1024 / 1024, seconds, peakRssMB: peakRss, firstJoinMs, laterJoinMs, restartMs }
  } finally {
    await proc.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** The bar: 10,000 tasks in ≤ 5 s with the server under 300 MB. */
export const IMPORT_BAR = { seconds: 5, rssMB: 300 } as const

/** One run on one line: the import, then what it deferred. */
export function describeImport(run: ImportRun): string {
  return (
    `${run.tasks} tasks (${run.bodyMB.toFixed(1)} MB) in ${run.seconds.toFixed(2)} s, peak RSS ${run.peakRssMB.toFixed(0)} MB; ` +
    `restart ${run.restartMs.toFixed(0)} ms; time to sync, first join of a task ${pct(run.firstJoinMs)}, a later join ${pct(run.laterJoinMs)}`
  )
}

/** p50 / p99 of a list of milliseconds. */
function pct(xs: number[]): string {
  const sorted = [...xs].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return `p50 ${at(0.5).toFixed(1)} / p99 ${at(0.99).toFixed(1)} ms`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, runs: { type: 'string', default: '3' } } })
  const tasks = values.quick ? 500 : 10_000
  const runs: ImportRun[] = []
  for (let r = 0; r < Number(values.runs); r++) {
    const run = await runImport(tasks)
    runs.push(run)
    console.log(`run ${r + 1}: ${describeImport(run)}`)
  }
  const s = runs.map((r) => r.seconds)
  const m = runs.map((r) => r.peakRssMB)
  console.log(`range: ${Math.min(...s).toFixed(2)}–${Math.max(...s).toFixed(2)} s, peak RSS ${Math.min(...m).toFixed(0)}–${Math.max(...m).toFixed(0)} MB (bar: ≤ ${IMPORT_BAR.seconds} s, < ${IMPORT_BAR.rssMB} MB at 10,000)`)
}
