/** `GET /api/next?batch=&after=`: an annotator's next task that still needs their work. */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import * as v from 'valibot'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { nextTask } from '../services/nextTask'
import { TaskIndex } from '../services/taskIndex'
import { NextTaskQuerySchema } from '../../shared/taskList'

/** `{task_id}`, or 204 when nothing is left; only annotators have a queue to work through. */
export function nextRoutes(deps: AppDeps) {
  const index = TaskIndex.of(deps.db)
  return new Hono<AppEnv>().get('/', requireRole('annotator'), async (c) => {
    const set = Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value !== ''))
    const parsed = v.safeParse(NextTaskQuerySchema, set)
    if (!parsed.success) {
      const issue = parsed.issues[0]
      throw new HTTPException(400, { message: `${issue.path?.map((p) => String(p.key)).join('.') ?? 'query'} ${issue.message}` })
    }
    const id = await nextTask({ db: deps.db, index, submissions: deps.live.ballots }, c.get('user')!.id, parsed.output)
    if (id === null) return c.body(null, 204)
    return c.json({ task_id: id }, 200)
  })
}
