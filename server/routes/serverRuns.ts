/**
 * `POST /api/tasks/:id/server-runs`: the server runs the tests against the reference solution and
 * every candidate in its own sandbox and stores the runs in the workspace's `server_runs`;
 * `GET /api/sandbox`: whether this server runs code, and if not, why.
 */
import { Hono } from 'hono'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { runsForRecord } from '../services/evidence'

export function serverRunsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireRole())
    .post('/:id/server-runs', async (c) => {
      const { runs } = await deps.evidence.runAndStore(c.get('user')!, c.req.param('id'))
      return c.json({ runs: runsForRecord(runs) }, 200)
    })
}

/** The sandbox's status for anyone signed in; the lead also sees the warm pools. */
export function sandboxStatusRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().use(requireRole()).get('/sandbox', (c) => {
    const status = deps.evidence.status()
    if (c.get('user')?.role !== 'lead') return c.json(status)
    return c.json({ ...status, pool: deps.evidence.pool() })
  })
}
