/**
 * Append latency of the PostgreSQL room log against the file UpdateLog at the same durability:
 * PostgreSQL commits with synchronous_commit on (the WAL is flushed before append resolves), the
 * file log is fdatasync'd after every append. Shown too, for reference: the file log as shipped
 * (a write the kernel holds, no fsync). Two cases: one room appended in sequence, and 20 rooms
 * appended at once (one writer per room, each waiting for its previous append). Rounds alternate
 * which engine goes first; every round uses fresh rooms.
 *
 * Run: node --import tsx tests/bench/micro/pgRoomLog.ts   (ROUNDS, SEQ_APPENDS, ROOMS, PER_ROOM, POOL)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import * as Y from 'yjs'
import { UpdateLog } from '../../../server/storage/updateLog'
import { PostgresRoomLog } from '../../../server/storage/postgres/roomLog'
import { migrate } from '../../../server/storage/postgres/migrations'
import { createTestDatabase } from '../../helpers/postgres'

const ROUNDS = Number(process.env.ROUNDS ?? 3)
const SEQ_APPENDS = Number(process.env.SEQ_APPENDS ?? 1_000)
const ROOMS = Number(process.env.ROOMS ?? 20)
const PER_ROOM = Number(process.env.PER_ROOM ?? 100)
const POOL = Number(process.env.POOL ?? ROOMS)
const fdatasync = promisify(fs.fdatasync)

/** Appends one update durably and resolves when it is. */
type Append = (room: string, update: Uint8Array) => Promise<unknown>

interface Engine {
  name: string
  /** A fresh appender for one round's rooms; `done` releases what it opened. */
  start(round: number): Promise<{ append: Append; done(): Promise<void> }>
}

/** Keystroke-sized updates: one character typed at the end, as a user types. */
function keystrokes(n: number): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const text = doc.getText('t')
  for (let i = 0; i < n; i++) text.insert(text.length, 'x')
  return updates
}

