/**
 * `GET /api/people/summary?tz=Area/City` (lead): per person, tasks assigned, submitted and
 * finalized and active hours this week (Monday to today in `tz`, UTC by default; an unknown zone
 * is a 400). Answers `{tz, week: {from, to}, people: [{id, assigned, submitted, finalized, hours_week}]}`.
 */
import { Hono } from 'hono'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { peopleSummary } from '../services/peopleSummary'
import { parseZone } from './dayRange'

export function peopleSummaryRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/summary', requireRole('lead'), (c) => {
    const tz = parseZone(c.req.query('tz'))
    c.header('Cache-Control', 'no-store')
    return c.json(peopleSummary({ db: deps.db, activity: deps.activity, submitted: deps.workflowIndex }, tz))
  })
}
