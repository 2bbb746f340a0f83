/**
 * `npm run bench [-- --quick]`: runs the sync workloads (docs/performance.md#sync-server) against
 * every server, alternating, and writes the table and results/latest.json.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { LoadGenerator } from './loadgen/loadGenerator'
import { FULL, QUICK } from './plan'
import { toMarkdown } from './report'
import type { Results, ServerResults } from './results'
import { ADAPTERS, HEADLINE_SERVERS, type ServerAdapter } from './servers/adapters'
import { sessionW3 } from './coldLoad'
import { sessionChurn } from './churn'
import { sessionLight } from './lightLoad'
import { sessionW1, sessionW2, sessionW4, type Ctx } from './workloads'
import { describeImport, IMPORT_BAR, runImport } from './importBench'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    servers: { type: 'string', default: HEADLINE_SERVERS.join(',') },
    workloads: { type: 'string', default: 'w1,light,w2,w4,w3,import' },
    rounds: { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
    out: {
      type: 'string',
      default: fileURLToPath(new URL('./results/latest.json', import.meta.url)),
    },
    report: { type: 'string' },
    'churn-minutes': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})

if (values.report) {
  // re-render the tables of an earlier run without measuring anything
  process.stdout.write(toMarkdown(JSON.parse(readFileSync(values.report, 'utf8')) as Results))
  process.exit(0)
}

if (values.help) {
  console.log(`npm run bench -- [--quick] [--servers relay,stock,hocuspocus,codejury] [--workloads w1,light,w2,w4,w3] [--rounds n] [--no-pin] [--out file] [--report file]
  w1: W1 with and without presence, memory per room/connection, the ramp; light: 50 rooms × 6
  clients × 2 edits/s in alternating rounds (--rounds, default 5, 1 in --quick); w2: one room ×
  200, with fresh and reconnecting joins; w4: W1 on the other storage mode; w3: cold load of
  stored rooms, fresh and reconnecting; import: 10,000 tasks through POST /api/tasks/import (500
  in --quick), 3 runs, codejury only; churn: the 30-minute churn run (only when named).
  --servers may add stock-as-deployed,hocuspocus-as-deployed: the stock servers on Node defaults.
  --report file: print the tables of a saved results JSON and exit.`)
  process.exit(0)
}

// exports: export throughput and finalize cost, in-process, no server adapter; only when named
if (values.workloads.split(',').includes('exports')) {
  const { EXPORT_FULL, EXPORT_QUICK, exportBenchMarkdown, runExportBench } = await import('./exportBench')
  const r = await runExportBench(values.quick ? EXPORT_QUICK : EXPORT_FULL, (m) => process.stderr.write(`[bench exports] ${m}\n`))
  process.stdout.write(exportBenchMarkdown(r))
  if (values.workloads === 'exports') process.exit(0)
}

const base = values.quick ? QUICK : FULL
const rounds = values.rounds === undefined ? base.light.rounds : Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error('--rounds must be a whole number ≥ 1')
  process.exit(2)
}
const plan = { ...base, light: { ...base.light, rounds } }
const log = (msg: string) =>
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0)}s] ${msg}\n`)
const t0 = performance.now()

function canPin(): boolean {
  if (values['no-pin'] || os.availableParallelism() < 2) return false
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const cores = os.availableParallelism() // before pinning ourselves, which narrows it
const pin = canPin()
const serverCore = pin ? 0 : null
const loadgenCore = pin ? 1 : null
// the orchestrator mostly sleeps; keep it off the server's core
if (pin) execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' })

const wanted = new Set(values.servers.split(','))
const adapters = ADAPTERS.filter((a) => wanted.has(a.kind))
const results: Results = {
  meta: {
    mode: plan.mode,
    startedAt: new Date().toISOString(),
    durationS: 0,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores,
    pinning: pin
      ? 'server pinned to CPU 0, load generator and orchestrator to CPU 1'
      : 'no CPU pinning',
    notes: [
      ...(plan.mode === 'quick'
        ? ['Quick mode: 1.5 s windows, where one GC pause decides a p99. A smoke test, not figures.']
        : []),
      ...nodeFlagNotes(adapters),
    ],
  },
  servers: adapters.map(
    (a): ServerResults => ({
      kind: a.kind,
      label: a.label,
      defaultStorage: a.defaultStorage,
      errors: [],
    }),
  ),
}
/** Which Node flags the servers ran with: the same for every headline server. */
function nodeFlagNotes(list: ServerAdapter[]): string[] {
  const extra = process.env.BENCH_SERVER_NODE_ARGS ?? ''
  const flags = (a: ServerAdapter) => ['--expose-gc', ...a.nodeFlags, extra].join(' ').trim()
  const headline = list.filter((a) => !a.asDeployed)
  const notes = headline.length
    ? [`Node flags of ${headline.map((a) => a.kind).join(', ')}: \`${flags(headline[0])}\``]
    : []
  for (const a of list.filter((x) => x.asDeployed))
    notes.push(`Node flags of ${a.kind} (as deployed, not compared): \`${flags(a)}\``)
  return notes
}