/** The file UpdateLog, one per room; with `sync`, each append is followed by fdatasync of its log. */
function fileEngine(name: string, sync: boolean): Engine {
  return {
    name,
    async start(round) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cj-pgbench-${round}-`))
      const logs = new Map<string, { log: UpdateLog; fd: number | null }>()
      return {
        async append(room, update) {
          let entry = logs.get(room)
          if (!entry) logs.set(room, (entry = { log: new UpdateLog(dir, room), fd: null }))
          entry.log.append(update)
          if (!sync) return
          // fdatasync on any descriptor of the file flushes the inode's data, the log's own writes included.
          entry.fd ??= fs.openSync(path.join(dir, `${room}.log`), 'r')
          await fdatasync(entry.fd)
        },
        async done() {
          for (const { log, fd } of logs.values()) {
            log.close()
            if (fd !== null) fs.closeSync(fd)
          }
          fs.rmSync(dir, { recursive: true, force: true })
        },
      }
    },
  }
}

function postgresEngine(db: Awaited<ReturnType<typeof createTestDatabase>>): Engine {
  return {
    name: 'PostgreSQL (synchronous_commit on)',
    async start() {
      const log = new PostgresRoomLog(db.pool({ max: POOL }))
      // Open the pool's connections before timing, as a running server has them.
      await Promise.all(Array.from({ length: POOL }, () => log.load('warm-up')))
      return { append: (room, update) => log.append(room, update), done: () => log.close() }
    },
  }
}

/** Milliseconds each append took: one room, one append after another. */
async function sequential(append: Append, round: number, updates: Uint8Array[]): Promise<number[]> {
  const samples: number[] = []
  for (const u of updates) {
    const t0 = performance.now()
    await append(`seq-${round}`, u)
    samples.push(performance.now() - t0)
  }
  return samples
}

/** Milliseconds each append took with ROOMS writers at once, one room each. */
async function concurrent(append: Append, round: number, updates: Uint8Array[]): Promise<{ samples: number[]; perSecond: number }> {
  const samples: number[] = []
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: ROOMS }, async (_, r) => {
      for (const u of updates) {
        const t = performance.now()
        await append(`room-${round}-${r}`, u)
        samples.push(performance.now() - t)
      }
    }),
  )
  return { samples, perSecond: (ROOMS * updates.length * 1000) / (performance.now() - t0) }
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]
}

const fmt = (ms: number) => ms.toFixed(2)
const range = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`

interface Tally {
  seq: number[]
  seqRounds: { p50: number; p99: number }[]
  conc: number[]
  concRounds: { p50: number; p99: number; perSecond: number }[]
}

async function main(): Promise<void> {
  console.log(`load before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} CPUs)`)
  const db = await createTestDatabase('cj_bench_')
  try {
    const setup = db.pool({ max: 1 })
    await migrate(setup)
    const settings = await setup.query("SELECT current_setting('synchronous_commit') AS sc, current_setting('fsync') AS f")
    await setup.end()
    console.log(`PostgreSQL synchronous_commit=${settings.rows[0].sc} fsync=${settings.rows[0].f}; pool ${POOL}`)

    const seqUpdates = keystrokes(SEQ_APPENDS)
    const roomUpdates = keystrokes(PER_ROOM)
    const durable = [fileEngine('file UpdateLog + fdatasync', true), postgresEngine(db)]
    const engines = [...durable, fileEngine('file UpdateLog as shipped (no fsync)', false)]
    const tallies = new Map<Engine, Tally>(engines.map((e) => [e, { seq: [], seqRounds: [], conc: [], concRounds: [] }]))
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate who goes first among the durable pair; the reference row runs last.
      const order = round % 2 === 0 ? engines : [durable[1], durable[0], engines[2]]
      for (const engine of order) {
        const t = tallies.get(engine)!
        const { append, done } = await engine.start(round)
        try {
          const seq = await sequential(append, round, seqUpdates)
          const conc = await concurrent(append, round, roomUpdates)
          t.seq.push(...seq)
          t.seqRounds.push({ p50: quantile(seq, 0.5), p99: quantile(seq, 0.99) })
          t.conc.push(...conc.samples)
          t.concRounds.push({ p50: quantile(conc.samples, 0.5), p99: quantile(conc.samples, 0.99), perSecond: conc.perSecond })
        } finally {
          await done()
        }
      }
    }
    report(engines, tallies)
  } finally {
    await db.drop()
  }
  console.log(`load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
}

function report(engines: Engine[], tallies: Map<Engine, Tally>): void {
  const base = tallies.get(engines[0])!
  console.log(`\n${ROUNDS} rounds; one room: ${SEQ_APPENDS} appends in sequence; ${ROOMS} rooms: ${PER_ROOM} appends each, at once`)
  console.log('| engine | case | p50 ms | p99 ms | p50 per round | p99 per round | appends/s | p50 × file+fsync | p99 × file+fsync |')
  console.log('|---|---|---|---|---|---|---|---|---|')
  for (const engine of engines) {
    const t = tallies.get(engine)!
    const rows = [
      ['1 room, sequential', t.seq, t.seqRounds, base.seq, ''],
      ['20 rooms, concurrent', t.conc, t.concRounds, base.conc, range(t.concRounds.map((r) => r.perSecond)).replace(/\.\d\d/g, '')],
    ] as const
    for (const [label, samples, rounds, baseline, rate] of rows) {
      const p50 = quantile(samples, 0.5)
      const p99 = quantile(samples, 0.99)
      console.log(
        `| ${engine.name} | ${label.replace('20', String(ROOMS))} | ${fmt(p50)} | ${fmt(p99)} | ${range(rounds.map((r) => r.p50))} | ` +
          `${range(rounds.map((r) => r.p99))} | ${rate} | ${(p50 / quantile(baseline, 0.5)).toFixed(2)}× | ` +
          `${(p99 / quantile(baseline, 0.99)).toFixed(2)}× |`,
      )
    }
  }
}

await main()
