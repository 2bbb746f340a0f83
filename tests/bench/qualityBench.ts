/**
 * Quality benchmark: `GET /api/quality?batch=` on a batch of N collaborative tasks (10,000 by
 * default), 1% of them gold, 50 annotators with time on every task (gold tasks worked on by one
 * person, the others by two), and a submit and a finalize line per task in the audit log. Reports
 * the first request (it loads every gold task's workspace room) and the later ones (rooms loaded),
 * and `GET /api/export/counts`, which leaves gold tasks out, over the same server.
 * Run: node --import tsx tests/bench/qualityBench.ts [--tasks 10000] [--runs 5] [--idle-ms 5000]
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { api, createUser, importTasks, startServer, taskLine, tempDir } from '../helpers/server'
import { waitFor } from '../helpers/waitFor'

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' }, 'idle-ms': { type: 'string', default: '5000' } } })
const N = Number(values.tasks)
const RUNS = Number(values.runs)
const IDLE_MS = Number(values['idle-ms'])
const ANNOTATORS = 50
const IMPORT_CHUNK = 10_000

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now()
  const out = await fn()
  return [performance.now() - t, out]
}

const range = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return `${Math.round(sorted[0])}–${Math.round(sorted[sorted.length - 1])} ms (p50 ${Math.round(sorted[(sorted.length - 1) >> 1])})`
}

async function main() {
  const dataDir = tempDir('codejury-quality-bench-')
  let server = await startServer({ dataDir })
  const ids = Array.from({ length: N }, (_, i) => `q${i}`)
  for (let i = 0; i < N; i += IMPORT_CHUNK) await importTasks(server, ids.slice(i, i + IMPORT_CHUNK).map((id) => taskLine(id)).join('\n'), 'q')
  const people: { id: string; name: string }[] = []
  for (let k = 0; k < ANNOTATORS; k++) people.push(await createUser(server, `Annotator ${k}`, 'annotator'))
  const goldIds = ids.filter((_, i) => i % 100 === 0)
  for (const id of goldIds) {
    const res = await api(server, server.leadToken, 'POST', `/api/tasks/${id}/gold`, { ranking: ['a', 'b', 'c'] })
    if (res.status !== 200) throw new Error(`gold ${id}: ${res.status}`)
  }
  const lead = server.running.deps.db.users.find((u) => u.role === 'lead')!
  const revision = server.running.deps.db.task(ids[0])!.revision
  await server.stop()
  // The audit log a real run would have written: a submit by the task's first worker, a finalize.
  const now = new Date().toISOString()
  const lines: string[] = []
  ids.forEach((id, i) => {
    const p = people[i % ANNOTATORS]
    lines.push(JSON.stringify({ at: now, by: p.id, by_name: p.name, role: 'annotator', task: id, action: 'submit', from: 'in_progress', to: 'submitted', revision }))
    lines.push(JSON.stringify({ at: now, by: lead.id, by_name: lead.name, role: 'lead', task: id, action: 'finalize', from: 'submitted', to: 'finalized', revision }))
  })
  fs.appendFileSync(path.join(dataDir, 'audit', `${now.slice(0, 7)}.jsonl`), lines.join('\n') + '\n')
  server = await startServer({ dataDir, config: { roomIdleMs: IDLE_MS } })
  const activity = server.running.deps.activity
  // each task its own three minutes: a person's time is one timeline, so sessions must not overlap
  const start = Date.now() - (ids.length + 20) * 180_000
  ids.forEach((id, i) => {
    const workers = i % 100 === 0 ? [people[i % ANNOTATORS]] : [people[i % ANNOTATORS], people[(i + 1) % ANNOTATORS]]
    const at = start + i * 180_000
    for (const p of workers) {
      activity.note(p.id, id, at)
      activity.note(p.id, id, at + 60_000 + (i % 7) * 1000)
    }
  })
  try {
    const get = (route: string) =>
      timed(async () => {
        const res = await api(server, server.leadToken, 'GET', route)
        if (res.status !== 200) throw new Error(`${route}: ${res.status}`)
        return res.body
      })
    const [first, report] = await get('/api/quality?batch=q')
    const later: number[] = []
    for (let r = 0; r < RUNS; r++) later.push((await get('/api/quality?batch=q'))[0])
    const rooms = server.running.deps.rooms
    const loaded = rooms.size
    await waitFor(() => rooms.size === 0, 'every room to unload', IDLE_MS + 60_000)
    const unloaded: number[] = []
    for (let r = 0; r < RUNS; r++) unloaded.push((await get('/api/quality?batch=q'))[0])
    const counts: number[] = []
    for (let r = 0; r < RUNS; r++) counts.push((await get('/api/export/counts'))[0])
    const rss = Math.round(process.memoryUsage().rss / 1e6)
    console.log(`| tasks | gold | annotators | first GET /api/quality | rooms loaded | later (${RUNS} runs) | later, rooms unloaded (${RUNS} runs) | GET /api/export/counts (${RUNS} runs) | process RSS after |`)
    console.log('|---|---|---|---|---|---|---|---|---|')
    console.log(`| ${N.toLocaleString('en')} | ${goldIds.length} | ${report.annotators.length} | ${Math.round(first)} ms | ${loaded} | ${range(later)} | ${range(unloaded)} | ${range(counts)} | ${rss} MB |`)
  } finally {
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
