/**
 * `GET /api/records/key` (signed in): the public keys review records are signed with, as a set
 * (the current key first, then earlier ones still accepted), so an export can be checked offline
 * against keys the reader chose to trust.
 */
import { Hono } from 'hono'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'

/** The record key route. */
export function recordKeyRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/key', requireRole(), (c) =>
    c.json({ current: deps.recordKeys.keyId, keys: deps.recordKeys.publicKeys() }, 200, { 'Cache-Control': 'no-store' }),
  )
}
