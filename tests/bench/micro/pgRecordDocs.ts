/**
 * The PostgreSQL records store against the file records store (db.ts) at their shipped
 * durability: PostgreSQL commits with synchronous_commit on; the file store writes a task pack or
 * task file with fsync and rename. Task-sized documents (~3 KB of JSON, the import benchmark's
 * task line plus the server's fields). Per round, on fresh storage:
 *   - bulk: 10,000 tasks in one putMany (one commit) / one Db.addTasks (one task pack);
 *   - single: SINGLES writes of one changed task, one after another: put / Db.updateTask; p50, p99;
 *   - start-up: loadAll of the 10,000 / Db.open of the directory;
 *   - feed (PostgreSQL only): changesSince returning 1,000 rows;
 *   - writers at once (PostgreSQL only): WRITERS pools each putting SINGLES/WRITERS tasks in turn,
 *     in puts per second: every write waits for the version lock (recordWrites.ts), so this is
 *     the ceiling the lock sets on this machine.
 * Rounds alternate which engine goes first.
 *
 * Run: node --import tsx tests/bench/micro/pgRecordDocs.ts   (ROUNDS, TASKS, SINGLES, WRITERS)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Task } from '../../../shared/types'
import { Db } from '../../../server/storage/db'
import { PostgresRecordDocs } from '../../../server/storage/postgres/recordDocs'
import { migrate } from '../../../server/storage/postgres/migrations'
import { createTestDatabase } from '../../helpers/postgres'
import type { TestDatabase } from '../../helpers/postgres'
import { benchTaskLine } from '../importBench'

const ROUNDS = Number(process.env.ROUNDS ?? 3)
const TASKS = Number(process.env.TASKS ?? 10_000)
const SINGLES = Number(process.env.SINGLES ?? 300)
const WRITERS = Number(process.env.WRITERS ?? 8)
const FEED_ROWS = 1_000

function task(i: number, round: number): Task {
  const now = new Date().toISOString()
  const line = JSON.parse(benchTaskLine(i)) as Omit<Task, 'batch' | 'status' | 'revision' | 'assignees' | 'createdAt' | 'updatedAt'>
  return { ...line, id: `r${round}-t${i}`, batch: 'bench', status: 'open', revision: 1, assignees: [], createdAt: now, updatedAt: now }
}

interface Figures {
  bulkMs: number
  singleMs: number[]
  startMs: number
  feedMs?: number
  concurrentPerSecond?: number
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const result = await run()
  return [result, performance.now() - t0]
}

async function postgresRound(db: TestDatabase, tasks: Task[]): Promise<Figures> {
  const store = new PostgresRecordDocs(db.pool({ max: 4 }))
  try {
    await store.loadAll('warm-up')
    const [, bulkMs] = await timed(() => store.putMany(tasks.map((t) => ({ kind: 'task', key: t.id, body: t }))))
    const singleMs: number[] = []
    for (let i = 0; i < SINGLES; i++) {
      const changed = { ...tasks[i % tasks.length], status: 'in_progress', updatedAt: new Date().toISOString() }
      singleMs.push((await timed(() => store.put('task', changed.id, changed)))[1])
    }
    const [loaded, startMs] = await timed(() => store.loadAll('task'))
    if (loaded.docs.length < tasks.length) throw new Error(`loadAll found ${loaded.docs.length} of ${tasks.length}`)
    const [page, feedMs] = await timed(() => store.changesSince(loaded.version - FEED_ROWS - SINGLES, FEED_ROWS))
    if (page.changes.length !== FEED_ROWS) throw new Error(`changesSince returned ${page.changes.length}`)
    const concurrentPerSecond = await concurrentPuts(db, tasks)
    return { bulkMs, singleMs, startMs, feedMs, concurrentPerSecond }
  } finally {
    await store.close()
  }
}

/** Puts per second with WRITERS instances (a pool of one connection each) writing at once. */
async function concurrentPuts(db: TestDatabase, tasks: Task[]): Promise<number> {
  const writers = Array.from({ length: WRITERS }, () => new PostgresRecordDocs(db.pool({ max: 1 })))
  try {
    await Promise.all(writers.map((w) => w.loadAll('warm-up')))
    const each = Math.ceil(SINGLES / WRITERS)
    const t0 = performance.now()
    await Promise.all(
      writers.map(async (w, n) => {
        for (let i = 0; i < each; i++) {
          const t = tasks[(n * each + i) % tasks.length]
          await w.put('task', t.id, { ...t, revision: 2 })
        }
      }),
    )
    return (WRITERS * each * 1000) / (performance.now() - t0)
  } finally {
    await Promise.all(writers.map((w) => w.close()))
  }
}

async function fileRound(tasks: Task[]): Promise<Figures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cj-recbench-'))
  try {
    const db = await Db.open(dir)
    const [, bulkMs] = await timed(() => db.addTasks(tasks))
    const singleMs: number[] = []
    for (let i = 0; i < SINGLES; i++) {
      const id = tasks[i % tasks.length].id
      singleMs.push((await timed(() => db.updateTask(id, (t) => void (t.status = 'in_progress'))))[1])
    }
    const [reopened, startMs] = await timed(() => Db.open(dir))
    if (reopened.tasks.length !== tasks.length) throw new Error(`Db.open found ${reopened.tasks.length} of ${tasks.length}`)
    return { bulkMs, singleMs, startMs }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]
}

const fmt = (ms: number) => ms.toFixed(2)

function line(name: string, f: Figures): string {
  const feed =
    f.feedMs === undefined
      ? ''
      : `  changesSince(${FEED_ROWS}) ${fmt(f.feedMs)} ms  ${WRITERS} writers ${f.concurrentPerSecond?.toFixed(0)} puts/s`
  return (
    `  ${name.padEnd(10)} bulk ${TASKS} ${fmt(f.bulkMs)} ms  single p50 ${fmt(quantile(f.singleMs, 0.5))} ` +
    `p99 ${fmt(quantile(f.singleMs, 0.99))} ms  start-up ${fmt(f.startMs)} ms${feed}`
  )
}

async function main(): Promise<void> {
  const db = await createTestDatabase('cj_bench_')
  try {
    const pool = db.pool({ max: 1 })
    await migrate(pool)
    await pool.end()
    const bytes = Buffer.byteLength(JSON.stringify(task(0, 0)))
    console.log(`records store: ${TASKS} tasks of ~${bytes} B JSON, ${SINGLES} single writes, ${ROUNDS} rounds; load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    for (let round = 0; round < ROUNDS; round++) {
      const tasks = Array.from({ length: TASKS }, (_, i) => task(i, round))
      const order = round % 2 === 0 ? ['postgres', 'files'] : ['files', 'postgres']
      console.log(`round ${round + 1}`)
      for (const engine of order) {
        const figures = engine === 'postgres' ? await postgresRound(db, tasks) : await fileRound(tasks)
        console.log(line(engine === 'postgres' ? 'PostgreSQL' : 'files', figures))
      }
    }
  } finally {
    await db.drop()
  }
}

await main()
