/**
 * Distribution benchmark (the bar: 100,000 tasks × 2 over 50 annotators in ≤ 10 s). Against a real
 * codejury process on disk storage: 100,000 tasks imported in bodies of 10,000 lines, 50
 * annotators, then `POST /api/batches/bench/distribute {per_task: 2}` timed end to end; then work
 * starts on some tasks (their assignees edit the workspace over WebSocket, which moves them to
 * in_progress) and a second distribution over 40 of the 50 is timed. Side by side, the per-task
 * path: `POST /api/tasks/:id/assign` for 1,000 tasks one after another, on this code and, with
 * OLD_ROOT (default /work/main when it exists), on that checkout's server; reported per task and
 * as a ratio to the distribution's time per task.
 * Run: node --import tsx tests/bench/distributeBench.ts [--runs 3] [--tasks 100000] [--started 100]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { freePort, spawnServer } from './servers/serverProcess'
import type { ServerProcess } from './servers/serverProcess'
import { serverNodeFlags } from './servers/adapters'
import { benchTaskLine } from './importBench'
import { connectPeer } from '../helpers/peer'
import { waitFor } from '../helpers/waitFor'
import { roomName } from '../../shared/roomNames'
import { getWorkspace } from '../../shared/schema'

const IMPORT_LINES = 10_000
const ANNOTATORS = 50
const PER_TASK_CALLS = 1_000

interface Server {
  proc: ServerProcess
  base: string
  token: string
  dataDir: string
}

async function start(entry: string): Promise<Server> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cj-distbench-'))
  const port = await freePort()
  const proc = await spawnServer({
    args: [entry],
    nodeFlags: serverNodeFlags(), // npm start's flags, read from package.json, as every bench server gets
    env: { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: '0', STORAGE: 'disk', QUIET: '1', SANDBOX: 'off', WARM_UP: '0' },
    cpu: null,
    readyTimeoutMs: 60_000,
  })
  const token = readFileSync(path.join(dataDir, 'lead-token'), 'utf8').trim()
  return { proc, base: `http://127.0.0.1:${proc.port}`, token, dataDir }
}

async function stop(s: Server): Promise<void> {
  await s.proc.stop()
  rmSync(s.dataDir, { recursive: true, force: true })
}

async function call(s: Server, method: string, route: string, body?: unknown, token = s.token, type = 'application/json'): Promise<any> {
  const res = await fetch(s.base + route, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const json = await res.json().catch(() => null)
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`)
  return json
}

async function importAll(s: Server, tasks: number): Promise<void> {
  for (let from = 0; from < tasks; from += IMPORT_LINES) {
    const n = Math.min(IMPORT_LINES, tasks - from)
    const body = Array.from({ length: n }, (_, k) => benchTaskLine(from + k)).join('\n') + '\n'
    await call(s, 'POST', '/api/tasks/import?batch=bench&blind=0', body, s.token, 'application/x-ndjson')
  }
}

async function annotators(s: Server, n: number): Promise<{ id: string; token: string }[]> {
  const out: { id: string; token: string }[] = []
  for (let i = 0; i < n; i++) out.push(await call(s, 'POST', '/api/users', { name: `Annotator ${i}`, role: 'annotator' }))
  return out
}

function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

/** An assignee edits each task's workspace until the server has it in progress (started work). */
async function startWork(s: Server, ids: string[], people: Map<string, string>): Promise<void> {
  const wsUrl = `ws://127.0.0.1:${s.proc.port}/ws`
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(
      ids.slice(i, i + 10).map(async (id) => {
        const task = await call(s, 'GET', `/api/tasks/${id}`)
        const token = people.get(task.assignees[0])!
        const peer = connectPeer(wsUrl, roomName.workspace(id), token)
        try {
          await waitFor(() => peer.provider.synced, `${id} synced`, 20_000)
          getWorkspace(peer.doc).explanation.insert(0, 'started ')
          await waitFor(async () => (await call(s, 'GET', `/api/tasks/${id}`)).status === 'in_progress', `${id} in progress`, 20_000)
        } finally {
          peer.destroy()
        }
      }),
    )
  }
}

