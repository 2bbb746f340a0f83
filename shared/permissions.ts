/** Who may do what in which room: the permission table of docs/protocol.md#who-may-open-which-room as one pure function. */
import type { ParsedRoom } from './roomNames'
import type { Role } from './types'

export const Access = { none: 'none', read: 'read', write: 'write' } as const
export type Access = (typeof Access)[keyof typeof Access]

export interface AccessSubject {
  userId: string
  role: Role
  /** Whether the user is assigned to the room's task. */
  assigned: boolean
}

/**
 * The access a user has to a room. Finalized tasks are read-only for everyone until reopened;
 * the meta room is written by the server only. Enforced by the server on every frame.
 */
export function roomAccess(subject: AccessSubject, room: ParsedRoom, finalized: boolean): Access {
  const base = baseAccess(subject, room)
  if (base === Access.write && finalized) return Access.read
  return base
}

function baseAccess({ userId, role, assigned }: AccessSubject, room: ParsedRoom): Access {
  const member = role === 'lead' || role === 'reviewer' || assigned
  switch (room.kind) {
    case 'workspace':
      if (role === 'lead' || (role === 'annotator' && assigned)) return Access.write
      return member ? Access.read : Access.none
    case 'comments':
      return member ? Access.write : Access.none
    case 'meta':
      return member ? Access.read : Access.none
    case 'ballot':
      if (role === 'annotator' && assigned && room.userId === userId) return Access.write
      if (role === 'lead') return Access.read
      return Access.none
  }
}

/**
 * Submitted work is the lead's to review: the workspace reads only for annotators while the task
 * is submitted, until the lead requests changes or reopens it. Comments stay writable (so they can
 * answer the lead) and the lead keeps write. Enforced by the server on every frame.
 */
export function readsOnlyWhileSubmitted(role: Role, room: Pick<ParsedRoom, 'kind'>, status: string): boolean {
  return status === 'submitted' && role === 'annotator' && room.kind === 'workspace'
}
