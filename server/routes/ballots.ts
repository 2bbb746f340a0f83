/** `/api/tasks/:id/ballot…` and `/api/tasks/:id/merge-ballots`: independent mode's ballot actions. */
import { Hono } from 'hono'
import { validator } from 'hono/validator'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { BallotService } from '../services/ballots'

/**
 * An annotator prepares, submits and withdraws their own ballot; the lead merges the submitted
 * ballots into the shared ranking. The rules and the writes are in services/ballots.ts.
 */
export function ballotRoutes(deps: AppDeps) {
  const ballots = new BallotService({ db: deps.db, rooms: deps.rooms, audit: deps.audit })
  return new Hono<AppEnv>()
    .use(requireRole())
    .post('/:id/ballot', async (c) => {
      await ballots.prepare(c.req.param('id'), c.get('user')!)
      return c.json({ ok: true as const }, 200)
    })
    .post('/:id/ballot/submit', async (c) => {
      const submission = await ballots.submit(c.req.param('id'), c.get('user')!)
      deps.log.info('ballot submitted', { task: c.req.param('id'), by: c.get('user')!.id })
      return c.json(submission, 200)
    })
    .delete('/:id/ballot/submit', async (c) => {
      await ballots.withdraw(c.req.param('id'), c.get('user')!)
      deps.log.info('ballot withdrawn', { task: c.req.param('id'), by: c.get('user')!.id })
      return c.json({ ok: true as const }, 200)
    })
    .post('/:id/merge-ballots', requireRole('lead'), validator('query', (q: { replace?: string }) => q), async (c) => {
      const replace = c.req.valid('query').replace === '1'
      const merged = await ballots.merge(c.req.param('id'), replace)
      deps.log.info('ballots merged', { task: c.req.param('id'), by: c.get('user')!.id, replace })
      return c.json(merged, 200)
    })
}
