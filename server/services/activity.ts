/**
 * Time on task: active time per person per task, measured by the server from that person's own
 * messages in the task's rooms, as the room classified them (server/sync/roomActivity.ts). Edits
 * and real presence changes (a cursor moved, a selection, a focus) count; y-websocket's 15-second
 * presence renewal, which repeats the same state, does not.
 * Each person has one timeline across every task: the gap between two of their consecutive
 * messages (in any rooms) counts once, when it is at most IDLE_MS, and goes to the task of the
 * message that ends it (the time before an act was spent on that act); a longer gap is idle. The
 * timeline ends when the person's last open connection closes, so time with no connection never
 * counts, and it never runs backwards: a message stamped before the last one counts nothing. So
 * the time credited to a person never exceeds the time they were connected, however many tabs
 * they keep open.
 * Totals are kept per quarter hour (UTC) in one file per UTC day, `activity/<YYYY-MM-DD>.json`,
 * written in batches: every zone's days are whole quarter hours, so the timesheet can split days in
 * any time zone (shared/timeZone.ts). Rows written before quarters were kept (no `q`) hold a whole
 * UTC day and are reported on that day's date in every zone.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseRoomName } from '../../shared/roomNames'
import { replaceFileSync } from '../storage/durableFile'
import type { RoomActivity } from '../sync/roomActivity'

/** A gap longer than this between two consecutive messages of a person is idle time. */
export const IDLE_MS = 2 * 60_000
/** How often changed day files are written. */
export const ACTIVITY_FLUSH_MS = 10_000
/** How recent an edit must be to count as the edit a room change came from. */
const EDIT_MATCH_MS = 2_000

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

/** A person's active time on a task in one quarter hour (revisions summed). */
export interface QuarterTotal {
  /** The UTC day of the file the row came from. */
  day: string
  /** Start of the quarter hour in ms, or null for an old whole-day row (its UTC day only). */
  start: number | null
  task: string
  user: string
  active_ms: number
}

/** A person's active time on a task, all revisions and days together. */
export interface ActiveTotal {
  task: string
  user: string
  active_ms: number
}

/** How a tracker stores, which tasks it knows, and its clock. */
export interface ActivityOptions {
  /** Where day files live; null keeps everything in memory. */
  dataDir: string | null
  /** The task's current revision, or undefined for an unknown task (ignored). */
  revisionOf: (taskId: string) => number | undefined
  /** The clock, injected by tests that script idle gaps. */
  now?: () => number
  flushMs?: number
  onError?: (err: unknown) => void
}

/** The part of a connection the tracker reads. */
export interface ActiveConnection {
  user: { id: string }
  /** The connection's access now: a read-only connection's updates are dropped, so they are no edits. */
  access?: string
}

const DAY_MS = 86_400_000
/** The finest unit time is kept in: every time zone's offset is a whole number of these. */
export const QUARTER_MS = 15 * 60_000
const QUARTERS_PER_DAY = DAY_MS / QUARTER_MS
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/

// every frame asks for the day; it changes once a day
let lastDay = { n: NaN, s: '' }

/** `YYYY-MM-DD` (UTC) of a time. */
export function dayOf(at: number): string {
  const n = Math.floor(at / DAY_MS)
  if (n !== lastDay.n) lastDay = { n, s: new Date(n * DAY_MS).toISOString().slice(0, 10) }
  return lastDay.s
}

/** Measures and keeps time on task for one server (one DATA_DIR). */
export class ActivityTracker {
  private readonly now: () => number
  /** day → `task\nuser\nrevision\nquarter` → row */
  private readonly days = new Map<string, Map<string, ActivityRow>>()
  /** task → user → active ms over every day and revision (a row at zero included), kept as rows change */
  private readonly byTask = new Map<string, Map<string, number>>()
  /** user → the time of their latest message on their current timeline; absent: no timeline */
  private readonly lastAt = new Map<string, number>()
  /** user → their open connections, as the server reports them (connected/disconnected) */
  private readonly open = new Map<string, number>()
  private readonly lastEditAt = new Map<string, number>()
  private readonly dirty = new Set<string>()
  private readonly timer: NodeJS.Timeout | null
  private readonly dir: string | null

  constructor(private readonly options: ActivityOptions) {
    this.now = options.now ?? Date.now
    this.dir = options.dataDir === null ? null : path.join(options.dataDir, 'activity')
    if (this.dir) this.load(this.dir)
    for (const rows of this.days.values()) for (const r of rows.values()) this.credit(r.task, r.user, r.active_ms)
    this.timer = this.dir ? setInterval(() => this.flush(), options.flushMs ?? ACTIVITY_FLUSH_MS) : null
    this.timer?.unref()
  }