/** Milliseconds per task of `POST /api/tasks/:id/assign`, one call per task, on a server from `entry`. */
async function perTaskAssign(entry: string): Promise<number> {
  const s = await start(entry)
  try {
    await importAll(s, PER_TASK_CALLS)
    const [a, b] = await annotators(s, 2)
    const t0 = performance.now()
    for (let i = 0; i < PER_TASK_CALLS; i++) await call(s, 'POST', `/api/tasks/imp-${i}/assign`, { userIds: [a.id, b.id] })
    return (performance.now() - t0) / PER_TASK_CALLS
  } finally {
    await stop(s)
  }
}

interface Run {
  first: number
  second: number
  rss: number
  moved: number
  kept: number
  assignMs: number
  oldAssignMs: number | null
}

async function run(tasks: number, started: number, oldRoot: string | null): Promise<Run> {
  const s = await start('server/main.ts')
  let first: number
  let second: number
  let rss: number
  let moved: number
  let kept: number
  try {
    await importAll(s, tasks)
    const people = await annotators(s, ANNOTATORS)
    const ids = people.map((p) => p.id)
    let t0 = performance.now()
    const one = await call(s, 'POST', '/api/batches/bench/distribute', { annotators: ids, per_task: 2 })
    first = (performance.now() - t0) / 1000
    rss = rssMB(s.proc.pid)
    const loads = one.loads.map((l: { tasks: number }) => l.tasks)
    if (one.tasks !== tasks || Math.max(...loads) - Math.min(...loads) > 1) throw new Error(`unbalanced: ${JSON.stringify(one).slice(0, 300)}`)
    const step = Math.floor(tasks / started)
    await startWork(s, Array.from({ length: started }, (_, k) => `imp-${k * step}`), new Map(people.map((p) => [p.id, p.token])))
    t0 = performance.now()
    const two = await call(s, 'POST', '/api/batches/bench/distribute', { annotators: ids.slice(0, 40), per_task: 2 })
    second = (performance.now() - t0) / 1000
    moved = two.moved
    kept = two.kept
  } catch (err) {
    console.error(`the server said:\n${s.proc.output()}`)
    throw err
  } finally {
    await stop(s)
  }
  const assignMs = await perTaskAssign('server/main.ts')
  const oldAssignMs = oldRoot ? await perTaskAssign(path.join(oldRoot, 'server/main.ts')) : null
  return { first, second, rss, moved, kept, assignMs, oldAssignMs }
}

const range = (xs: number[], digits = 2) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, tasks: { type: 'string', default: '100000' }, started: { type: 'string', default: '100' } } })
  const tasks = Number(values.tasks)
  const started = Number(values.started)
  const oldRoot = process.env.OLD_ROOT ?? (existsSync('/work/main/server/main.ts') ? '/work/main' : null)
  const runs: Run[] = []
  for (let i = 0; i < Number(values.runs); i++) {
    const r = await run(tasks, started, oldRoot)
    runs.push(r)
    console.log(
      `run ${i + 1}: distribute ${tasks} × 2 over ${ANNOTATORS}: ${r.first.toFixed(2)} s (RSS after ${r.rss.toFixed(0)} MB); ` +
        `again over 40 after ${started} started: ${r.second.toFixed(2)} s (kept ${r.kept}, moved ${r.moved}); ` +
        `per-task assign ${r.assignMs.toFixed(2)} ms/task` +
        (r.oldAssignMs === null ? '' : `, on ${oldRoot} ${r.oldAssignMs.toFixed(2)} ms/task`),
    )
  }
  const perTaskDistribute = runs.map((r) => (r.first * 1000) / tasks)
  console.log(`\ndistribute ${tasks} × 2 over ${ANNOTATORS}: ${range(runs.map((r) => r.first))} s (bar ≤ 10 s); server RSS after: ${range(runs.map((r) => r.rss), 0)} MB`)
  console.log(`second distribution (over 40, ${started} started): ${range(runs.map((r) => r.second))} s`)
  console.log(`per task: distribute ${range(perTaskDistribute, 4)} ms; POST /assign ${range(runs.map((r) => r.assignMs))} ms (${range(runs.map((r, i) => r.assignMs / perTaskDistribute[i]), 0)}×)`)
  const old = runs.map((r) => r.oldAssignMs).filter((x): x is number => x !== null)
  if (old.length) console.log(`POST /assign on ${oldRoot}: ${range(old)} ms per task (${range(old.map((o, i) => o / perTaskDistribute[i]), 0)}× a distribution's time per task)`)
}

await main()
