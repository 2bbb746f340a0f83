/** `GET /api/stats?batch=NAME[&from=YYYY-MM-DD&to=YYYY-MM-DD]` (lead): the batch's statistics. */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { dayOf } from '../services/activity'
import { batchStats } from '../services/stats'

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 86_400_000
/** Days covered when the request names none: two weeks up to today. */
export const DEFAULT_STATS_DAYS = 14
/** Longest range one request may ask for. */
export const MAX_STATS_DAYS = 366

function parseDay(value: string, name: string): number {
  const at = DAY_RE.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN
  if (Number.isNaN(at) || dayOf(at) !== value) {
    throw new HTTPException(400, { message: `${name} must be a date as YYYY-MM-DD, got "${value}"` })
  }
  return at
}

/**
 * Per task: status, ballots, mean pairwise tau-b, top-1 agreement; per batch: ordinal alpha,
 * finalized revisions per day and active time per person per day (services/stats.ts).
 */
export function statsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireRole('lead'), async (c) => {
    const name = c.req.query('batch')
    if (!name) throw new HTTPException(400, { message: 'batch is required: /api/stats?batch=NAME' })
    const batch = deps.db.batch(name)
    if (!batch) throw new HTTPException(404, { message: `no batch named "${name}"` })
    const to = parseDay(c.req.query('to') || dayOf(Date.now()), 'to')
    const from = parseDay(c.req.query('from') || dayOf(to - (DEFAULT_STATS_DAYS - 1) * DAY_MS), 'from')
    if (from > to) throw new HTTPException(400, { message: 'from must not be after to' })
    if ((to - from) / DAY_MS + 1 > MAX_STATS_DAYS) {
      throw new HTTPException(400, { message: `at most ${MAX_STATS_DAYS} days at a time` })
    }
    const stats = await batchStats(deps, batch, dayOf(from), dayOf(to))
    c.header('Cache-Control', 'no-store')
    return c.json(stats, 200)
  })
}
