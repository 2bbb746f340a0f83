/**
 * Calendar days in a time zone (IANA names such as `Asia/Kolkata`), for the timesheet and the
 * people's weekly hours: which `YYYY-MM-DD` an instant falls on there, and day arithmetic on those
 * strings. Weeks start on Monday. Every zone offset in use is a whole number of quarter hours, so a
 * quarter hour that starts on a multiple of 15 minutes (UTC) lies within one day of any zone.
 */

const DAY_MS = 86_400_000
/** IANA names are short paths of letters, digits, `_`, `+` and `-` (`America/Argentina/Buenos_Aires`, `Etc/GMT+5`). */
const ZONE_RE = /^[A-Za-z][A-Za-z0-9_+-]{0,29}(\/[A-Za-z0-9_+-]{1,30}){0,2}$/
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    // a bounded cache: zones come from requests
    if (formatters.size > 64) formatters.clear()
    formatters.set(zone, f)
  }
  return f
}

/** Whether `zone` names a time zone this runtime knows (`UTC` included). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || !ZONE_RE.test(zone)) return false
  try {
    formatterOf(zone)
    return true
  } catch {
    return false
  }
}

/** The `YYYY-MM-DD` that instant `at` (ms) falls on in `zone` (a zone `isTimeZone` accepted). */
export function dayInZone(at: number, zone: string): string {
  const parts = formatterOf(zone).formatToParts(at)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')}`
}

/** Milliseconds of midnight UTC of a `YYYY-MM-DD` day (NaN when it is not one). */
function utcOf(day: string): number {
  const m = DAY_RE.exec(day)
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN
}

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  return new Date(utcOf(day) + n * DAY_MS).toISOString().slice(0, 10)
}

/** The Monday of the week `day` belongs to. */
export function mondayOf(day: string): string {
  const weekday = new Date(utcOf(day)).getUTCDay() // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7))
}

/** Every day from `from` to `to`, both included (empty when `from` is after `to`). */
export function daysFrom(from: string, to: string): string[] {
  const out: string[] = []
  for (let d = from; d <= to && out.length <= 1000; d = addDays(d, 1)) out.push(d)
  return out
}
