/**
 * `GET /api/timesheet?from=YYYY-MM-DD&to=YYYY-MM-DD&tz=Area/City&format=csv|json` (lead): active
 * time on task as CSV, `person,day,task,active_minutes`, one row per person, day and task with
 * active time above zero, minutes to a tenth; days are the zone's (`tz`, UTC by default; an
 * unknown zone is a 400). Without `to`, today in that zone; without `from`, six days before `to`.
 * `format=json` gives the same rows as `{from, to, tz, rows: [{user, person, day, task, active_ms}]}`.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { timesheetRows } from '../services/timesheet'
import { parseDayRange, parseZone } from './dayRange'

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

/** The timesheet route: CSV, or with `format=json` the same rows as JSON; the tracker is flushed first. */
export function timesheetRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireRole('lead'), (c) => {
    const query = c.req.query()
    const format = query.format || 'csv'
    if (format !== 'csv' && format !== 'json') throw new HTTPException(400, { message: 'format must be csv or json' })
    const tz = parseZone(query.tz)
    const { from, to } = parseDayRange(query, { defaultDays: DEFAULT_TIMESHEET_DAYS, maxDays: MAX_TIMESHEET_DAYS }, Date.now(), tz)
    deps.activity.flush()
    const rows = timesheetRows(deps.activity, from, to, tz)
      .map((r) => ({ ...r, person: deps.db.userById(r.user)?.name ?? r.user }))
      .sort((a, b) => cmp(a.person, b.person) || cmp(a.user, b.user) || cmp(a.day, b.day) || cmp(a.task, b.task))
    if (format === 'json') {
      c.header('Cache-Control', 'no-store')
      return c.json({ from, to, tz, rows })
    }
    const lines = ['person,day,task,active_minutes']
    for (const r of rows) {
      lines.push([csvField(r.person), r.day, csvField(r.task), (r.active_ms / 60_000).toFixed(1)].join(','))
    }
    const zone = tz === 'UTC' ? '' : `-${tz.replace(/[^A-Za-z0-9_+-]/g, '-')}`
    return c.body(lines.join('\r\n') + '\r\n', 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="timesheet-${from}-to-${to}${zone}.csv"`,
      'Cache-Control': 'no-store',
    })
  })
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
