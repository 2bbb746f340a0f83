/**
 * `GET /api/timesheet?from=YYYY-MM-DD&to=YYYY-MM-DD` (lead): active time on task as CSV,
 * `person,day,task,active_minutes`, one row per person, UTC day and task with any activity,
 * minutes to a tenth. Without `to`, today; without `from`, six days before `to`.
 */
import { Hono } from 'hono'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { parseDayRange } from './dayRange'

/** Days covered when the request names no `from`: `to` and the six days before it. */
export const DEFAULT_TIMESHEET_DAYS = 7
/** Longest range one request may ask for. */
export const MAX_TIMESHEET_DAYS = 366

/**
 * One CSV field: quoted when it holds a comma, quote or line break, and with a leading `'` when
 * a spreadsheet would read it as a formula (names are user input).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** The timesheet route; the CSV is built from the activity tracker's day totals, flushed first. */
export function timesheetRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireRole('lead'), (c) => {
    const { from, to } = parseDayRange(c.req.query(), { defaultDays: DEFAULT_TIMESHEET_DAYS, maxDays: MAX_TIMESHEET_DAYS })
    deps.activity.flush()
    const rows = deps.activity
      .daysBetween(from, to)
      .map((r) => ({ ...r, person: deps.db.userById(r.user)?.name ?? r.user }))
      .sort((a, b) => cmp(a.person, b.person) || cmp(a.user, b.user) || cmp(a.day, b.day) || cmp(a.task, b.task))
    const lines = ['person,day,task,active_minutes']
    for (const r of rows) {
      lines.push([csvField(r.person), r.day, csvField(r.task), (r.active_ms / 60_000).toFixed(1)].join(','))
    }
    return c.body(lines.join('\r\n') + '\r\n', 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="timesheet-${from}-to-${to}.csv"`,
      'Cache-Control': 'no-store',
    })
  })
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
