/**
 * Imports commit all at once: everything is staged under `DATA_DIR/imports/<id>/`, a commit
 * marker makes it durable, then it is moved into place; startup finishes or discards what a
 * crash left behind.
 *
 * Protocol (one staging directory per import):
 *   1. stage: each task's seeded rooms go to `imports/<id>/rooms/<task>/` (snapshots), then the
 *      whole file system is flushed once (`flushFileSystem`);
 *   2. commit: `imports/<id>/commit.json` (the task records and the batch) is written to a temp
 *      file, fsynced and renamed: from this rename on the import has happened;
 *   3. apply: room directories are renamed into `rooms/`, the batch is ensured, the task records
 *      are written, and the staging directory is removed.
 * A crash before 2 leaves a staging directory without `commit.json`: startup deletes it, and no
 * task, room or batch of that import exists. A crash after 2 leaves the marker: startup replays
 * step 3, which is idempotent. Task records are written last, so a task is never visible before
 * its rooms are in place.
 *
 * Durability is bought once per import, not once per file: 10,000 tasks are ~30,000 files, and
 * an fsync each (2–3 ms here) took minutes. Files are written plainly, then one `syncfs` (coreutils
 * `sync -f`) makes all of them durable before the marker; where that is missing, every file and
 * directory is fsynced as before.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Task } from '../../shared/types'
import type { Db } from '../storage/db'
import { roomFiles } from '../storage/roomStorage'
import { encodeRecord } from '../storage/recordCodec'
import { toStorageError } from '../storage/storageError'
import type { Logger } from '../log'

const run = promisify(execFile)

/**
 * Makes every write under `dir` durable: `syncfs` on its file system through `sync -f` (one
 * flush for any number of files), or, where that command is missing or fails, an fsync of every
 * file and directory below `dir`.
 */
export async function flushFileSystem(dir: string): Promise<void> {
  try {
    await run('sync', ['-f', dir], { timeout: 60_000 })
  } catch {
    syncTree(dir)
  }
}

/** What an import commits: the records that appear, and the batch they go into. */
export interface ImportCommit {
  batch: string
  tasks: Task[]
}

const IMPORTS_DIR = 'imports'
const COMMIT_FILE = 'commit.json'
/** Where room directories of tasks that have no record are moved aside at startup. */
const ORPHANS_DIR = 'orphan-rooms'

/**
 * Kills the process at a named point when CODEJURY_TEST_CRASH_AT names it: the crash tests'
 * stand-in for a power cut in the middle of an import. Unset in every real run.
 */
