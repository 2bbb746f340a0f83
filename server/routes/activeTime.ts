/** `GET /api/active-time[?tasks=id,id,…]` (lead): active time per person per task, for the live dashboard. */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import * as v from 'valibot'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import type { ActiveTime } from '../../shared/types'
import { formatIssues, IdSchema } from '../../shared/validation'

/** The most task ids one request may name: a dashboard asks only for the rows it holds. */
export const MAX_ACTIVE_TIME_TASKS = 500

/** `tasks`: a comma-separated list of 1 to MAX_ACTIVE_TIME_TASKS task ids; absent means every task. */
const ActiveTimeQuery = v.object({
  tasks: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s.split(',')),
      v.array(IdSchema),
      v.minLength(1, 'tasks must name at least one task id'),
      v.maxLength(MAX_ACTIVE_TIME_TASKS, `tasks may name at most ${MAX_ACTIVE_TIME_TASKS} task ids`),
    ),
  ),
})

/** The task ids of the query, or undefined for every task; throws a 400 naming the problem. */
function taskIdsOf(query: Record<string, string[]>): Set<string> | undefined {
  const given = query.tasks
  if (given && given.length > 1) throw new HTTPException(400, { message: 'tasks: give the list once, comma-separated' })
  const result = v.safeParse(ActiveTimeQuery, { tasks: given?.[0] })
  if (!result.success) throw new HTTPException(400, { message: formatIssues(result.issues).join('; ') })
  return result.output.tasks ? new Set(result.output.tasks) : undefined
}

/**
 * Every person's active time on the named tasks (or on every task) that still exist, from the
 * activity tracker's memory (no file is read): the dashboard re-reads it often. Rows, not an object
 * keyed by id, so an id like `__proto__` stays data.
 */
export function activeTimeRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireRole('lead'), (c) => {
    const tasks = taskIdsOf(c.req.queries())
    const rows: ActiveTime[] = deps.activity
      .totalsByTask()
      .filter((r) => (!tasks || tasks.has(r.task)) && r.active_ms > 0 && deps.db.task(r.task) !== undefined)
      .map((r) => ({ task: r.task, user: r.user, active_ms: Math.round(r.active_ms) }))
      .sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : b.active_ms - a.active_ms))
    c.header('Cache-Control', 'no-store')
    return c.json({ rows })
  })
}
