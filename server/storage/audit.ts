/**
 * The append-only audit log of workflow actions: one JSON line per action in
 * `audit/<YYYY-MM>.jsonl` (0600). Lines are only ever appended, never rewritten. A finalize's line
 * is also its commit point: the line names the record (`record_hash`, `seq`), and a record file
 * no line names was never committed (records.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { appendWholeSync, ensureDir } from './durableFile'

/** One workflow action: who, when, what, on which task, and the message if any. */
export interface AuditEntry {
  at: string
  by: string
  by_name: string
  role: string
  task: string
  action: string
  from: string
  to: string
  revision: number
  message?: string
  /** A finalize, or the upgrade that signed an older record: the record this line commits. */
  record_hash?: string
  /** The committed record's place in the export order of commits (`since_seq`). */
  seq?: number
}

/** One committed record, as its audit line names it. */
export interface RecordCommit {
  task: string
  revision: number
  record_hash: string
  seq: number
  at: string
}

const MONTH_FILE = /^\d{4}-\d{2}\.jsonl$/

/** The audit log of one DATA_DIR: append and read, nothing else. */
export class AuditLog {
  private readonly dir: string

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'audit')
    ensureDir(this.dir)
    // A line torn by a power cut has no newline; the next append must not be glued onto it (the
    // torn fragment stays, as its own unreadable line).
    for (const name of this.files()) {
      const file = path.join(this.dir, name)
      if (!endsWithNewline(file)) appendWholeSync(file, Buffer.from('\n'))
    }
  }

  private files(): string[] {
    return fs.readdirSync(this.dir).filter((n) => MONTH_FILE.test(n)).sort()
  }

  /**
   * Appends one entry, whole and fsynced, before the action is reported done: an action that could
   * not be logged fails (507 on a full disk, the line cut back) rather than going unrecorded.
   */
  append(entry: AuditEntry): void {
    const file = path.join(this.dir, `${entry.at.slice(0, 7)}.jsonl`)
    appendWholeSync(file, Buffer.from(JSON.stringify(entry) + '\n'))
  }

  /** Every entry, oldest first (optionally only one task's); skips a torn last line. */
  read(taskId?: string): AuditEntry[] {
    const out: AuditEntry[] = []
    for (const name of this.files()) {
      for (const line of fs.readFileSync(path.join(this.dir, name), 'utf8').split('\n')) {
        if (!line) continue
        try {
          const entry = JSON.parse(line) as AuditEntry
          if (!taskId || entry.task === taskId) out.push(entry)
        } catch {
          // a line torn by a crash mid-append
        }
      }
    }
    return out
  }

  /** Every line that commits a record, oldest first: the record store's index is built from these. */
  commits(): RecordCommit[] {
    const out: RecordCommit[] = []
    for (const name of this.files()) {
      for (const line of fs.readFileSync(path.join(this.dir, name), 'utf8').split('\n')) {
        if (!line.includes('"record_hash"')) continue
        let entry: AuditEntry
        try {
          entry = JSON.parse(line) as AuditEntry
        } catch {
          continue // torn: that commit never happened
        }
        const { task, revision, record_hash, seq, at } = entry
        if (typeof task !== 'string' || !Number.isInteger(revision) || typeof record_hash !== 'string' || !Number.isInteger(seq)) continue
        out.push({ task, revision, record_hash, seq: seq!, at })
      }
    }
    return out
  }
}

function endsWithNewline(file: string): boolean {
  const fd = fs.openSync(file, 'r')
  try {
    const size = fs.fstatSync(fd).size
    if (size === 0) return true
    const last = Buffer.alloc(1)
    fs.readSync(fd, last, 0, 1, size - 1)
    return last[0] === 0x0a
  } finally {
    fs.closeSync(fd)
  }
}

/** Where an incremental reader of the audit log stopped: bytes read per month file. */
export type AuditCursor = Map<string, number>

/**
 * The entries appended to `dataDir`'s audit log since `cursor` (moved on in place), oldest first.
 * Reads only the new bytes, so a reader that keeps its cursor pays for each line once; a line
 * without its newline yet is left for the next read, and a torn one is skipped.
 */
export function readAuditSince(dataDir: string, cursor: AuditCursor): AuditEntry[] {
  const dir = path.join(dataDir, 'audit')
  if (!fs.existsSync(dir)) return []
  const out: AuditEntry[] = []
  for (const name of fs.readdirSync(dir).filter((n) => MONTH_FILE.test(n)).sort()) {
    const fd = fs.openSync(path.join(dir, name), 'r')
    try {
      const from = cursor.get(name) ?? 0
      const size = fs.fstatSync(fd).size
      if (size <= from) continue
      const bytes = Buffer.alloc(size - from)
      const got = fs.readSync(fd, bytes, 0, bytes.length, from)
      const end = bytes.lastIndexOf(0x0a, got - 1) + 1
      if (end === 0) continue
      cursor.set(name, from + end)
      for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
        if (!line) continue
        try {
          out.push(JSON.parse(line) as AuditEntry)
        } catch {
          // a line torn by a crash mid-append
        }
      }
    } finally {
      fs.closeSync(fd)
    }
  }
  return out
}
