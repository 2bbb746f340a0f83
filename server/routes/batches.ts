/**
 * `/api/batches`: the lead lists, creates and edits batches (guidelines, rubric, mode, blind, time
 * limit) and distributes a batch's unfinished tasks over annotators.
 */
import { Hono } from 'hono'
import { BatchInputSchema, BatchNameSchema, DistributeSchema } from '../../shared/validation'
import * as v from 'valibot'
import { CodejuryError } from '../../shared/errors'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { listBatches, saveBatch } from '../services/batches'
import { jsonBody } from '../validate'
import { assignRoomIds, taskRoomLoaded } from '../services/blindIds'
import { distributeBatch } from '../services/distribute'

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
    .post('/:name/distribute', jsonBody(DistributeSchema), async (c) => {
      const name = c.req.param('name')
      if (!v.is(BatchNameSchema, name)) throw new CodejuryError('bad-input', 'batch: not a batch name')
      const result = await distributeBatch(deps, name, c.req.valid('json'))
      deps.log.info('batch distributed', { batch: name, tasks: result.tasks, per_task: result.per_task, moved: result.moved, by: c.get('user')!.id })
      return c.json(result, 200)
    })
}
