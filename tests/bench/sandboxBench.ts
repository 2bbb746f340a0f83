/**
 * The server sandbox's bars: a server run of a demo task (the reference solution and its four
 * candidates, each in a fresh sandboxed process) per language, cold (no warm pool) and warm;
 * finalize's latency with server runs when finalizes arrive one every 10 s (bar: p99 ≤ 2 s) and
 * one a second (reported); the warm pool's resident memory (summed over its processes) and the
 * server's. Beside every wall time it reports CPU time (the subjects' processes from their start,
 * read from /proc; the server's own from process.cpuUsage), which a loaded machine inflates far
 * less, and the load average before and after.
 * Run alone with `node --import tsx tests/bench/sandboxBench.ts [--quick] [--only runs|finalize]`
 * (about 3 minutes, 1 in --quick).
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import * as Y from 'yjs'
import { DEMO_TASKS } from '../../server/seed/demoTasks'
import { Sandbox } from '../../server/sandbox/sandbox'
import { roomName } from '../../shared/roomNames'
import { getWorkspace } from '../../shared/schema'
import type { TaskInput } from '../../shared/types'
import { api, importTasks, startServer } from '../helpers/server'
import type { Peer } from '../helpers/peer'
import { syncedPeer, waitForServerDoc, CRITERIA } from '../helpers/review'
import { waitFor } from '../helpers/waitFor'

/** The demo tasks measured, with the candidate whose code serves as the reference solution (the clean one). */
const MEASURED: { id: string; clean: string }[] = [
  { id: 'py-merge-intervals', clean: 'b' },
  { id: 'js-pair-sum', clean: 'b' },
]
/** Warm processes per runtime: one demo task's subjects. */
const POOL = 5

interface Plan {
  mode: 'quick' | 'full'
  taskRuns: number
  slowFinalizes: number
  fastFinalizes: number
}
const FULL: Plan = { mode: 'full', taskRuns: 6, slowFinalizes: 8, fastFinalizes: 10 }
const QUICK: Plan = { mode: 'quick', taskRuns: 3, slowFinalizes: 3, fastFinalizes: 5 }

const loadAverage = () => os.loadavg().map((l) => Math.round(l * 100) / 100)
const mb = (bytes: number) => Math.round(bytes / 2 ** 20)

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)])
}
const summary = (ms: number[]) => ({ n: ms.length, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), maxMs: Math.round(Math.max(...ms)) })

function demo(id: string): TaskInput {
  return DEMO_TASKS.find((t) => t.id === id)!
}

/** One server run of a task: the solution and every candidate at once, as the evidence service runs them. */
async function runTask(sandbox: Sandbox, task: TaskInput, solution: string): Promise<{ ms: number; cpuMs: number }> {
  const language = task.language as 'python' | 'javascript' | 'typescript'
  const started = performance.now()
  const subjects = [solution, ...task.candidates.map((c) => c.code)]
  const runs = await Promise.all(subjects.map((code) => sandbox.run({ language, code, tests: task.tests ?? '', timeoutMs: 5_000 })))
  const ms = performance.now() - started
  // The reference must at least have run its cases (an efficiency case may miss its limit on a loaded machine).
  if (runs[0].outcome.cases.length === 0) throw new Error(`the reference solution of ${task.id} did not run: ${JSON.stringify(runs[0].outcome)}`)
  return { ms, cpuMs: runs.reduce((sum, r) => sum + r.cpuMs, 0) }
}

async function taskRuns(plan: Plan) {
  const out: Record<string, unknown> = {}
  for (const { id, clean } of MEASURED) {
    const task = demo(id)
    const solution = task.candidates.find((c) => c.id === clean)!.code
    const runtime = task.language === 'python' ? 'python' : 'js'
    const cold = new Sandbox({ mode: 'auto', poolSize: 0 })
    const coldMs: number[] = []
    const coldCpu: number[] = []
    try {
      await cold.settled()
      for (let i = 0; i < plan.taskRuns; i++) {
        const r = await runTask(cold, task, solution)
        coldMs.push(r.ms)
        coldCpu.push(r.cpuMs)
      }
    } finally {
      cold.close()
    }
    const warm = new Sandbox({ mode: 'auto', poolSize: POOL })
    const warmMs: number[] = []
    const warmCpu: number[] = []
    let poolMB = 0
    try {
      await warm.settled()
      await runTask(warm, task, solution) // the first run starts the pools
      for (let i = 0; i < plan.taskRuns; i++) {
        await waitFor(() => warm.poolIdle()[runtime] >= POOL, `the ${runtime} pool to refill`, 120_000)
        poolMB = Math.max(poolMB, warm.poolMemoryBytes() / 2 ** 20)
        const r = await runTask(warm, task, solution)
        warmMs.push(r.ms)
        warmCpu.push(r.cpuMs)
      }
    } finally {
      warm.close()
    }
    // CPU of a warm run includes each process's start, done by the pool before the run began.
    out[id] = {
      cold: { ...summary(coldMs), cpuP50Ms: percentile(coldCpu, 50) },
      warm: { ...summary(warmMs), cpuP50Ms: percentile(warmCpu, 50) },
      warmPoolMB: Math.round(poolMB),
      poolSize: POOL,
      loadAverage: loadAverage(),
    }
    console.log(id, JSON.stringify(out[id]))
  }
  return out
}

