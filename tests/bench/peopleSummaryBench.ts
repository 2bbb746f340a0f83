/**
 * The people summary and the zoned timesheet at program size: 100,000 task records (two
 * annotators each over 50, a fifth finalized), 100,000 submit lines in real audit files, and a
 * week of activity for 50 people in quarter hours. Times `peopleSummary` (the first call reads the
 * whole audit log; later calls read only new lines) and `timesheetRows` for a week, in UTC and
 * Asia/Kolkata. The services run in this process on in-memory task records: what the route adds
 * is JSON encoding of 50 rows.
 * Run: `node --import tsx tests/bench/peopleSummaryBench.ts [--tasks 100000] [--rounds 20]`
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { ActivityTracker } from '../../server/services/activity'
import { peopleSummary } from '../../server/services/peopleSummary'
import { WorkflowIndex } from '../../server/services/workflowIndex'
import { timesheetRows } from '../../server/services/timesheet'
import type { Db } from '../../server/storage/db'
import { addDays, dayInZone, mondayOf } from '../../shared/timeZone'
import { tempDir } from '../helpers/server'

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '20' } } })
const TASKS = Number(values.tasks)
const ROUNDS = Number(values.rounds)
const PEOPLE = 50
const MIN = 60_000

const ms = (t0: number) => performance.now() - t0
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]

function build(dir: string) {
  const users = Array.from({ length: PEOPLE }, (_v, i) => ({ id: `ann_${i}`, name: `Annotator ${i}`, role: 'annotator' }))
  const tasks = Array.from({ length: TASKS }, (_v, i) => ({
    id: `task-${i}`,
    status: i % 5 === 0 ? 'finalized' : 'in_progress',
    assignees: [`ann_${i % PEOPLE}`, `ann_${(i + 1) % PEOPLE}`],
  }))
  fs.mkdirSync(path.join(dir, 'audit'), { recursive: true })
  const lines: string[] = []
  for (let i = 0; i < TASKS; i++) {
    lines.push(JSON.stringify({ at: '2026-11-20T10:00:00.000Z', by: `ann_${i % PEOPLE}`, by_name: 'A', role: 'annotator', task: `task-${i}`, action: 'submit', from: 'in_progress', to: 'submitted', revision: 1 }))
  }
  fs.writeFileSync(path.join(dir, 'audit', '2026-11.jsonl'), lines.join('\n') + '\n')
  // a week of work: each person 6 h a day in 90 s steps, switching task every 20 minutes
  const now = Date.now()
  const activity = new ActivityTracker({ dataDir: null, revisionOf: () => 1, now: () => now })
  const monday = Date.parse(`${mondayOf(dayInZone(now, 'UTC'))}T00:00:00Z`)
  let notes = 0
  for (let p = 0; p < PEOPLE; p++) {
    for (let d = 0; d < 7; d++) {
      const start = monday + d * 86_400_000 + (3 + (p % 10)) * 3_600_000
      for (let t = 0; t < 6 * 60 * MIN; t += 90_000) {
        activity.note(`ann_${p}`, `task-${(p * 1000 + Math.floor(t / (20 * MIN))) % TASKS}`, start + t)
        notes++
      }
    }
  }
  return { db: { users, tasks } as unknown as Pick<Db, 'users' | 'tasks'>, activity, notes, now }
}

const dir = tempDir('people-bench-')
try {
  const t0 = performance.now()
  const { db, activity, notes, now } = build(dir)
  const rows = activity.quartersBetween('0000-01-01', '9999-12-31').length
  console.log(`built ${TASKS} tasks, ${TASKS} audit lines, ${notes} activity notes (${rows} quarter rows) in ${ms(t0).toFixed(0)} ms`)
  const submitted = new WorkflowIndex(dir)
  const deps = { db, activity, submitted }
  const c0 = performance.now()
  peopleSummary(deps, 'UTC', now)
  console.log(`people summary, first call (reads the whole audit log): ${ms(c0).toFixed(1)} ms`)
  for (const tz of ['UTC', 'Asia/Kolkata']) {
    const times: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      const s = performance.now()
      peopleSummary(deps, tz, now)
      times.push(ms(s))
    }
    console.log(`people summary ${tz}: p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over ${ROUNDS}`)
  }
  const monday = mondayOf(dayInZone(now, 'UTC'))
  for (const tz of ['UTC', 'Asia/Kolkata']) {
    const times: number[] = []
    let n = 0
    for (let i = 0; i < ROUNDS; i++) {
      const s = performance.now()
      n = timesheetRows(activity, monday, addDays(monday, 6), tz).length
      times.push(ms(s))
    }
    console.log(`timesheet week ${tz} (${n} rows): p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms`)
  }
  void activity.close()
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
