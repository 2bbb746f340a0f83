/** `GET /api/tasks/:id/people`: who is on a task, for comment authors' names and @mentions. */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { canSeeTask } from '../services/tasks'
import { isOnTask } from '../services/threads'
import type { PresentUser } from '../../shared/types'

/**
 * The people on a task (its assignees, every lead and reviewer) for anyone who sees the task:
 * comments store user ids, and the page shows names from here, never a name a client wrote.
 */
export function peopleRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/:id/people', requireRole(), (c) => {
    const task = deps.db.task(c.req.param('id'))
    if (!task || !canSeeTask(c.get('user')!, task)) throw new HTTPException(404, { message: 'no such task' })
    const people: PresentUser[] = deps.db.users
      .filter((u) => isOnTask(u, task))
      .map(({ id, name, role, color }) => ({ id, name, role, color }))
    return c.json({ people })
  })
}
