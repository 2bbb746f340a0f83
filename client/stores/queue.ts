/** The queue store: the caller's tasks, refreshed on focus, with presence and progress live (SSE). */
import { createSignal, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { listTasks } from '../api'
import type { PresentUser, TaskSummary, ThreadSummary } from '../../shared/types'
import type { Progress } from '../../shared/progress'

/** One `presence` event of `GET /api/events`. */
export interface PresenceEvent {
  taskId: string
  present: PresentUser[]
}

/** Parses an event's data; null for anything that is not a well-formed presence event. */
export function parsePresenceEvent(data: string): PresenceEvent | null {
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    return null
  }
  if (!value || typeof value !== 'object') return null
  const v = value as Record<string, unknown>
  if (typeof v.taskId !== 'string' || !Array.isArray(v.present)) return null
  const present = v.present.filter(
    (p): p is PresentUser =>
      !!p && typeof p === 'object' && typeof p.id === 'string' && typeof p.name === 'string',
  )
  return { taskId: v.taskId, present }
}

/** Parses a `progress` event's data; null unless it names a task and carries a progress object. */
export function parseProgressEvent(data: string): { taskId: string; progress: Progress } | null {
  try {
    const v = JSON.parse(data) as Record<string, unknown>
    if (typeof v?.taskId !== 'string' || !v.progress || typeof v.progress !== 'object') return null
    return { taskId: v.taskId, progress: v.progress as Progress }
  } catch {
    return null
  }
}

/** Parses a `threads` event's data; null unless it names a task and carries two counts. */
export function parseThreadsEvent(data: string): { taskId: string; threads: ThreadSummary } | null {
  try {
    const v = JSON.parse(data) as { taskId?: unknown; threads?: { unresolved?: unknown; mentions?: unknown } }
    const t = v?.threads
    if (typeof v?.taskId !== 'string' || !t || !Number.isInteger(t.unresolved) || !Number.isInteger(t.mentions)) return null
    return { taskId: v.taskId, threads: { unresolved: t.unresolved as number, mentions: t.mentions as number } }
  } catch {
    return null
  }
}

/**
 * Applies live presence to a freshly loaded list: events that arrived while the list was being
 * fetched are newer than what it says, so they win.
 */
export function withPresence(tasks: TaskSummary[], live: ReadonlyMap<string, PresentUser[]>): TaskSummary[] {
  return tasks.map((t) => (live.has(t.id) ? { ...t, present: live.get(t.id)! } : t))
}

export interface Queue {
  readonly state: { tasks: TaskSummary[] }
  loaded: Accessor<boolean>
  error: Accessor<unknown>
  refresh: () => Promise<void>
}

const EVENTS_URL = '/api/events'

/** Loads the queue now, again when the window regains focus, and follows presence live. */
export function createQueue(): Queue {
  const [state, setState] = createStore<{ tasks: TaskSummary[] }>({ tasks: [] })
  const [loaded, setLoaded] = createSignal(false)
  const [error, setError] = createSignal<unknown>()
  let alive = true
  let pending: Map<string, PresentUser[]> | null = null // events during a fetch

  const refresh = async () => {
    const live = (pending = new Map())
    try {
      const tasks = await listTasks()
      if (!alive) return
      setState('tasks', reconcile(withPresence(tasks, live), { key: 'id' }))
      setLoaded(true)
      setError(undefined)
    } catch (err) {
      if (alive) setError(err)
    } finally {
      if (pending === live) pending = null
    }
  }

  const onPresence = (e: MessageEvent<string>) => {
    const event = parsePresenceEvent(e.data)
    if (!event) return
    pending?.set(event.taskId, event.present)
    if (!state.tasks.some((t) => t.id === event.taskId)) return void refresh()
    setState('tasks', (t) => t.id === event.taskId, 'present', reconcile(event.present, { key: 'id' }))
  }

  const onProgress = (e: MessageEvent<string>) => {
    const event = parseProgressEvent(e.data)
    if (!event) return
    setState('tasks', (t) => t.id === event.taskId, 'progress', reconcile(event.progress))
  }

  const onThreads = (e: MessageEvent<string>) => {
    const event = parseThreadsEvent(e.data)
    if (!event) return
    setState('tasks', (t) => t.id === event.taskId, 'threads', event.threads)
  }

  const source = new EventSource(EVENTS_URL)
  source.addEventListener('threads', onThreads)
  source.addEventListener('presence', onPresence)
  source.addEventListener('progress', onProgress)
  // After a dropped stream reconnects, reload: presence changes may have been missed meanwhile.
  let dropped = false
  source.addEventListener('error', () => (dropped = true))
  source.addEventListener('open', () => dropped && ((dropped = false), void refresh()))
  const onFocus = () => void refresh()
  window.addEventListener('focus', onFocus)
  void refresh()

  onCleanup(() => {
    alive = false
    source.close()
    window.removeEventListener('focus', onFocus)
  })
  return { state, loaded, error, refresh }
}
