/** The timesheet's rows as a person × day grid of hours with row and column totals. */
import type { TimesheetRow } from '../../api'
import { daysFrom } from '../../../shared/timeZone'

export interface HoursGrid {
  days: string[]
  people: { user: string; name: string; ms: number[]; total: number }[]
  dayTotals: number[]
  total: number
}

/** Sums `rows` per person and day over every day from `from` to `to`; people by name. */
export function hoursGrid(rows: readonly TimesheetRow[], from: string, to: string): HoursGrid {
  const days = daysFrom(from, to)
  const col = new Map(days.map((d, i) => [d, i]))
  const byUser = new Map<string, { user: string; name: string; ms: number[]; total: number }>()
  for (const r of rows) {
    const i = col.get(r.day)
    if (i === undefined) continue
    let p = byUser.get(r.user)
    if (!p) byUser.set(r.user, (p = { user: r.user, name: r.person, ms: days.map(() => 0), total: 0 }))
    p.ms[i] += r.active_ms
    p.total += r.active_ms
  }
  const people = [...byUser.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const dayTotals = days.map((_d, i) => people.reduce((s, p) => s + p.ms[i], 0))
  return { days, people, dayTotals, total: dayTotals.reduce((s, x) => s + x, 0) }
}

/** Milliseconds as hours to a hundredth. */
export function hoursText(ms: number): string {
  return (ms / 3_600_000).toFixed(2)
}
