/**
 * The live events of a task list (`GET /api/events`): presence, progress, threads and a row's
 * workflow state, each parsed defensively (a malformed event reads as null and changes nothing).
 */
import type { PresentUser, TaskSummary, ThreadSummary } from '../../shared/types'
import { TaskStatus } from '../../shared/types'
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

/** One `task` event: a row's workflow state changed (status, revision or assignees). */
export interface TaskEvent {
  taskId: string
  status: TaskStatus
  revision: number
  assignees: string[]
  updatedAt: string
}

const STATUSES: ReadonlySet<string> = new Set(Object.values(TaskStatus))

/** Parses a `task` event's data; null unless every field has its type and the status is known. */
export function parseTaskEvent(data: string): TaskEvent | null {
  try {
    const v = JSON.parse(data) as Record<string, unknown>
    if (typeof v?.taskId !== 'string' || typeof v.status !== 'string' || !STATUSES.has(v.status)) return null
    if (!Number.isInteger(v.revision) || !Array.isArray(v.assignees) || !v.assignees.every((a) => typeof a === 'string')) return null
    return {
      taskId: v.taskId,
      status: v.status as TaskStatus,
      revision: v.revision as number,
      assignees: v.assignees as string[],
      updatedAt: typeof v.updatedAt === 'string' ? v.updatedAt : '',
    }
  } catch {
    return null
  }
}
