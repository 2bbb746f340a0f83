/**
 * Who is assigned to which task: an append-only log, `DATA_DIR/assignments.log`, one JSON line per
 * change (`{"task","assignees","at"}`), written in batches. A batch is its entry lines followed by
 * one commit line (`{"committed":<number of entries>}`), appended with one write and one fsync;
 * the caller changes memory only after `append` returned. On start the log is read over the task
 * packs and files (the last committed entry of a task wins). Lines after the last commit line are
 * a batch a crash cut short: ignored with a notice and cut off, never a failed start. A damaged
 * line inside a committed batch refuses the start (RecordFileError), like any damaged record.
 * When the log holds far more entries than tasks, it is rewritten with the latest entry per task.
 */
import fs from 'node:fs'
import path from 'node:path'
import { appendWholeSync, fsyncDir, replaceFile } from './durableFile'
import { RecordFileError } from './recordFile'

/** One task's assignees as of `at` (ISO time). */
export interface AssignmentEntry {
  task: string
  assignees: string[]
  at: string
}

/** The log is compacted once it holds more than this many entries per task it names, plus slack. */
const COMPACT_FACTOR = 2
const COMPACT_SLACK = 1024

/** What reading the log found: the latest entry per task, and what deserves a warning. */
export interface ReadLog {
  latest: Map<string, AssignmentEntry>
  notices: string[]
}

export class AssignmentLog {
  private constructor(
    readonly file: string,
    /** Entries in the file (every batch, not only the latest per task). */
    private entries: number,
    /** Tasks the log names, with the time of their latest entry. */
    private readonly named: Map<string, string>,
  ) {}

  /** Reads the log of `dataDir` (none yet reads as empty); throws RecordFileError on damage. */
  static open(dataDir: string): { log: AssignmentLog; read: ReadLog } {
    const file = path.join(dataDir, 'assignments.log')
    const latest = new Map<string, AssignmentEntry>()
    const notices: string[] = []
    let entries = 0
    let text = ''
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    let pending: AssignmentEntry[] = []
    let pendingFrom = 0
    let committedEnd = 0
    let pos = 0
    let line = 0
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos)
      const end = nl < 0 ? text.length : nl
      const raw = text.slice(pos, end)
      line++
      if (pending.length === 0) pendingFrom = line
      const value = nl < 0 ? undefined : parseLine(raw)
      pos = nl < 0 ? text.length : nl + 1
      if (value === undefined) {
        // torn or damaged: fatal only if a commit line follows (the batch was acknowledged)
        if (commitFollows(text, pos)) throw new RecordFileError(file, `line ${line} is not a valid assignment`)
        break
      }
      if ('committed' in value) {
        if (value.committed !== pending.length) throw new RecordFileError(file, `line ${line} commits ${value.committed} entries, not the ${pending.length} before it`)
        for (const e of pending) latest.set(e.task, e)
        entries += pending.length
        pending = []
        committedEnd = pos
      } else pending.push(value)
    }
    if (committedEnd < text.length) {
      const cut = Buffer.byteLength(text.slice(committedEnd))
      notices.push(`${file}: a batch of assignments cut short from line ${pendingFrom} on (${cut} bytes) was never acknowledged; it was ignored and cut off`)
      const fd = fs.openSync(file, 'r+')
      try {
        fs.ftruncateSync(fd, Buffer.byteLength(text.slice(0, committedEnd)))
        fs.fsyncSync(fd)
      } finally {
        fs.closeSync(fd)
      }
    }
    const named = new Map<string, string>()
    for (const [task, e] of latest) named.set(task, e.at)
    return { log: new AssignmentLog(file, entries, named), read: { latest, notices } }
  }

  /**
   * Appends one batch durably (one write, one fsync) or throws StorageError with the file as it
   * was. The caller changes memory only after this returned.
   */
  append(batch: readonly AssignmentEntry[]): void {
    if (!batch.length) return
    const created = !fs.existsSync(this.file)
    const lines = batch.map((e) => JSON.stringify({ task: e.task, assignees: e.assignees, at: e.at }))
    lines.push(JSON.stringify({ committed: batch.length }))
    try {
      appendWholeSync(this.file, Buffer.from(`${lines.join('\n')}\n`))
    } catch (err) {
      if (created) fs.rmSync(this.file, { force: true }) // the empty file a failed first batch made
      throw err
    }
    if (created) fsyncDir(path.dirname(this.file))
    this.entries += batch.length
    for (const e of batch) this.named.set(e.task, e.at)
  }

  /** Whether the log has grown well past one entry per task it names. */
  get wantsCompaction(): boolean {
    return this.entries > COMPACT_FACTOR * this.named.size + COMPACT_SLACK
  }

  /** Entries in the file, and tasks it names: for tests and benchmarks. */
  get size(): { entries: number; tasks: number } {
    return { entries: this.entries, tasks: this.named.size }
  }

  /**
   * Rewrites the log with one entry per named task (`assigneesOf` gives its current assignees),
   * through a temporary file and a rename; a failure (StorageError) leaves the old log in place.
   */
  async compact(assigneesOf: (task: string) => string[] | undefined): Promise<void> {
    const lines: string[] = []
    const kept = new Map<string, string>()
    for (const [task, at] of this.named) {
      const assignees = assigneesOf(task)
      if (!assignees) continue
      lines.push(JSON.stringify({ task, assignees, at }))
      kept.set(task, at)
    }
    lines.push(JSON.stringify({ committed: kept.size }))
    await replaceFile(this.file, `${lines.join('\n')}\n`)
    this.entries = kept.size
    this.named.clear()
    for (const [task, at] of kept) this.named.set(task, at)
  }
}

/** A line's value: an entry, a commit, or undefined when it is neither. */
function parseLine(raw: string): AssignmentEntry | { committed: number } | undefined {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if ('committed' in v) return Number.isInteger(v.committed) ? { committed: v.committed as number } : undefined
  if (typeof v.task !== 'string' || typeof v.at !== 'string' || !Array.isArray(v.assignees)) return undefined
  if (!v.assignees.every((a) => typeof a === 'string')) return undefined
  return { task: v.task, assignees: v.assignees as string[], at: v.at }
}

/** Whether a commit line follows `pos`: then the batch around a bad line was acknowledged. */
function commitFollows(text: string, pos: number): boolean {
  for (const raw of text.slice(pos).split('\n')) {
    const value = parseLine(raw)
    if (value && 'committed' in value) return true
  }
  return false
}
