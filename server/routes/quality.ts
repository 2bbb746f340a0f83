/** `GET /api/quality?batch=` (lead): per-annotator quality figures of one batch, or of every batch without `batch`. */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import * as v from 'valibot'
import { BatchNameSchema, formatIssues } from '../../shared/validation'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { qualityReport } from '../services/quality'

export function qualityRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireRole('lead'), async (c) => {
    const given = c.req.queries('batch') ?? []
    if (given.length > 1) throw new HTTPException(400, { message: 'give batch at most once' })
    let batch: string | null = null
    if (given.length === 1 && given[0] !== '') {
      const parsed = v.safeParse(BatchNameSchema, given[0])
      if (!parsed.success) throw new HTTPException(400, { message: `batch: ${formatIssues(parsed.issues).join('; ')}` })
      if (!deps.db.batch(parsed.output)) throw new HTTPException(400, { message: `unknown batch "${parsed.output}"` })
      batch = parsed.output
    }
    const report = await qualityReport(deps, batch)
    return c.json(report, 200, { 'Cache-Control': 'no-store' })
  })
}
