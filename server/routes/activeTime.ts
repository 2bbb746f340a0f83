/** `GET /api/active-time` (lead): active time per person per task, for the live dashboard. */
import { Hono } from 'hono'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import type { ActiveTime } from '../../shared/types'

/**
 * Every person's active time on every task that still exists, from the activity tracker's memory
 * (no file is read): the dashboard re-reads it often. Rows, not an object keyed by id, so an id
 * like `__proto__` stays data.
 */
export function activeTimeRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireRole('lead'), (c) => {
    const rows: ActiveTime[] = deps.activity
      .totalsByTask()
      .filter((r) => deps.db.task(r.task) !== undefined && r.active_ms > 0)
      .map((r) => ({ task: r.task, user: r.user, active_ms: Math.round(r.active_ms) }))
      .sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : b.active_ms - a.active_ms))
    c.header('Cache-Control', 'no-store')
    return c.json({ rows })
  })
}
