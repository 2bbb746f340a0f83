/**
 * A paged task list (`GET /api/tasks`, shared/taskList.ts): the first page for the filters, more
 * pages on demand through the cursor, `total` and the per-status `counts`, and the live events of
 * `GET /api/events` applied to the rows it holds. It reloads the first page on a `tasks` event, when
 * a dropped stream reconnects and when the window regains focus, keeping as many rows as it held
 * (up to one full page), so a reload does not throw the reader back to the top.
 */
import { createEffect, createSignal, on, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import { createStore, produce, reconcile } from 'solid-js/store'
import { listTaskPage } from '../api'
import type { PresentUser, TaskStatus, TaskSummary } from '../../shared/types'
import { DEFAULT_TASK_PAGE, MAX_TASK_PAGE } from '../../shared/taskList'
import type { TaskListQuery } from '../../shared/taskList'
import { parsePresenceEvent, parseProgressEvent, parseTaskEvent, parseThreadsEvent, withPresence } from './queue'
import type { TaskEvent } from './queue'

/** The filters of a list: everything but the paging. */
export type TaskFilters = Omit<TaskListQuery, 'cursor' | 'limit'>

export interface TaskPagesOptions {
  /** The filters; a change loads the first page for them. */
  filters: Accessor<TaskFilters>
  /** The reader, when the list holds only tasks assigned to them (an annotator's queue). */
  member?: Accessor<string | undefined>
  pageSize?: number
}

export interface TaskPages {
  readonly state: { tasks: TaskSummary[] }
  /** Tasks matching the filters on the server, held or not. */
  total: Accessor<number>
  /** Tasks per status matching every filter but the status. */
  counts: Accessor<Record<TaskStatus, number> | undefined>
  /** The first page for the current filters has arrived. */
  loaded: Accessor<boolean>
  loading: Accessor<boolean>
  error: Accessor<unknown>
  /** The server has rows after the last one held. */
  hasMore: Accessor<boolean>
  /** Loads the next page unless one is loading or none is left. */
  loadMore: () => Promise<void>
  /** Reloads the first page (as many rows as are held, up to one full page). */
  refresh: () => Promise<void>
}

const EVENTS_URL = '/api/events'

/** Whether a row changed by `e` still belongs in a list with `filters` read by `member`. */
export function stillListed(e: TaskEvent, filters: TaskFilters, member: string | undefined): { listed: boolean; statusMatches: boolean } {
  const listed = (!member || e.assignees.includes(member)) && (!filters.assignee || e.assignees.includes(filters.assignee))
  return { listed, statusMatches: !filters.status || e.status === filters.status }
}

export function createTaskPages(options: TaskPagesOptions): TaskPages {
  const pageSize = options.pageSize ?? DEFAULT_TASK_PAGE
  const [state, setState] = createStore<{ tasks: TaskSummary[] }>({ tasks: [] })
  const [total, setTotal] = createSignal(0)
  const [counts, setCounts] = createSignal<Record<TaskStatus, number>>()
  const [loaded, setLoaded] = createSignal(false)
  const [loading, setLoading] = createSignal(false)
  const [error, setError] = createSignal<unknown>()
  const [cursor, setCursor] = createSignal<string | null>(null)
  // Row positions by id (a Map: ids are data), rebuilt whenever rows come or go.
  let index = new Map<string, number>()
  const reindex = () => (index = new Map(state.tasks.map((t, i) => [t.id, i])))
  let alive = true
  // Each load of a first page starts a generation; an answer from an older one is dropped.
  let generation = 0
  let pending: Map<string, PresentUser[]> | null = null // presence heard during a first-page load

  const loadFirst = async (keepRows: boolean) => {
    const mine = ++generation
    const live = (pending = new Map())
    const limit = keepRows ? Math.min(MAX_TASK_PAGE, Math.max(pageSize, state.tasks.length)) : pageSize
    setLoading(true)
    try {
      const page = await listTaskPage({ ...options.filters(), limit })
      if (!alive || mine !== generation) return
      setState('tasks', reconcile(withPresence(page.tasks, live), { key: 'id' }))
      reindex()
      setTotal(page.total)
      setCounts(page.counts)
      setCursor(page.next_cursor)
      setLoaded(true)
      setError(undefined)
    } catch (err) {
      if (alive && mine === generation) setError(err)
    } finally {
      if (mine === generation) {
        setLoading(false)
        pending = null
      }
    }
  }

  // Bursts (a `tasks` event per import, focus and reconnect at once) share one reload in flight
  // and at most one after it.
  let refreshing = false
  let again = false
  const refresh = async () => {
    if (refreshing) return void (again = true)
    refreshing = true
    try {
      do {
        again = false
        await loadFirst(true)
      } while (again && alive)
    } finally {
      refreshing = false
    }
  }

  const loadMore = async () => {
    const after = cursor()
    if (!after || loading()) return
    const mine = generation
    setLoading(true)
    try {
      const page = await listTaskPage({ ...options.filters(), limit: pageSize, cursor: after })
      if (!alive || mine !== generation) return
      // A row that moved between pages while paging is shown once, where it was first seen.
      const fresh = page.tasks.filter((t) => !index.has(t.id))
      setState('tasks', produce((tasks) => void tasks.push(...fresh)))
      reindex()
      setTotal(page.total)
      setCounts(page.counts)
      setCursor(page.next_cursor)
      setError(undefined)
    } catch (err) {
      if (alive && mine === generation) setError(err)
    } finally {
      if (mine === generation) setLoading(false)
    }
  }

  // The first page is asked for at once, before the page's other requests; new filters start
  // again from their first page, and the rows shown stay until it arrives.
  void loadFirst(false)
  createEffect(on(() => JSON.stringify(options.filters()), () => void loadFirst(false), { defer: true }))

  const onTask = (e: MessageEvent<string>) => {
    const event = parseTaskEvent(e.data)
    if (!event) return
    const member = options.member?.()
    const at = index.get(event.taskId)
    if (at === undefined) {
      // A task newly assigned to the reader belongs somewhere in their list: reload to place it.
      if (member && event.assignees.includes(member)) void refresh()
      return
    }
    const before = state.tasks[at].status
    const { listed, statusMatches } = stillListed(event, options.filters(), member)
    const moved = new Map<TaskStatus, number>([[before, -1]])
    if (listed) moved.set(event.status, (moved.get(event.status) ?? 0) + 1)
    setCounts((c) => {
      if (!c) return c
      const next = { ...c }
      for (const [status, by] of moved) next[status] = Math.max(0, next[status] + by)
      return next
    })
    if (listed && statusMatches) {
      setState('tasks', at, { status: event.status, revision: event.revision, assignees: event.assignees, ...(event.updatedAt ? { updatedAt: event.updatedAt } : {}) })
      return
    }
    setState('tasks', produce((tasks) => void tasks.splice(at, 1)))
    reindex()
    setTotal((n) => Math.max(0, n - 1))
  }

  const onPresence = (e: MessageEvent<string>) => {
    const event = parsePresenceEvent(e.data)
    if (!event) return
    pending?.set(event.taskId, event.present)
    const at = index.get(event.taskId)
    if (at !== undefined) setState('tasks', at, 'present', reconcile(event.present, { key: 'id' }))
  }

  const onProgress = (e: MessageEvent<string>) => {
    const event = parseProgressEvent(e.data)
    const at = event && index.get(event.taskId)
    if (event && at !== undefined && at !== null) setState('tasks', at, 'progress', reconcile(event.progress))
  }

  const onThreads = (e: MessageEvent<string>) => {
    const event = parseThreadsEvent(e.data)
    const at = event && index.get(event.taskId)
    if (event && at !== undefined && at !== null) setState('tasks', at, 'threads', event.threads)
  }

  const source = new EventSource(EVENTS_URL)
  source.addEventListener('task', onTask)
  source.addEventListener('tasks', () => void refresh())
  source.addEventListener('threads', onThreads)
  source.addEventListener('presence', onPresence)
  source.addEventListener('progress', onProgress)
  // After a dropped stream reconnects, reload: changes may have been missed meanwhile.
  let dropped = false
  source.addEventListener('error', () => (dropped = true))
  source.addEventListener('open', () => dropped && ((dropped = false), void refresh()))
  const onFocus = () => void refresh()
  window.addEventListener('focus', onFocus)

  onCleanup(() => {
    alive = false
    source.close()
    window.removeEventListener('focus', onFocus)
  })
  return { state, total, counts, loaded, loading, error, hasMore: () => cursor() !== null, loadMore, refresh }
}
