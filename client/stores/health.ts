/** createHealth: the storage problems `/api/health` reports, re-read every few seconds. */
import { createMemo } from 'solid-js'
import type { Accessor } from 'solid-js'
import { getHealth } from '../api'
import type { HealthProblem } from '../api'
import { createPolling } from './createPolling'

/**
 * How often the dashboard re-reads health. A failing store or a damaged file is news a lead must
 * see within seconds; the request is tiny (`{ ok: true }` when all is well).
 */
export const HEALTH_POLL_MS = 3_000

/**
 * The problems the server reports now, empty when all is well. A failed poll keeps the last
 * answer (createPolling), so a flaky connection neither hides nor invents a problem.
 */
export function createHealth(): Accessor<HealthProblem[]> {
  const polled = createPolling(getHealth, HEALTH_POLL_MS)
  return createMemo(() => {
    const health = polled.data()
    return health && !health.ok && Array.isArray(health.degraded) ? health.degraded : []
  })
}
