/**
 * The audit log in PostgreSQL: one record log (`audit`) shared by every instance, each line an
 * AuditEntry stored as its exact JSON text. Lines are only ever appended. Each instance keeps the
 * lines in memory, indexed by task, and its memory changes only by following the log
 * (logFollower.ts), for its own appends and other instances' alike, so reads stay synchronous.
 * A finalize's line is written by the record store in the same transaction as its record
 * (reviewRecords.ts): neither is ever seen without the other.
 */
import type { AuditCursor, AuditEntry, RecordCommit } from '../audit'
import type { PostgresRecordDocs } from './recordDocs'
import { LogFollower } from './logFollower'
import type { LogFollowerOptions } from './logFollower'

/** The record log that holds the audit lines. */
export const AUDIT_LOG = 'audit'

/** The key of an AuditCursor that counts the lines a PostgreSQL reader has taken. */
const CURSOR_KEY = 'postgres'

/** Checks the fields every reader relies on; returns why a line is not an entry, or null. */
export function auditEntryProblem(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'an audit entry is an object'
  const e = entry as Record<string, unknown>
  for (const field of ['at', 'by', 'task', 'action'] as const) {
    if (typeof e[field] !== 'string') return `an audit entry's ${field} is a string`
  }
  if (!Number.isSafeInteger(e.revision)) return "an audit entry's revision is an integer"
  return null
}

export class PostgresAuditLog {
  private readonly follower: LogFollower
  /** Every line, oldest first. */
  private readonly entries: AuditEntry[] = []
  /** task id → its lines, oldest first. */
  private readonly byTask = new Map<string, AuditEntry[]>()
  private readonly commitList: RecordCommit[] = []

  constructor(
    readonly docs: PostgresRecordDocs,
    options: LogFollowerOptions & { onBadEntry?: (seq: number, problem: string) => void } = {},
  ) {
    const onBadEntry =
      options.onBadEntry ?? ((seq, problem) => console.error(`codejury: audit line ${seq} is skipped: ${problem}`))
    this.follower = new LogFollower(
      docs,
      AUDIT_LOG,
      (lines) => {
        for (const { seq, body } of lines) {
          const problem = auditEntryProblem(body)
          if (problem) onBadEntry(seq, problem)
          else this.remember(body as AuditEntry)
        }
      },
      options,
    )
  }

  private remember(entry: AuditEntry): void {
    this.entries.push(entry)
    const list = this.byTask.get(entry.task)
    if (list) list.push(entry)
    else this.byTask.set(entry.task, [entry])
    const { task, revision, record_hash, seq, at } = entry
    if (typeof record_hash === 'string' && Number.isSafeInteger(seq)) this.commitList.push({ task, revision, record_hash, seq: seq!, at })
  }

  /** Reads every line so far, then follows the log. */
  start(): Promise<void> {
    return this.follower.start()
  }

  stop(): void {
    this.follower.stop()
  }

  /** Takes in what other instances appended since the last look. */
  catchUp(): Promise<void> {
    return this.follower.catchUp()
  }

  /** Resolves once memory holds every line up to `seq` (an append's or a commit's own). */
  reach(seq: number): Promise<void> {
    return this.follower.reach(seq)
  }

  /**
   * Appends one line and resolves once it is committed and in memory; an action that could not
   * be logged rejects (and was not logged) rather than going unrecorded.
   */
  async append(entry: AuditEntry): Promise<void> {
    const problem = auditEntryProblem(entry)
    if (problem) throw new TypeError(problem)
    const seq = await this.docs.append(AUDIT_LOG, entry)
    await this.follower.reach(seq)
  }

  /** Every line, oldest first (optionally only one task's), as of the last catch-up. */
  read(taskId?: string): AuditEntry[] {
    const list = taskId === undefined ? this.entries : (this.byTask.get(taskId) ?? [])
    return list.map((e) => ({ ...e }))
  }

  /** Every line that commits a record, oldest first. */
  commits(): RecordCommit[] {
    return this.commitList.map((c) => ({ ...c }))
  }

  /**
   * The lines taken in since `cursor` (moved on in place), oldest first: readAuditSince's
   * contract, so an incremental reader (the workflow index) works on either store.
   */
  readSince(cursor: AuditCursor): AuditEntry[] {
    const from = cursor.get(CURSOR_KEY) ?? 0
    cursor.set(CURSOR_KEY, this.entries.length)
    return this.entries.slice(from).map((e) => ({ ...e }))
  }
}
