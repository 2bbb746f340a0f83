/**
 * What a crash can leave of an import, and start-up's answer to it. An import writes one task
 * pack, staged under `DATA_DIR/imports/` and renamed into `task-packs/` as its commit
 * (server/storage/taskPacks.ts); rooms are not written at import (their first load seeds them).
 *   - a staged pack without its rename (a crash before the commit): deleted, nothing happened;
 *   - a committed pack whose batch record was not yet written: the batch is created;
 *   - a staging directory of the previous format (rooms + `commit.json`): finished when it holds
 *     a commit marker, deleted otherwise;
 *   - room directories of tasks that do not exist: moved aside, never deleted.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Task } from '../../shared/types'
import type { RecordsDb } from '../storage/recordsDb'
import { discardStagedPacks, STAGING_DIR } from '../storage/taskPacks'
import type { Logger } from '../log'

/**
 * Kills the process at a named point when CODEJURY_TEST_CRASH_AT names it: the crash tests'
 * stand-in for a power cut in the middle of an import. Unset in every real run.
 */
export function crashPointForTests(point: 'import-staged' | 'import-committed'): void {
  if (process.env.CODEJURY_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL')
}

/** Where room directories of tasks that have no record are moved aside at startup. */
const ORPHANS_DIR = 'orphan-rooms'
const LEGACY_COMMIT_FILE = 'commit.json'

/** What recovery needs: the records, and how a batch is created when an import names a new one. */
export interface RecoverDeps {
  db: RecordsDb
  ensureBatch: (db: RecordsDb, name: string) => Promise<unknown>
  log: Logger
}

/**
 * At startup, before anything serves: deletes staged packs, finishes or deletes staging
 * directories of the previous format, creates missing batches of imported tasks and moves aside
 * room directories whose task has no record. Returns what it did, for the log and the tests.
 */
export async function recoverImports(deps: RecoverDeps): Promise<{ discarded: number; finished: number; batches: string[]; orphans: string[] }> {
  const { db, log } = deps
  let discarded = discardStagedPacks(db.dir)
  let finished = 0
  const base = path.join(db.dir, STAGING_DIR)
  for (const entry of fs.existsSync(base) ? fs.readdirSync(base, { withFileTypes: true }) : []) {
    if (!entry.isDirectory()) continue
    const dir = path.join(base, entry.name)
    const commit = readLegacyCommit(path.join(dir, LEGACY_COMMIT_FILE))
    if (commit) {
      await finishLegacy(dir, commit, deps)
      finished++
    } else discarded++
    fs.rmSync(dir, { recursive: true, force: true })
  }
  if (discarded) log.warn('discarded imports interrupted before their commit', { count: discarded })
  if (finished) log.warn('finished imports interrupted after their commit', { count: finished })
  const batches = [...new Set(db.tasks.map((t) => t.batch))].filter((name) => !db.batch(name))
  for (const name of batches) await deps.ensureBatch(db, name)
  if (batches.length) log.warn('created the batches of imported tasks whose import stopped before writing them', { batches })
  const orphans: string[] = []
  const roomsDir = path.join(db.dir, 'rooms')
  for (const name of fs.existsSync(roomsDir) ? fs.readdirSync(roomsDir) : []) {
    if (db.hasTask(name)) continue
    orphans.push(moveAside(db.dir, path.join(roomsDir, name)))
  }
  if (orphans.length) log.warn('moved aside room directories of tasks that do not exist', { orphans })
  return { discarded, finished, batches, orphans }
}

/** A previous version's committed import: its rooms go into place, its tasks into a pack. */
async function finishLegacy(dir: string, commit: { batch: string; tasks: Task[] }, deps: RecoverDeps): Promise<void> {
  const pending = commit.tasks.filter((t) => !deps.db.hasTask(t.id))
  const roomsDir = path.join(deps.db.dir, 'rooms')
  fs.mkdirSync(roomsDir, { recursive: true, mode: 0o700 })
  for (const task of pending) {
    const staged = path.join(dir, 'rooms', task.id)
    if (!fs.existsSync(staged)) continue
    const target = path.join(roomsDir, task.id)
    if (fs.existsSync(target)) moveAside(deps.db.dir, target)
    fs.renameSync(staged, target)
  }
  await deps.ensureBatch(deps.db, commit.batch)
  if (pending.length) await deps.db.addTasks(pending)
}

/** A previous version's commit marker, or null when there is none. */
function readLegacyCommit(file: string): { batch: string; tasks: Task[] } | null {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
  let commit: { batch?: unknown; tasks?: unknown }
  try {
    commit = JSON.parse(text)
  } catch {
    throw new Error(`${file} is not valid JSON; move its directory away to start`)
  }
  if (typeof commit?.batch !== 'string' || !Array.isArray(commit.tasks)) {
    throw new Error(`${file} is not an import commit marker; move its directory away to start`)
  }
  return commit as { batch: string; tasks: Task[] }
}

/** Moves a directory to `DATA_DIR/orphan-rooms/` (never deletes what someone might want back). */
function moveAside(dataDir: string, dir: string): string {
  const aside = path.join(dataDir, ORPHANS_DIR)
  fs.mkdirSync(aside, { recursive: true, mode: 0o700 })
  const target = path.join(aside, `${path.basename(dir)}-${Date.now()}-${randomBytes(3).toString('hex')}`)
  fs.renameSync(dir, target)
  return target
}
