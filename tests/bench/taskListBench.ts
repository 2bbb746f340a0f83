/**
 * The paged task list at 100,000 tasks: p50/p95/p99 of `GET /api/tasks?limit=100` with each filter,
 * a deep cursor page and the next-task route, against the production build (`npm start`'s
 * `dist/server/main.js` with its Node flags). 100,000 tasks are imported through the route in
 * imports of 10,000 (two batches), the first 20,000 assigned to one annotator. The baseline is
 * every task read the old way in spirit: the whole list, 500 rows a request, paged to the end.
 * Reports the server's RSS and its heap after a full GC with every task loaded.
 *
 *   npm run build && node --import tsx tests/bench/taskListBench.ts [--runs 3] [--tasks 100000] [--requests 200]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { freePort, spawnServer } from './servers/serverProcess'
import type { ServerProcess } from './servers/serverProcess'
import { serverNodeFlags } from './servers/adapters'
import { readRssKB } from './procStats'
import { MAX_IMPORT_LINES } from '../../shared/validation'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    tasks: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
  },
})
const RUNS = Number(values.runs)
const TASKS = Number(values.tasks)
const REQUESTS = Number(values.requests)
const WARMUP = 20
/** A fifth of the tasks, in whole imports (the import assigns all of its tasks or none). */
const ASSIGNED = Math.min(TASKS, Math.ceil(TASKS / 5 / MAX_IMPORT_LINES) * MAX_IMPORT_LINES)

const WORDS = (
  'write a function that returns the merged intervals of a list sorted by start time handle empty input ' +
  'parse each line of the csv file and report malformed rows count distinct values in a stream using ' +
  'constant memory reverse the words of a sentence keeping punctuation in place explain the complexity'
).split(' ')

/** A seeded PRNG, so every run imports the same text. */
function prng(seed: number) {
  let s = seed
  return () => (s = (s * 16807) % 2147483647) / 2147483647
}

/** A task line: a ~600-character markdown prompt, three candidates of ~20 lines. */
function taskLine(i: number, rnd: () => number): string {
  const words = Array.from({ length: 90 }, () => WORDS[Math.floor(rnd() * WORDS.length)])
  const body = Array.from({ length: 18 }, (_, k) => `    total += values[${k % 5}] * ${k}  # step ${k}`).join('\n')
  const code = (v: number) => `def solve_${i}(values):\n    total = ${v}\n${body}\n    return total\n`
  return JSON.stringify({
    id: `task-${i}`,
    prompt: `# Task ${i}: \`solve_${i}\`\n\n${words.join(' ')}.\n\nReturn the result of \`solve_${i}(values)\`.`,
    language: 'python',
    entry_point: `solve_${i}`,
    candidates: [
      { id: 'a', code: code(0), model: 'model-alpha' },
      { id: 'b', code: code(1), model: 'model-beta' },
      { id: 'c', code: code(2), model: 'model-gamma' },
    ],
  })
}

interface Server {
  proc: ServerProcess
  url: string
  lead: string
  dataDir: string
}

async function start(): Promise<Server> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cj-list-'))
  const proc = await spawnServer({
    args: ['dist/server/main.js'],
    nodeFlags: serverNodeFlags(),
    env: { PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: '0' },
    cpu: null,
    readyTimeoutMs: 60_000,
  })
  const lead = readFileSync(path.join(dataDir, 'lead-token'), 'utf8').trim()
  return { proc, url: `http://127.0.0.1:${proc.port}`, lead, dataDir }
}

async function call(s: Server, token: string, route: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(s.url + route, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } })
  const text = await res.text()
  if (res.status >= 400) throw new Error(`${route}: ${res.status} ${text.slice(0, 300)}`)
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

