/** `GET /api/events`: a server-sent event stream of presence and progress in the tasks the caller sees. */
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import type { LiveEvent } from '../services/live'

const HEARTBEAT_MS = 25_000

export function eventsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireRole(), (c) => {
    const user = c.get('user')!
    return streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = []
      let wake: (() => void) | null = null
      const unsubscribe = deps.live.subscribe(user, (e) => {
        queue.push(e)
        wake?.()
      })
      stream.onAbort(() => {
        unsubscribe()
        wake?.()
      })
      try {
        while (!stream.aborted && !stream.closed) {
          const e = queue.shift()
          if (e) {
            await stream.writeSSE({ event: e.type, data: JSON.stringify(e.data) })
            continue
          }
          await new Promise<void>((resolve) => {
            wake = resolve
            const t = setTimeout(resolve, HEARTBEAT_MS)
            t.unref()
          })
          wake = null
          if (queue.length === 0 && !stream.aborted) await stream.writeSSE({ event: 'ping', data: '' })
        }
      } finally {
        unsubscribe()
      }
    })
  })
}
