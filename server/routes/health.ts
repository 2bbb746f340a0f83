/** `/api/health` for anyone, `/api/metrics` for the lead (rooms, connections, memory, loop delay). */
import { Hono } from 'hono'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'

export function healthRoutes(deps: AppDeps) {
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  return new Hono<AppEnv>()
    .get('/health', (c) => c.json({ ok: true as const }))
    .get('/metrics', requireRole('lead'), (c) => {
      const mem = process.memoryUsage()
      const body = {
        rooms: deps.rooms.size,
        connections: deps.connections.size,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        eventLoopDelayMs: {
          p50: loop.percentile(50) / 1e6,
          p99: loop.percentile(99) / 1e6,
          max: loop.max / 1e6,
        },
      }
      if (c.req.query('reset') === '1') loop.reset()
      return c.json(body)
    })
}
