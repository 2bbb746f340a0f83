/**
 * Time on task for the rows a list shows: `GET /api/active-time?tasks=…` for at most
 * MAX_TIME_TASKS ids, re-read on an interval while the page is visible, at once when the ids change,
 * and on demand (someone joined, left or made progress).
 */
import { createEffect, createMemo, on } from 'solid-js'
import type { Accessor } from 'solid-js'
import { getActiveTime } from '../api'
import type { ActiveTime } from '../../shared/types'
import { createPolling } from './createPolling'

/** The most task ids one request names (the server's limit). */
export const MAX_TIME_TASKS = 500

export interface RowTime {
  /** Rows per task, most time first. */
  byTask: Accessor<ReadonlyMap<string, ActiveTime[]>>
  error: Accessor<unknown>
  refresh: () => Promise<void>
}

export function createRowTime(ids: Accessor<readonly string[]>, intervalMs: number): RowTime {
  const asked = createMemo(() => ids().slice(0, MAX_TIME_TASKS), undefined, {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  })
  const polled = createPolling(async () => {
    const now = asked()
    return now.length === 0 ? [] : getActiveTime(now)
  }, intervalMs)
  // Asks made in one turn (new rows and their presence at once) share one request.
  let queued: Promise<void> | null = null
  const refresh = () =>
    (queued ??= Promise.resolve().then(() => {
      queued = null
      return polled.refresh()
    }))
  createEffect(on(asked, () => void refresh(), { defer: true }))
  const byTask = createMemo(() => {
    const map = new Map<string, ActiveTime[]>()
    for (const r of polled.data() ?? []) {
      const rows = map.get(r.task)
      if (rows) rows.push(r)
      else map.set(r.task, [r])
    }
    return map
  })
  return { byTask, error: polled.error, refresh }
}
