/**
 * `/api/health` for anyone: `{ ok: true }`, or `{ ok: false, degraded: [...] }` (still 200) while
 * a room's stores fail or once storage found damage; `/api/metrics` for the lead (rooms, connections, memory, loop delay).
 */
import { Hono } from 'hono'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'

const LOOP_RESOLUTION_MS = 5

export function healthRoutes(deps: AppDeps) {
  // The histogram records each sampling interval; lag is what exceeds LOOP_RESOLUTION_MS.
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  loop.enable()
  const lagMs = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS)
  return new Hono<AppEnv>()
    .get('/health', async (c) => {
      // Shared engines: writes pause while PostgreSQL or Redis is away, and the status says which.
      const shared = deps.shared ? await deps.shared.health() : null
      const engines = shared
        ? [
            ...(shared.database.ok ? [] : [{ problem: 'database-unreachable', error: shared.database.error, at: new Date().toISOString() }]),
            ...(shared.redis.ok ? [] : [{ problem: 'redis-unreachable', at: new Date().toISOString() }]),
          ]
        : []
      const damaged = deps.storage.damaged()
      // Rooms whose stores fail right now (a full disk): they relay nothing until storage works.
      const failing = deps.rooms.degraded().map((r) => ({ problem: 'store-failing', room: r.room, error: r.error, at: r.since }))
      // The database's error text is for the lead.
      const lead = c.get('user')?.role === 'lead'
      const sharedStatus = shared ? { database: lead ? shared.database : { ok: shared.database.ok, ...(shared.database.ms !== undefined ? { ms: shared.database.ms } : {}) }, redis: shared.redis } : {}
      if (damaged.length === 0 && failing.length === 0 && engines.length === 0) return c.json({ ok: true as const, ...sharedStatus })
      // Room names and file paths are for the lead; anyone else learns only that, and what, is wrong.
      const degraded = [...engines, ...failing, ...damaged].map((d) => (lead ? d : { problem: d.problem, at: d.at }))
      return c.json({ ok: false as const, degraded, ...sharedStatus })
    })
    .get('/metrics', requireRole('lead'), (c) => {
      const mem = process.memoryUsage()
      const body = {
        rooms: deps.rooms.size,
        connections: deps.connections.size,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        eventLoopLagMs: {
          p50: lagMs(loop.percentile(50)),
          p99: lagMs(loop.percentile(99)),
          max: lagMs(loop.max),
        },
      }
      if (c.req.query('reset') === '1') loop.reset()
      return c.json(body)
    })
}
