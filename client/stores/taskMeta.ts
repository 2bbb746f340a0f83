/** The live workflow state of a task, from its server-written meta room (`task:<id>:meta`). */
import { createSignal, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import { roomName } from '../../shared/roomNames'
import { getMeta, MetaKey } from '../../shared/schema'
import { TaskStatus } from '../../shared/types'
import type { LastAction } from '../../shared/workflow'
import { createRoomDoc } from '../sync/createRoomDoc'

/** The meta room's values as signals; status and revision start from the HTTP task. */
export interface TaskMeta {
  status: Accessor<TaskStatus>
  revision: Accessor<number>
  lastAction: Accessor<LastAction | null>
  finalizedAt: Accessor<string | null>
  /** Who is assigned, live (the lead's agreement view follows an assignment made while it is open). */
  assignees: Accessor<string[]>
}

const STATUSES = Object.values(TaskStatus) as string[]

function readLastAction(value: unknown): LastAction | null {
  if (!value || typeof value !== 'object') return null
  const v = value as Record<string, unknown>
  if (typeof v.action !== 'string' || typeof v.at !== 'string') return null
  return {
    action: v.action as LastAction['action'],
    by: typeof v.by === 'string' ? v.by : '',
    by_name: typeof v.by_name === 'string' ? v.by_name : '',
    at: v.at,
    ...(typeof v.message === 'string' ? { message: v.message } : {}),
  }
}

/**
 * Opens the meta room for the calling owner's lifetime (no offline cache: it is the server's
 * word, and a stale copy would show a task writable that is not). Starts from the HTTP task's
 * status, revision and assignees until the room has synced; values of the wrong type are ignored.
 */
export function createTaskMeta(taskId: string, initial: { status: TaskStatus; revision: number; assignees: string[] }): TaskMeta {
  const room = createRoomDoc(roomName.meta(taskId))
  const meta = getMeta(room.doc)
  const [status, setStatus] = createSignal<TaskStatus>(initial.status)
  const [revision, setRevision] = createSignal(initial.revision)
  const [lastAction, setLastAction] = createSignal<LastAction | null>(null)
  const [finalizedAt, setFinalizedAt] = createSignal<string | null>(null)
  const [assignees, setAssignees] = createSignal<string[]>(initial.assignees, { equals: (a, b) => a.join('\n') === b.join('\n') })
  const read = () => {
    const s = meta.get(MetaKey.status)
    if (typeof s === 'string' && STATUSES.includes(s)) setStatus(s as TaskStatus)
    const r = meta.get(MetaKey.revision)
    if (typeof r === 'number' && Number.isInteger(r)) setRevision(r)
    setLastAction(readLastAction(meta.get(MetaKey.last_action)))
    const f = meta.get(MetaKey.finalized_at)
    setFinalizedAt(typeof f === 'string' ? f : null)
    const a = meta.get(MetaKey.assignees)
    if (Array.isArray(a)) setAssignees(a.filter((id): id is string => typeof id === 'string'))
  }
  meta.observe(read)
  onCleanup(() => meta.unobserve(read))
  read()
  return { status, revision, lastAction, finalizedAt, assignees }
}
