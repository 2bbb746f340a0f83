/** `/api/batches`: the lead lists, creates and edits batches (guidelines, rubric, mode, blind, time limit). */
import { Hono } from 'hono'
import { BatchInputSchema } from '../../shared/validation'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { listBatches, saveBatch } from '../services/batches'
import { jsonBody } from '../validate'

export function batchesRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireRole('lead'))
    .get('/', (c) => c.json({ batches: listBatches(deps.db) }))
    .post('/', jsonBody(BatchInputSchema), async (c) => {
      const { batch, created } = await saveBatch(deps.db, c.req.valid('json'))
      deps.log.info(created ? 'batch created' : 'batch updated', { batch: batch.name, by: c.get('user')!.id })
      return c.json(batch, created ? 201 : 200)
    })
}
