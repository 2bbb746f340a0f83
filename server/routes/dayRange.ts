/**
 * The day range of a report route (`?from=YYYY-MM-DD&to=YYYY-MM-DD`, days of a time zone, UTC
 * unless the route says otherwise, both included): without `to`, today in that zone; without `from`, enough days before `to` to make `defaultDays`. A date that
 * is not a real calendar day, a range that runs backwards or one longer than `maxDays` is a 400
 * naming the parameter.
 */
import { HTTPException } from 'hono/http-exception'
import { dayOf } from '../services/activity'
import { dayInZone, isTimeZone } from '../../shared/timeZone'

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 86_400_000

export interface DayRangeRules {
  /** Days covered when the request names no `from`, `to` included. */
  defaultDays: number
  /** Longest range one request may ask for. */
  maxDays: number
}

/** Midnight UTC of `value` in ms, or a 400 when it is not a YYYY-MM-DD day that exists. */
export function parseDay(value: string, name: string): number {
  const at = DAY_RE.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN
  if (Number.isNaN(at) || dayOf(at) !== value) {
    throw new HTTPException(400, { message: `${name} must be a date as YYYY-MM-DD, got "${value}"` })
  }
  return at
}

/** The zone named by `?tz=` (UTC when absent), or a 400 when it is not a time zone this server knows. */
export function parseZone(value: string | undefined): string {
  if (!value) return 'UTC'
  if (!isTimeZone(value)) {
    throw new HTTPException(400, { message: `tz must be an IANA time zone such as Europe/Paris, got "${String(value).slice(0, 64)}"` })
  }
  return value
}

/** The checked range as YYYY-MM-DD days; `now` is only for tests; today is taken in `zone`. */
export function parseDayRange(
  query: { from?: string; to?: string },
  rules: DayRangeRules,
  now: number = Date.now(),
  zone = 'UTC',
): { from: string; to: string } {
  const to = parseDay(query.to || (zone === 'UTC' ? dayOf(now) : dayInZone(now, zone)), 'to')
  const from = parseDay(query.from || dayOf(to - (rules.defaultDays - 1) * DAY_MS), 'from')
  if (from > to) throw new HTTPException(400, { message: 'from must not be after to' })
  if ((to - from) / DAY_MS + 1 > rules.maxDays) {
    throw new HTTPException(400, { message: `at most ${rules.maxDays} days at a time` })
  }
  return { from: dayOf(from), to: dayOf(to) }
}
