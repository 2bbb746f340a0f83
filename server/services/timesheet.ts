/**
 * The timesheet in a time zone: active time per person, day and task, with days taken in the zone
 * the lead chose (shared/timeZone.ts). The tracker keeps quarter hours (UTC), and every zone's day
 * is a whole number of them, so each quarter lands on exactly one day of any zone. Old whole-day
 * rows (kept before quarters were) stay on their UTC date in every zone.
 */
import { addDays, dayInZone } from '../../shared/timeZone'
import type { ActivityTracker } from './activity'

/** One person's active time on one task on one day of the zone. */
export interface TimesheetRow {
  user: string
  day: string
  task: string
  active_ms: number
}

/** The quarter-hour totals of days `from`..`to` of `zone`, each with its day in that zone. */
function quartersInZone(activity: Pick<ActivityTracker, 'quartersBetween'>, from: string, to: string, zone: string) {
  // a zone's day overlaps the UTC day before or after it, never further
  const rows = activity.quartersBetween(addDays(from, -1), addDays(to, 1))
  const dayOfStart = new Map<number, string>()
  const out: { day: string; task: string; user: string; active_ms: number }[] = []
  for (const r of rows) {
    let day = r.day
    if (r.start !== null && zone !== 'UTC') {
      day = dayOfStart.get(r.start) ?? ''
      if (!day) dayOfStart.set(r.start, (day = dayInZone(r.start, zone)))
    }
    if (day >= from && day <= to) out.push({ day, task: r.task, user: r.user, active_ms: r.active_ms })
  }
  return out
}

/**
 * Rows per person, day (in `zone`) and task from `from` to `to` (inclusive), unsorted; only rows
 * with active time: a person who only touched a task that day (a single act) is no row.
 */
export function timesheetRows(
  activity: Pick<ActivityTracker, 'quartersBetween'>,
  from: string,
  to: string,
  zone: string,
): TimesheetRow[] {
  const sums = new Map<string, TimesheetRow>()
  for (const r of quartersInZone(activity, from, to, zone)) {
    const k = `${r.user}\n${r.day}\n${r.task}`
    const s = sums.get(k)
    if (s) s.active_ms += r.active_ms
    else sums.set(k, { user: r.user, day: r.day, task: r.task, active_ms: r.active_ms })
  }
  return [...sums.values()].filter((r) => r.active_ms > 0)
}

/** Active milliseconds per person over days `from` to `to` of `zone`. */
export function activeByPerson(
  activity: Pick<ActivityTracker, 'quartersBetween'>,
  from: string,
  to: string,
  zone: string,
): Map<string, number> {
  const out = new Map<string, number>()
  for (const r of quartersInZone(activity, from, to, zone)) out.set(r.user, (out.get(r.user) ?? 0) + r.active_ms)
  return out
}