const resultsOf = (a: ServerAdapter) => results.servers.find((s) => s.kind === a.kind)!

const runnable = adapters.filter((a) => {
  const why = a.unavailable()
  if (why) {
    resultsOf(a).errors.push(`not run: ${why}`)
    log(`${a.kind}: not run (${why})`)
  }
  return !why
})

const lg = await LoadGenerator.start(loadgenCore === null ? null : String(loadgenCore))
const ctx: Ctx = { lg, plan, serverCore, loadgenCore, noiseBudgetS: plan.noiseBudgetS, log }
const failed = new Set<string>()

type Session = {
  name: string
  documentsOnly: boolean
  /** Rounds of the whole server rotation (the light load); 1 for the others. */
  rounds?: number
  run: (a: ServerAdapter, r: ServerResults, round: number) => Promise<void>
}
const sessions: Session[] = [
  { name: 'w1', documentsOnly: false, run: async (a, r) => void (r.w1 = await sessionW1(ctx, a)) },
  {
    name: 'light',
    documentsOnly: false,
    rounds: plan.light.rounds,
    run: async (a, r, round) => {
      r.light ??= []
      while (r.light.length < round) r.light.push(null) // a failed round stays a gap
      r.light[round] = await sessionLight(ctx, a, round)
    },
  },
  { name: 'w2', documentsOnly: false, run: async (a, r) => void (r.w2 = await sessionW2(ctx, a)) },
  { name: 'w4', documentsOnly: true, run: async (a, r) => void (r.w4 = await sessionW4(ctx, a)) },
  { name: 'w3', documentsOnly: true, run: async (a, r) => void (r.w3 = await sessionW3(ctx, a)) },
  {
    // The import bar (docs/performance.md#data-and-execution): 10,000 tasks in ≤ 5 s under
    // 300 MB. Only codejury imports tasks.
    name: 'import',
    documentsOnly: true,
    run: async (a, r) => {
      if (a.kind !== 'codejury') return
      const tasks = plan.mode === 'quick' ? 500 : 10_000
      r.import = []
      for (let i = 0; i < 3; i++) {
        const run = await runImport(tasks)
        r.import.push(run)
        log(`import: ${describeImport(run)} (bar at 10,000: ≤ ${IMPORT_BAR.seconds} s, < ${IMPORT_BAR.rssMB} MB)`)
      }
    },
  },
  {
    name: 'churn',
    documentsOnly: true,
    run: async (a, r) => {
      const minutes = Number(values['churn-minutes'] ?? plan.churn.minutes)
      if (!(minutes > 0)) throw new Error('--churn-minutes must be a positive number')
      r.churn = await sessionChurn(ctx, a, { ...plan.churn, minutes })
    },
  },
]
const chosen = new Set(values.workloads.split(','))

try {
  let turn = 0
  for (const session of sessions) {
    if (!chosen.has(session.name)) continue
    const eligible = runnable.filter((a) => !session.documentsOnly || a.keepsDocuments)
    for (let round = 0; round < (session.rounds ?? 1); round++) {
      // alternate: each session (and each round) starts with the next server, so no server always
      // runs first or last
      const order = eligible.map((_a, i) => eligible[(i + turn) % eligible.length])
      turn++
      for (const adapter of order) {
        if (failed.has(adapter.kind)) continue
        const name = session.rounds ? `${session.name} round ${round + 1}` : session.name
        log(`${name.toUpperCase()} on ${adapter.kind}`)
        try {
          await session.run(adapter, resultsOf(adapter), round)
        } catch (err) {
          const msg = (err as Error).message.split('\n').slice(0, 6).join(' ⏎ ')
          resultsOf(adapter).errors.push(`${name}: ${msg}`)
          log(`${adapter.kind} failed ${name}: ${msg}`)
          // a server that cannot start is not retried for every session
          if (/before it was ready|did not report ready/.test(msg)) failed.add(adapter.kind)
        }
      }
    }
  }
} finally {
  lg.stop()
}

results.meta.durationS = (performance.now() - t0) / 1000
if (plan.noiseBudgetS > 0) {
  const spent = plan.noiseBudgetS - ctx.noiseBudgetS
  results.meta.notes.push(
    `${spent.toFixed(0)} s of ${plan.noiseBudgetS} s spent waiting for quiet or repeating disturbed windows`,
  )
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
writeFileSync(values.out, JSON.stringify(results, null, 2) + '\n')
process.stdout.write(toMarkdown(results))
log(`wrote ${values.out}`)