/** A demo task copy whose workspace the lead completes: every candidate ranked and scored, the clean candidate as the solution. */
async function completeCopy(server: Awaited<ReturnType<typeof startServer>>, peers: Peer[], id: string, task: TaskInput, solution: string) {
  const peer = await syncedPeer(server, roomName.workspace(id), server.leadToken, peers)
  const ws = getWorkspace(peer.doc)
  peer.doc.transact(() => {
    ws.ranking.push(task.candidates.map((c) => c.id))
    for (const c of task.candidates) {
      const row = new Y.Map<number>()
      for (const k of CRITERIA) row.set(k, 3)
      ws.ratings.set(c.id, row)
    }
    ws.explanation.insert(0, 'Judged by the benchmark.')
    ws.solution.insert(0, solution)
  })
  const want = task.candidates.length
  await waitForServerDoc(server, roomName.workspace(id), (d) => getWorkspace(d).ratings.size >= want && getWorkspace(d).solution.length > 0, `${id} to be complete`)
}

async function finalizes(plan: Plan) {
  const server = await startServer({ config: { sandbox: 'auto', sandboxPool: POOL } })
  const peers: Peer[] = []
  try {
    const task = demo('py-merge-intervals')
    const solution = task.candidates.find((c) => c.id === 'b')!.code
    const total = 1 + plan.slowFinalizes + plan.fastFinalizes
    const ids = Array.from({ length: total }, (_, i) => `bench-${i}`)
    await importTasks(server, ids.map((id) => JSON.stringify({ ...task, id })).join('\n'), 'bench')
    for (const id of ids) await completeCopy(server, peers, id, task, solution)
    const sandbox = server.running.deps.evidence
    const finalize = async (id: string) => {
      const started = performance.now()
      const res = await api(server, server.leadToken, 'POST', `/api/tasks/${id}/finalize`, { override_note: 'benchmark' })
      const ms = performance.now() - started
      if (res.status !== 200 || res.body.evidence?.source !== 'server') throw new Error(`finalize ${id}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`)
      return ms
    }
    await finalize(ids[0]) // starts the pools
    await waitFor(() => sandbox.pool().idle.python >= POOL, 'the python pool to fill', 180_000)
    const poolMB = mb(sandbox.pool().memory_bytes)
    const serverMB = mb(process.memoryUsage().rss)
    /** Finalizes `list` one every `everyMs`; CPU per finalize: the subjects' processes, and this process (server and client). */
    const paced = async (list: string[], everyMs: number) => {
      const spent = sandbox.spentCpu()
      const cpu = process.cpuUsage()
      const pending: Promise<number>[] = []
      for (const id of list) {
        pending.push(finalize(id))
        // The last one is not followed by a pause: its latency is all that is left to wait for.
        if (id !== list[list.length - 1]) await new Promise((r) => setTimeout(r, everyMs))
      }
      const ms = await Promise.all(pending)
      const after = sandbox.spentCpu()
      const own = process.cpuUsage(cpu)
      return {
        ...summary(ms),
        sandboxCpuMsPerFinalize: Math.round((after.cpuMs - spent.cpuMs) / list.length),
        subjectsPerFinalize: (after.subjects - spent.subjects) / list.length,
        serverCpuMsPerFinalize: Math.round((own.user + own.system) / 1000 / list.length),
        loadAverage: loadAverage(),
      }
    }
    const slow = await paced(ids.slice(1, 1 + plan.slowFinalizes), 10_000)
    // The pool refills before the faster pace starts, as it would after a quiet spell.
    await waitFor(() => sandbox.pool().idle.python >= POOL, 'the python pool to refill', 180_000)
    const fast = await paced(ids.slice(1 + plan.slowFinalizes), 1_000)
    const out = { every10s: slow, every1s: fast, warmPoolMB: poolMB, serverRssMB: serverMB, serverRssAfterMB: mb(process.memoryUsage().rss), poolSize: POOL, barP99Ms: 2_000 }
    console.log('finalize', JSON.stringify(out))
    return out
  } finally {
    for (const p of peers) p.destroy()
    await server.stop()
  }
}

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } })
const plan = values.quick ? QUICK : FULL
const startedAt = performance.now()
const result = {
  mode: plan.mode,
  cores: os.availableParallelism(),
  loadAverageBefore: loadAverage(),
  taskRuns: values.only === 'finalize' ? null : await taskRuns(plan),
  finalize: values.only === 'runs' ? null : await finalizes(plan),
}
console.log(JSON.stringify({ ...result, loadAverageAfter: loadAverage(), benchSeconds: Math.round((performance.now() - startedAt) / 1000) }, null, 2))
