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
 * Totals are kept per quarter hour (UTC) in rows per UTC day, written in batches through an
 * ActivityStore (server/storage/activityStore.ts; by default one file per day,
 * `activity/<YYYY-MM-DD>.json`): every zone's days are whole quarter hours, so the timesheet can
 * split days in any time zone (shared/timeZone.ts). Rows written before quarters were kept (no `q`)
 * hold a whole UTC day and are reported on that day's date in every zone.
 * With several instances, each measures and stores its own connections' time; the rows other
 * instances store (the store's `follow`) are added to every read, never to this tracker's rows.
 */
import path from 'node:path'
import { parseRoomName } from '../../shared/roomNames'
import { FileActivityStore, QUARTER_MS } from '../storage/activityStore'
import type { ActivityRow, ActivityStore, ForeignRows } from '../storage/activityStore'
import type { RoomActivity } from '../sync/roomActivity'

export { QUARTER_MS } from '../storage/activityStore'
export type { ActivityRow, ActivityStore } from '../storage/activityStore'

/** A gap longer than this between two consecutive messages of a person is idle time. */
export const IDLE_MS = 2 * 60_000
/** How often changed day files are written. */
export const ACTIVITY_FLUSH_MS = 10_000
/** How recent an edit must be to count as the edit a room change came from. */
const EDIT_MATCH_MS = 2_000

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
  /** Where day files live; null keeps everything in memory. Ignored when `store` is given. */
  dataDir: string | null
  /** Where rows are kept instead of DATA_DIR's day files (PostgreSQL, with several instances). */
  store?: ActivityStore
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
  /** day → `task\nuser\nrevision\nquarter` → row: this tracker's own rows */
  private readonly days = new Map<string, Map<string, ActivityRow>>()
  /** other writers' rows (other instances), by the store's key; read, never written here */
  private readonly foreign = new Map<string, { day: string; rows: readonly ActivityRow[] }>()
  /** writes the store has not finished yet */
  private readonly writing = new Set<Promise<void>>()
  /** task → user → active ms over every day and revision (a row at zero included), kept as rows change */
  private readonly byTask = new Map<string, Map<string, number>>()
  /** user → the time of their latest message on their current timeline; absent: no timeline */
  private readonly lastAt = new Map<string, number>()
  /** user → their open connections, as the server reports them (connected/disconnected) */
  private readonly open = new Map<string, number>()
  private readonly lastEditAt = new Map<string, number>()
  private readonly dirty = new Set<string>()
  private readonly timer: NodeJS.Timeout | null
  private readonly store: ActivityStore | null

  constructor(private readonly options: ActivityOptions) {
    this.now = options.now ?? Date.now
    this.store =
      options.store ?? (options.dataDir === null ? null : new FileActivityStore(path.join(options.dataDir, 'activity'), options.onError))
    for (const [day, rows] of this.store?.loadOwn() ?? []) {
      this.days.set(day, new Map(rows.map((r) => [rowKey(r.task, r.user, r.revision, r.q), r])))
    }
    for (const rows of this.days.values()) for (const r of rows.values()) this.credit(r.task, r.user, r.active_ms)
    this.store?.follow?.((change) => this.applyForeign(change))
    this.timer = this.store ? setInterval(() => this.flush(), options.flushMs ?? ACTIVITY_FLUSH_MS) : null
    this.timer?.unref()
  }

  /** Replaces another writer's rows of one key, keeping the running totals in step. */
  private applyForeign(change: ForeignRows): void {
    const old = this.foreign.get(change.key)
    for (const r of old?.rows ?? []) this.credit(r.task, r.user, -r.active_ms)
    if (change.rows.length === 0) this.foreign.delete(change.key)
    else this.foreign.set(change.key, { day: change.day, rows: change.rows })
    for (const r of change.rows) this.credit(r.task, r.user, r.active_ms)
  }

  /** Every row, this tracker's and other writers', with its UTC day; only `from`–`to` when given. */
  private *rows(from = '', to = '\uffff'): Generator<[string, ActivityRow]> {
    for (const [day, rows] of this.days) {
      if (day < from || day > to) continue
      for (const r of rows.values()) yield [day, r]
    }
    for (const { day, rows } of this.foreign.values()) {
      if (day < from || day > to) continue
      for (const r of rows) yield [day, r]
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
    for (const [, r] of this.rows()) {
      if (r.task === taskId && r.revision === revision) out.set(r.user, (out.get(r.user) ?? 0) + r.active_ms)
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
    for (const [, r] of this.rows()) {
      if (r.task !== taskId || r.revision !== revision) continue
      active.set(r.user, (active.get(r.user) ?? 0) + r.active_ms)
      if ((r.edits ?? 0) > 0) edited.add(r.user)
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
    for (const [, r] of this.rows()) {
      const k = pairKey(r.task, r.user)
      const s = sums.get(k)
      if (s) s.active_ms += r.active_ms
      else sums.set(k, { task: r.task, user: r.user, active_ms: r.active_ms })
    }
    return [...sums.values()]
  }

  /** Rows of the days from `from` to `to` (inclusive, `YYYY-MM-DD`), revisions summed. */
  daysBetween(from: string, to: string): { day: string; task: string; user: string; active_ms: number }[] {
    const sums = new Map<string, { day: string; task: string; user: string; active_ms: number }>()
    for (const [day, r] of this.rows(from, to)) {
      const k = `${day}\n${pairKey(r.task, r.user)}`
      const s = sums.get(k)
      if (s) s.active_ms += r.active_ms
      else sums.set(k, { day, task: r.task, user: r.user, active_ms: r.active_ms })
    }
    return [...sums.values()]
  }

  /**
   * Active time per quarter hour in the UTC days from `from` to `to` (inclusive, `YYYY-MM-DD`),
   * revisions summed. Old whole-day rows come with `start: null`.
   */
  quartersBetween(from: string, to: string): QuarterTotal[] {
    const sums = new Map<string, QuarterTotal>()
    for (const [day, r] of this.rows(from, to)) {
      const k = `${day}\n${pairKey(r.task, r.user)}\n${r.q ?? '-'}`
      const s = sums.get(k)
      if (s) s.active_ms += r.active_ms
      else sums.set(k, { day, start: r.q === undefined ? null : Date.parse(`${day}T00:00:00Z`) + r.q * QUARTER_MS, task: r.task, user: r.user, active_ms: r.active_ms })
    }
    return [...sums.values()]
  }

  /**
   * Writes every day changed since the last flush; a failed write stays dirty and is retried.
   * The file store has written when this returns; an asynchronous store, when `close` resolves.
   */
  flush(): void {
    if (!this.store) return this.dirty.clear()
    for (const day of [...this.dirty]) {
      try {
        const stored = this.store.writeDay(day, [...(this.days.get(day)?.values() ?? [])])
        this.dirty.delete(day)
        if (stored) this.track(day, stored)
      } catch (err) {
        this.options.onError?.(err)
      }
    }
  }

  /** Writes what is pending and resolves once the store has it (or reported failing to). */
  async settle(): Promise<void> {
    this.flush()
    while (this.writing.size) await Promise.all([...this.writing])
  }

  /** Stops the timer and writes what is pending (shutdown); resolves once the store has it. */
  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    return this.settle()
  }

  /** Follows a write of `day` under way: a failure marks the day for the next flush. */
  private track(day: string, stored: Promise<void>): void {
    const done: Promise<void> = stored
      .catch((err) => {
        this.dirty.add(day)
        this.options.onError?.(err)
      })
      .finally(() => this.writing.delete(done))
    this.writing.add(done)
  }
}

function pairKey(task: string, user: string): string {
  return `${task}\n${user}`
}

function rowKey(task: string, user: string, revision: number, q: number | undefined): string {
  return `${task}\n${user}\n${revision}\n${q ?? '-'}`
}
