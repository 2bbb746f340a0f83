/** `/api/tasks/:id/gold` (lead): mark a task as gold with its true ranking, read it, unmark it. */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import * as v from 'valibot'
import { GoldFromRecordBodySchema, GoldRankingBodySchema } from '../../shared/quality'
import { formatIssues } from '../../shared/validation'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { GoldService } from '../services/gold'
import type { GoldRequest } from '../services/gold'

/**
 * The body is JSON, either `{ranking}` (candidate ids, best first: the rooms' ids, or the import
 * ids in a blind batch) or `{from_record: true}`; anything else is a 400 naming the problem.
 */
async function goldBody(c: Context<AppEnv>): Promise<GoldRequest> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new HTTPException(415, { message: 'the gold body must be application/json' })
  }
  let value: unknown
  try {
    value = JSON.parse(await c.req.text())
  } catch {
    throw new HTTPException(400, { message: 'the gold body is not valid JSON' })
  }
  const body = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null
  if (!body || (!Object.hasOwn(body, 'ranking') && !Object.hasOwn(body, 'from_record'))) {
    throw new HTTPException(400, { message: 'the body must be {"ranking": [candidate ids, best first]} or {"from_record": true}' })
  }
  const schema = Object.hasOwn(body, 'ranking') ? GoldRankingBodySchema : GoldFromRecordBodySchema
  const parsed = v.safeParse(schema, body)
  if (!parsed.success) throw new HTTPException(400, { message: formatIssues(parsed.issues).join('; ') })
  return parsed.output
}

export function goldRoutes(deps: AppDeps) {
  const gold = new GoldService({ db: deps.db, records: deps.records, gold: deps.gold, audit: deps.audit })
  return new Hono<AppEnv>()
    .get('/:id/gold', requireRole('lead'), (c) => {
      const view = gold.read(c.req.param('id'))
      return c.json({ task: c.req.param('id'), gold: view }, 200, { 'Cache-Control': 'no-store' })
    })
    .post('/:id/gold', requireRole('lead'), async (c) => {
      const request = await goldBody(c)
      const user = c.get('user')!
      const view = await gold.mark(c.req.param('id'), request, user)
      deps.log.info('task marked as gold', { task: view.task, by: user.id, source: view.source })
      return c.json({ task: view.task, gold: view }, 200)
    })
    .delete('/:id/gold', requireRole('lead'), async (c) => {
      const user = c.get('user')!
      const was = await gold.unmark(c.req.param('id'), user)
      if (was) deps.log.info('task unmarked as gold', { task: c.req.param('id'), by: user.id })
      return c.json({ task: c.req.param('id'), gold: null, was_gold: was }, 200)
    })
}
