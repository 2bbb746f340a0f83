/** `GET /api/stats?batch=NAME[&from=YYYY-MM-DD&to=YYYY-MM-DD]` (lead): the batch's statistics. */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { batchStats } from '../services/stats'
import { parseDayRange } from './dayRange'

/** Days covered when the request names none: two weeks up to today. */
export const DEFAULT_STATS_DAYS = 14
/** Longest range one request may ask for. */
export const MAX_STATS_DAYS = 366

/**
 * Per task with a ballot: status, ballots, mean pairwise tau-b, top-1 agreement; per batch: the
 * task count, mean tau-b, ordinal alpha, finalized revisions per day and active time per person
 * per day (services/stats.ts).
 */
export function statsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireRole('lead'), async (c) => {
    const name = c.req.query('batch')
    if (!name) throw new HTTPException(400, { message: 'batch is required: /api/stats?batch=NAME' })
    const batch = deps.db.batch(name)
    if (!batch) throw new HTTPException(404, { message: `no batch named "${name}"` })
    const { from, to } = parseDayRange(c.req.query(), { defaultDays: DEFAULT_STATS_DAYS, maxDays: MAX_STATS_DAYS })
    const stats = await batchStats(deps, batch, from, to)
    c.header('Cache-Control', 'no-store')
    return c.json(stats, 200)
  })
}
