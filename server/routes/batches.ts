/** `/api/batches`: the lead lists, creates and edits batches (guidelines, rubric, mode, blind, time limit). */
import { Hono } from 'hono'
import { BatchInputSchema } from '../../shared/validation'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { listBatches, saveBatch } from '../services/batches'
import { jsonBody } from '../validate'
import { assignRoomIds, taskRoomLoaded } from '../services/blindIds'

export function batchesRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireRole('lead'))
    .get('/', (c) => c.json({ batches: listBatches(deps.db) }))
    .post('/', jsonBody(BatchInputSchema), async (c) => {
      const { batch, created } = await saveBatch(deps.db, c.req.valid('json'))
      deps.log.info(created ? 'batch created' : 'batch updated', { batch: batch.name, by: c.get('user')!.id })
      // Made blind: tasks nobody opened yet get opaque candidate ids before anyone does.
      if (batch.blind) await assignRoomIds({ db: deps.db, log: deps.log, isLoaded: (id) => taskRoomLoaded(deps.rooms, id) }, batch.name)
      return c.json(batch, created ? 201 : 200)
    })
}