  private load(dir: string): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    for (const name of fs.readdirSync(dir)) {
      const day = DAY_FILE.exec(name)?.[1]
      if (!day) continue
      try {
        const rows = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as ActivityRow[]
        const map = new Map<string, ActivityRow>()
        for (const r of Array.isArray(rows) ? rows : []) {
          if (typeof r?.task !== 'string' || typeof r.user !== 'string' || !Number.isInteger(r.revision)) continue
          if (typeof r.active_ms !== 'number' || !(r.active_ms >= 0)) continue
          const q = r.q === undefined ? undefined : Number.isInteger(r.q) && r.q >= 0 && r.q < QUARTERS_PER_DAY ? r.q : null
          if (q === null) continue
          const edits = Number.isSafeInteger(r.edits) && r.edits! > 0 ? { edits: r.edits } : {}
          const quarter = q === undefined ? {} : { q }
          map.set(rowKey(r.task, r.user, r.revision, q), { task: r.task, user: r.user, revision: r.revision, active_ms: r.active_ms, ...edits, ...quarter })
        }
        this.days.set(day, map)
      } catch (err) {
        this.options.onError?.(err)
      }
    }
  }

  /**
   * Notes what a room classified one frame of `conn` in `room` as (server/sync/roomActivity.ts).
   * An edit counts as one only from a connection that may write (a read-only one's are dropped);
   * a presence renewal, which repeats the same state, is no activity. Never throws.
   */
  onActivity(conn: ActiveConnection, room: string, activity: RoomActivity): void {
    if (activity === 'presenceRenewal') return
    const parsed = parseRoomName(room)
    if (!parsed) return
    const edit = activity === 'edit' && (conn.access === undefined || conn.access === 'write')
    const at = this.note(conn.user.id, parsed.taskId, undefined, edit)
    if (edit && parsed.kind === 'workspace' && at !== null) this.lastEditAt.set(pairKey(parsed.taskId, conn.user.id), at)
  }

  /** A connection of `userId` opened; the first one starts a fresh timeline. */
  connected(userId: string): void {
    const n = this.open.get(userId) ?? 0
    if (n === 0) this.lastAt.delete(userId)
    this.open.set(userId, n + 1)
  }

  /** A connection of `userId` closed; the last one ends their timeline, so the time until they come back is not credited. */
  disconnected(userId: string): void {
    const n = (this.open.get(userId) ?? 0) - 1
    if (n > 0) return void this.open.set(userId, n)
    this.open.delete(userId)
    this.lastAt.delete(userId)
  }

  /**
   * Notes one act by `userId` on `taskId` at `at` (the tracker's clock), counting it as an edit
   * when `edit` says so; returns that time. The gap since the person's previous act on any task
   * is credited here, to `taskId`, when it is at most IDLE_MS. An act on an unknown task is
   * credited nothing but still ends the gap before it.
   */
  note(userId: string, taskId: string, at = this.now(), edit = false): number | null {
    const prev = this.lastAt.get(userId)
    if (prev === undefined || at > prev) this.lastAt.set(userId, at)
    const revision = this.options.revisionOf(taskId)
    if (revision === undefined) return null
    const gap = prev === undefined ? 0 : at - prev
    // the row of `at`'s quarter exists even without credit: a first act shows as a zero row
    const last = this.row(at, taskId, userId, revision)
    if (edit) {
      last.edits = (last.edits ?? 0) + 1
      this.dirty.add(dayOf(at))
    }
    if (gap > 0 && gap <= IDLE_MS) {
      // the credited span [prev, at) split at quarter-hour (and so day) boundaries
      for (let start = prev!; start < at; ) {
        const end = Math.min(at, Math.floor(start / QUARTER_MS) * QUARTER_MS + QUARTER_MS)
        this.row(start, taskId, userId, revision).active_ms += end - start
        this.credit(taskId, userId, end - start)
        this.dirty.add(dayOf(start))
        start = end
      }
    }
    return at
  }

  /** The row of the quarter hour `at` falls in, made (and its day marked for writing) when missing. */
  private row(at: number, task: string, user: string, revision: number): ActivityRow {
    const day = dayOf(at)
    let rows = this.days.get(day)
    if (!rows) this.days.set(day, (rows = new Map()))
    const q = Math.floor((at - Math.floor(at / DAY_MS) * DAY_MS) / QUARTER_MS)
    const k = rowKey(task, user, revision, q)
    let row = rows.get(k)
    if (!row) {
      rows.set(k, (row = { task, user, revision, active_ms: 0, q }))
      this.dirty.add(day)
      this.credit(task, user, 0)
    }
    return row
  }

  /** Adds `ms` to the running total of `user` on `task`. */
  private credit(task: string, user: string, ms: number): void {
    let users = this.byTask.get(task)
    if (!users) this.byTask.set(task, (users = new Map()))
    users.set(user, (users.get(user) ?? 0) + ms)
  }

  /**
   * Active milliseconds per person on one task over every day and revision, as `totalsByTask`
   * gives them (a person with only a zero row is listed), read from running totals: no scan.
   */
  totalsOf(taskId: string): ReadonlyMap<string, number> | undefined {
    return this.byTask.get(taskId)
  }

  /** Whether `userId` sent an edit to the task's workspace in the last moments. */
  editedRecently(userId: string, taskId: string): boolean {
    const at = this.lastEditAt.get(pairKey(taskId, userId))
    return at !== undefined && this.now() - at <= EDIT_MATCH_MS
  }

  /** Active milliseconds per user on one revision of a task, over every day. */
  activeOn(taskId: string, revision: number): Map<string, number> {
    const out = new Map<string, number>()
    for (const rows of this.days.values()) {
      for (const r of rows.values()) {
        if (r.task === taskId && r.revision === revision) out.set(r.user, (out.get(r.user) ?? 0) + r.active_ms)
      }
    }
    return out
  }

  /**
   * The people who worked on one revision of a task: active time above zero or at least one edit
   * there. Only they are credited in its record and the ranking export, never everyone assigned.
   */
  workedOn(taskId: string, revision: number): Map<string, number> {
    const active = new Map<string, number>()
    const edited = new Set<string>()
    for (const rows of this.days.values()) {
      for (const r of rows.values()) {
        if (r.task !== taskId || r.revision !== revision) continue
        active.set(r.user, (active.get(r.user) ?? 0) + r.active_ms)
        if ((r.edits ?? 0) > 0) edited.add(r.user)
      }
    }
    for (const [user, ms] of active) if (ms <= 0 && !edited.has(user)) active.delete(user)
    return active
  }

  /**
   * Active milliseconds per task and person over every day and revision: what the lead's
   * dashboard shows live (a reopen does not hide the time already worked on the task).
   */
  totalsByTask(): ActiveTotal[] {
    const sums = new Map<string, ActiveTotal>()
    for (const rows of this.days.values()) {
      for (const r of rows.values()) {
        const k = pairKey(r.task, r.user)
        const s = sums.get(k)
        if (s) s.active_ms += r.active_ms
        else sums.set(k, { task: r.task, user: r.user, active_ms: r.active_ms })
      }
    }
    return [...sums.values()]
  }

  /** Rows of the days from `from` to `to` (inclusive, `YYYY-MM-DD`), revisions summed. */
  daysBetween(from: string, to: string): { day: string; task: string; user: string; active_ms: number }[] {
    const out: { day: string; task: string; user: string; active_ms: number }[] = []
    for (const [day, rows] of this.days) {
      if (day < from || day > to) continue
      const sums = new Map<string, { day: string; task: string; user: string; active_ms: number }>()
      for (const r of rows.values()) {
        const k = pairKey(r.task, r.user)
        const s = sums.get(k)
        if (s) s.active_ms += r.active_ms
        else sums.set(k, { day, task: r.task, user: r.user, active_ms: r.active_ms })
      }
      for (const s of sums.values()) out.push(s)
    }
    return out
  }

  /**
   * Active time per quarter hour in the UTC days from `from` to `to` (inclusive, `YYYY-MM-DD`),
   * revisions summed. Old whole-day rows come with `start: null`.
   */
  quartersBetween(from: string, to: string): QuarterTotal[] {
    const out: QuarterTotal[] = []
    for (const [day, rows] of this.days) {
      if (day < from || day > to) continue
      const dayStart = Date.parse(`${day}T00:00:00Z`)
      const sums = new Map<string, QuarterTotal>()
      for (const r of rows.values()) {
        const k = `${pairKey(r.task, r.user)}\n${r.q ?? '-'}`
        const s = sums.get(k)
        if (s) s.active_ms += r.active_ms
        else sums.set(k, { day, start: r.q === undefined ? null : dayStart + r.q * QUARTER_MS, task: r.task, user: r.user, active_ms: r.active_ms })
      }
      for (const s of sums.values()) out.push(s)
    }
    return out
  }

  /** Writes every day file changed since the last flush; a failed write stays dirty and is retried. */
  flush(): void {
    if (!this.dir) return this.dirty.clear()
    for (const day of [...this.dirty]) {
      try {
        replaceFileSync(path.join(this.dir, `${day}.json`), JSON.stringify([...(this.days.get(day)?.values() ?? [])]))
        this.dirty.delete(day)
      } catch (err) {
        this.options.onError?.(err)
      }
    }
  }

  /** Stops the timer and writes what is pending (shutdown). */
  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.flush()
  }
}

function pairKey(task: string, user: string): string {
  return `${task}\n${user}`
}

function rowKey(task: string, user: string, revision: number, q: number | undefined): string {
  return `${task}\n${user}\n${revision}\n${q ?? '-'}`
}