export function crashPointForTests(point: 'import-staged' | 'import-committed'): void {
  if (process.env.CODEJURY_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL')
}

/** One import's staging directory; `discard()` after any failure before `commit()`. */
export class StagedImport {
  readonly dir: string
  /** Room directories created so far. */
  private readonly made = new Set<string>()
  private constructor(readonly dataDir: string) {
    this.dir = path.join(dataDir, IMPORTS_DIR, `${Date.now()}-${randomBytes(6).toString('hex')}`)
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 })
  }

  /** Makes a fresh staging directory under `DATA_DIR/imports/`. */
  static begin(dataDir: string): StagedImport {
    fs.mkdirSync(path.join(dataDir, IMPORTS_DIR), { recursive: true, mode: 0o700 })
    return new StagedImport(dataDir)
  }

  /**
   * Writes a room's first snapshot into the staging area, in the format the room log reads (a
   * whole `.snap` record). Not fsynced here: `commit` flushes everything staged at once.
   */
  stageRoom(room: string, state: Uint8Array): void {
    const { dir, stem } = roomFiles(this.dir, room)
    try {
      if (!this.made.has(dir)) {
        // One plain mkdir per task (a recursive one per room cost seconds at 10,000 tasks).
        if (this.made.size === 0) fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 })
        fs.mkdirSync(dir, { mode: 0o700 })
        this.made.add(dir)
      }
      fs.writeFileSync(path.join(dir, `${stem}.snap`), encodeRecord(state), { mode: 0o600 })
    } catch (err) {
      throw toStorageError(err, dir)
    }
  }

  /**
   * Makes everything staged durable, then writes the commit marker durably: from here on the
   * import will appear, even after a crash.
   */
  async commit(commit: ImportCommit): Promise<void> {
    await flushFileSystem(this.dir)
    writeFileDurably(path.join(this.dir, COMMIT_FILE), JSON.stringify(commit))
    syncDir(this.dir)
  }

  /** Removes everything staged; the import leaves no trace. */
  discard(): void {
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

/** What applying a commit needs; `beforeRecords` puts rooms in place when they are not on disk. */
export interface ApplyDeps {
  db: Db
  ensureBatch: (db: Db, name: string) => Promise<unknown>
  beforeRecords?: (tasks: Task[]) => void
}

/**
 * Step 3: moves the staged rooms into place, then writes the batch and the task records that do
 * not exist yet, then removes the staging directory. Safe to run again after a crash mid-way.
 */
export async function applyCommitted(
  dir: string,
  commit: ImportCommit,
  deps: ApplyDeps,
): Promise<void> {
  const roomsDir = path.join(deps.db.dir, 'rooms')
  fs.mkdirSync(roomsDir, { recursive: true, mode: 0o700 })
  const pending = commit.tasks.filter((t) => !deps.db.hasTask(t.id))
  let first = true
  for (const task of pending) {
    const staged = path.join(dir, 'rooms', task.id)
    if (!fs.existsSync(staged)) continue // moved before a crash
    const target = path.join(roomsDir, task.id)
    if (fs.existsSync(target)) moveAside(deps.db.dir, target)
    fs.renameSync(staged, target)
    if (first) crashPointForTests('import-committed')
    first = false
  }
  syncDir(roomsDir)
  deps.beforeRecords?.(pending)
  await deps.ensureBatch(deps.db, commit.batch)
  // The records are written unsynced and flushed once; the marker is removed only after that.
  if (pending.length) await deps.db.addTasks(pending, () => flushFileSystem(path.join(deps.db.dir, 'tasks')))
  fs.rmSync(dir, { recursive: true, force: true })
}

/**
 * Undoes a committed import whose apply failed in this process (a full disk): the marker goes
 * first, so a crash during the undo is finished by startup's sweep, then the rooms this import
 * moved into place for tasks that got no record, then the staging directory.
 */
export function rollBack(dir: string, commit: ImportCommit, db: Db): void {
  fs.rmSync(path.join(dir, COMMIT_FILE), { force: true })
  syncDir(dir)
  for (const task of commit.tasks) {
    if (db.hasTask(task.id)) continue
    fs.rmSync(path.join(db.dir, 'rooms', task.id), { recursive: true, force: true })
  }
  fs.rmSync(dir, { recursive: true, force: true })
}

/**
 * At startup, before anything serves: finishes every committed import, deletes every staging
 * directory without a commit marker, and moves aside room directories whose task has no record
 * (what a failed import left behind before imports were staged). Returns what it did, for the log.
 */
export async function recoverImports(deps: ApplyDeps & { log: Logger }): Promise<{ finished: number; discarded: number; orphans: string[] }> {
  const base = path.join(deps.db.dir, IMPORTS_DIR)
  let finished = 0
  let discarded = 0
  for (const name of fs.existsSync(base) ? fs.readdirSync(base) : []) {
    const dir = path.join(base, name)
    const commit = readCommit(path.join(dir, COMMIT_FILE))
    if (commit) {
      await applyCommitted(dir, commit, deps)
      finished++
      deps.log.warn('finished an import interrupted after its commit', { dir, tasks: commit.tasks.length })
    } else {
      fs.rmSync(dir, { recursive: true, force: true })
      discarded++
      deps.log.warn('discarded an import interrupted before its commit', { dir })
    }
  }
  const orphans: string[] = []
  const roomsDir = path.join(deps.db.dir, 'rooms')
  for (const name of fs.existsSync(roomsDir) ? fs.readdirSync(roomsDir) : []) {
    if (deps.db.hasTask(name)) continue
    orphans.push(moveAside(deps.db.dir, path.join(roomsDir, name)))
  }
  if (orphans.length) deps.log.warn('moved aside room directories of tasks that do not exist', { orphans })
  return { finished, discarded, orphans }
}

/** The commit marker, or null when there is none (a torn one cannot exist: it is renamed in). */
function readCommit(file: string): ImportCommit | null {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
  let commit: ImportCommit
  try {
    commit = JSON.parse(text) as ImportCommit
  } catch {
    throw new Error(`${file} is not valid JSON; move its directory away to start`)
  }
  if (typeof commit?.batch !== 'string' || !Array.isArray(commit.tasks)) {
    throw new Error(`${file} is not an import commit marker; move its directory away to start`)
  }
  return commit
}

/** Moves a directory to `DATA_DIR/orphan-rooms/` (never deletes what someone might want back). */
function moveAside(dataDir: string, dir: string): string {
  const aside = path.join(dataDir, ORPHANS_DIR)
  fs.mkdirSync(aside, { recursive: true, mode: 0o700 })
  const target = path.join(aside, `${path.basename(dir)}-${Date.now()}-${randomBytes(3).toString('hex')}`)
  fs.renameSync(dir, target)
  return target
}

function writeFileDurably(file: string, text: string): void {
  const tmp = `${file}.tmp`
  const fd = fs.openSync(tmp, 'w', 0o600)
  try {
    fs.writeSync(fd, text)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
}

/** fsyncs every file and directory below `dir`, then `dir` itself. */
function syncTree(dir: string): void {
  if (!fs.existsSync(dir)) return
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) syncTree(p)
    else {
      const fd = fs.openSync(p, 'r')
      try {
        fs.fsyncSync(fd)
      } finally {
        fs.closeSync(fd)
      }
    }
  }
  syncDir(dir)
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}
