/**
 * Where time on task is kept: the rows a tracker (server/services/activity.ts) measures, one UTC
 * day at a time. The file store writes one file per day under `DATA_DIR/activity`; the
 * PostgreSQL store (postgres/pgActivityStore.ts) keeps each instance's rows apart and hands every
 * instance the others' rows, so totals add up and nothing is counted twice.
 */
import fs from 'node:fs'
import path from 'node:path'
import { replaceFileSync } from './durableFile'

/** One row of a day: a person's active time on one revision of a task. */
export interface ActivityRow {
  task: string
  user: string
  revision: number
  active_ms: number
  /** Edits (updates from a connection that may write) the person sent to the task's rooms. */
  edits?: number
  /** The quarter hour of the UTC day (0–95) the time was spent in; absent on whole-day rows of old files. */
  q?: number
}

/** Rows another writer stored: `key` names them, and the next change with that key replaces them whole. */
export interface ForeignRows {
  key: string
  day: string
  /** Empty when the writer's rows are gone. */
  rows: readonly ActivityRow[]
}

/** The storage seam of the time-on-task tracker. */
export interface ActivityStore {
  /** The rows this tracker stored before it started, by UTC day: they are its own again. */
  loadOwn(): Map<string, ActivityRow[]>
  /**
   * Stores this tracker's rows of one day, whole. The rows are read during the call (they keep
   * changing after it). Returns when stored, or a promise of it; a throw or rejection leaves the
   * day to be written again.
   */
  writeDay(day: string, rows: readonly ActivityRow[]): void | Promise<void>
  /**
   * Follows the rows other writers store: what is held now at once, then each change. Absent
   * when this tracker is the only writer.
   */
  follow?(listener: (change: ForeignRows) => void): void
}

const DAY_MS = 86_400_000
/** The finest unit time is kept in: every time zone's offset is a whole number of these. */
export const QUARTER_MS = 15 * 60_000
const QUARTERS_PER_DAY = DAY_MS / QUARTER_MS
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/
/** A UTC day as row sets are named. */
export const DAY = /^\d{4}-\d{2}-\d{2}$/

/** The well-formed rows of a stored list, each copied; anything else is skipped. */
export function readActivityRows(list: unknown): ActivityRow[] {
  const out: ActivityRow[] = []
  for (const r of Array.isArray(list) ? (list as Partial<ActivityRow>[]) : []) {
    if (typeof r?.task !== 'string' || typeof r.user !== 'string' || !Number.isInteger(r.revision)) continue
    if (typeof r.active_ms !== 'number' || !(r.active_ms >= 0)) continue
    const q = r.q === undefined ? undefined : Number.isInteger(r.q) && r.q >= 0 && r.q < QUARTERS_PER_DAY ? r.q : null
    if (q === null) continue
    const edits = Number.isSafeInteger(r.edits) && r.edits! > 0 ? { edits: r.edits } : {}
    const quarter = q === undefined ? {} : { q }
    out.push({ task: r.task, user: r.user, revision: r.revision!, active_ms: r.active_ms, ...edits, ...quarter })
  }
  return out
}

/** The day files of one DATA_DIR (`activity/<YYYY-MM-DD>.json`, 0600), written whole and durably. */
export class FileActivityStore implements ActivityStore {
  constructor(
    private readonly dir: string,
    private readonly onError?: (err: unknown) => void,
  ) {}

  /** Every day file; one that does not parse is reported and skipped. */
  loadOwn(): Map<string, ActivityRow[]> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    const days = new Map<string, ActivityRow[]>()
    for (const name of fs.readdirSync(this.dir)) {
      const day = DAY_FILE.exec(name)?.[1]
      if (!day) continue
      try {
        days.set(day, readActivityRows(JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8'))))
      } catch (err) {
        this.onError?.(err)
      }
    }
    return days
  }

  writeDay(day: string, rows: readonly ActivityRow[]): void {
    replaceFileSync(path.join(this.dir, `${day}.json`), JSON.stringify(rows))
  }
}
