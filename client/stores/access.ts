/** What the signed-in user may do with a task, as the UI shows it (the server enforces it). */
import { readsOnlyWhileSubmitted, roomAccess } from '../../shared/permissions'
import { lightColor, safeColor } from '../../shared/presence'
import type { PresenceUser } from '../../shared/presence'
import type { Me, TaskDetail } from '../api'

/**
 * Whether to offer editing in the task's workspace. Only a hint for the UI: a read-only
 * connection's updates are dropped by the server whatever the UI does.
 */
export function canWriteWorkspace(me: Me, task: TaskDetail): boolean {
  const subject = { userId: me.id, role: me.role, assigned: task.assignees.includes(me.id) }
  const room = { kind: 'workspace', taskId: task.id } as const
  if (readsOnlyWhileSubmitted(me.role, room, task.status)) return false
  return roomAccess(subject, room, task.status === 'finalized') === 'write'
}

/** The awareness `user` for the signed-in user (the server replaces it with the same values). */
export function toPresenceUser(me: Me): PresenceUser {
  const color = safeColor(me.color)
  return { id: me.id, name: me.name, role: me.role, color, colorLight: lightColor(color) }
}