/** Imports TASKS tasks, MAX_IMPORT_LINES a request; the first ASSIGNED go to `annotator`. */
async function fill(s: Server, annotator: string): Promise<number[]> {
  const rnd = prng(42)
  const seconds: number[] = []
  for (let from = 0; from < TASKS; from += MAX_IMPORT_LINES) {
    const n = Math.min(MAX_IMPORT_LINES, TASKS - from)
    const body = Array.from({ length: n }, (_, k) => taskLine(from + k, rnd)).join('\n')
    const batch = from < TASKS / 2 ? 'alpha' : 'beta'
    const assign = from < ASSIGNED ? `&assign=${annotator}` : ''
    const t = performance.now()
    await call(s, s.lead, `/api/tasks/import?batch=${batch}&blind=0${assign}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    })
    seconds.push((performance.now() - t) / 1000)
  }
  return seconds
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

interface Figures {
  p50: number
  p95: number
  p99: number
}

/** Times `REQUESTS` sequential requests after WARMUP; `route(i)` may vary per request. */
async function time(s: Server, token: string, route: (i: number) => string, expect: (body: any) => void): Promise<Figures> {
  const ms: number[] = []
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const t = performance.now()
    const res = await call(s, token, route(i))
    const elapsed = performance.now() - t
    if (i === 0) expect(res.body)
    if (i >= WARMUP) ms.push(elapsed)
  }
  ms.sort((a, b) => a - b)
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99) }
}

function check(ok: boolean, what: string) {
  if (!ok) throw new Error(`bench sanity check failed: ${what}`)
}

async function oneRun(): Promise<Map<string, Figures | number>> {
  const s = await start()
  const out = new Map<string, Figures | number>()
  try {
    const ann = (await call(s, s.lead, '/api/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bench Annotator', role: 'annotator' }) })).body
    const imports = await fill(s, ann.id)
    out.set('import s (10,000 each, max)', Math.max(...imports))
    const gc = await s.proc.probe('gc')
    out.set('RSS MB', readRssKB(s.proc.pid) / 1024)
    out.set('heap MB after GC', (gc?.heapUsedBytes ?? NaN) / 1024 / 1024)

    const page = (body: any, total: number) => check(body.tasks.length === Math.min(100, total) && body.total === total, `a page of ${total}: got ${body.tasks.length} of ${body.total}`)
    out.set('no filter', await time(s, s.lead, () => '/api/tasks?limit=100', (b) => page(b, TASKS)))
    out.set('batch', await time(s, s.lead, () => '/api/tasks?batch=beta&limit=100', (b) => page(b, TASKS / 2)))
    out.set('status (all match)', await time(s, s.lead, () => '/api/tasks?status=open&limit=100', (b) => page(b, TASKS)))
    out.set('status (none match)', await time(s, s.lead, () => '/api/tasks?status=submitted&limit=100', (b) => check(b.total === 0, 'no submitted task')))
    out.set('assignee (lead asks)', await time(s, s.lead, () => `/api/tasks?assignee=${ann.id}&limit=100`, (b) => page(b, ASSIGNED)))
    out.set('as the 20k annotator', await time(s, ann.token, () => '/api/tasks?limit=100', (b) => page(b, ASSIGNED)))
    out.set('q warm (same text)', await time(s, s.lead, () => '/api/tasks?q=merged%20intervals&limit=100', (b) => check(b.total > 0, 'q matches')))
    // Each request a text never searched before: the whole prompt text is read.
    out.set('q cold (new text each)', await time(s, s.lead, (i) => `/api/tasks?q=solve_${(i * 7919) % TASKS}(&limit=100`, (b) => check(b.total === 1, `one task matches q: ${b.total}`)))
    // A search box: each request one more letter of `solve_N(`, a new N every 10 requests.
    const typed = (i: number) => `solve_${(Math.floor(i / 10) * 7919) % TASKS}(`.slice(0, (i % 10) + 1)
    out.set('q typed (letter by letter)', await time(s, s.lead, (i) => `/api/tasks?q=${encodeURIComponent(typed(i))}&limit=100`, (b) => check(b.total > 0, 's matches')))
    // The first letters of searches: one or two characters, a different text each request.
    const SYMBOLS = 'abcdefghijklmnopqrstuvwxyz0123456789_'
    const short = (i: number) => (i % 2 ? SYMBOLS[(i * 7) % 37] + SYMBOLS[(i * 13) % 37] : SYMBOLS[i % 37])
    out.set('q one or two letters (new each)', await time(s, s.lead, (i) => `/api/tasks?q=${short(i)}&limit=100`, (b) => check(b.total > 0, `'a' matches`)))
    out.set('batch+status+assignee+q cold', await time(s, s.lead, (i) => `/api/tasks?batch=alpha&status=open&assignee=${ann.id}&q=task%20${(i * 7919) % ASSIGNED}:&limit=100`, (b) => check(b.total === 1, `combined: ${b.total}`)))
    // A cursor half way down the list: walk to it once, then time the page after it.
    let cursor = ''
    for (let p = 0; p < TASKS / 2 / 500; p++) cursor = (await call(s, s.lead, `/api/tasks?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).body.next_cursor
    out.set('deep cursor (row 50,000)', await time(s, s.lead, () => `/api/tasks?limit=100&cursor=${cursor}`, (b) => page(b, TASKS)))
    out.set('next task (annotator)', await time(s, ann.token, (i) => `/api/next?after=task-${(i * 7919) % ASSIGNED}`, (b) => check(typeof b.task_id === 'string', 'a next task')))

    // Baseline: every task, 500 a request, to the end.
    const walkMs: number[] = []
    let walkCursor: string | null = null
    let rows = 0
    const t0 = performance.now()
    do {
      const t = performance.now()
      const res: { body: any } = await call(s, s.lead, `/api/tasks?limit=500${walkCursor ? `&cursor=${walkCursor}` : ''}`)
      walkMs.push(performance.now() - t)
      rows += res.body.tasks.length
      walkCursor = res.body.next_cursor
    } while (walkCursor)
    check(rows === TASKS, `the walk found ${rows} tasks`)
    out.set('every task, 500 a page: total s', (performance.now() - t0) / 1000)
    walkMs.sort((a, b) => a - b)
    out.set('every task, 500 a page: per page', { p50: percentile(walkMs, 50), p95: percentile(walkMs, 95), p99: percentile(walkMs, 99) })
    out.set('RSS MB after the requests', readRssKB(s.proc.pid) / 1024)
  } finally {
    await s.proc.stop()
    rmSync(s.dataDir, { recursive: true, force: true })
  }
  return out
}

const runs: Map<string, Figures | number>[] = []
for (let r = 0; r < RUNS; r++) {
  const run = await oneRun()
  runs.push(run)
  console.log(`run ${r + 1}/${RUNS}`)
  for (const [name, v] of run) console.log(`  ${name.padEnd(36)} ${typeof v === 'number' ? v.toFixed(1) : `p50 ${v.p50.toFixed(1)}  p95 ${v.p95.toFixed(1)}  p99 ${v.p99.toFixed(1)} ms`}`)
}
const range = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`
console.log(`\n${TASKS} tasks, ${RUNS} runs, ${REQUESTS} requests a case: ranges over runs`)
for (const name of runs[0].keys()) {
  const vs = runs.map((r) => r.get(name)!)
  if (typeof vs[0] === 'number') console.log(`| ${name} | ${range(vs as number[])} |`)
  else {
    const fs = vs as Figures[]
    console.log(`| ${name} | p50 ${range(fs.map((f) => f.p50))} ms | p95 ${range(fs.map((f) => f.p95))} ms | p99 ${range(fs.map((f) => f.p99))} ms |`)
  }
}
