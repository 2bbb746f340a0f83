/** `POST /api/tasks/:id/runs`: a browser reports its run of one subject; the server stamps and stores it. */
import { Hono } from 'hono'
import { RunReportSchema } from '../../shared/runReport'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { reportRun } from '../services/browserRuns'
import { jsonBody } from '../validate'

/** The run report route; who may report and what is stored are in services/browserRuns.ts. */
export function runsRoutes(deps: AppDeps) {
  const runDeps = { db: deps.db, rooms: deps.rooms, access: deps.access }
  return new Hono<AppEnv>()
    .use(requireRole())
    .post('/:id/runs', jsonBody(RunReportSchema), async (c) => {
      const { subject } = c.req.valid('json')
      const run = await reportRun(runDeps, c.get('user')!, c.req.param('id'), c.req.valid('json'))
      return c.json({ subject, run }, 200)
    })
}
