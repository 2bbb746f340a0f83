/**
 * The append-only audit log of workflow actions: one JSON line per action in
 * `audit/<YYYY-MM>.jsonl` (0600). Lines are only ever appended, never rewritten.
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
}

const MONTH_FILE = /^\d{4}-\d{2}\.jsonl$/

/** The audit log of one DATA_DIR: append and read, nothing else. */
export class AuditLog {
  private readonly dir: string

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'audit')
    ensureDir(this.dir)
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
    for (const name of fs.readdirSync(this.dir).filter((n) => MONTH_FILE.test(n)).sort()) {
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
}
