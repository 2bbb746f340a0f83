/** Users: creating them, finding them by token, and the lead's changes (remove, rotate, role). */
import { colorFor } from '../../shared/presence'
import { CodejuryError } from '../../shared/errors'
import type { Role, User } from '../../shared/types'
import { hashToken, newId, newToken } from '../auth/tokens'
import type { RecordsDb, StoredUser } from '../storage/recordsDb'
import type { Sessions } from '../storage/sessionTypes'
import { assignTask } from './tasks'
import type { TaskDeps } from './tasks'
import type { LiveAccess } from './access'

/** A user as the API shows it: never the token hash. */
export function publicUser(u: StoredUser): User {
  return { id: u.id, name: u.name, role: u.role, color: u.color, createdAt: u.createdAt }
}

/** Creates a user; the token is returned here once and stored only as its hash. */
export async function createUser(db: RecordsDb, name: string, role: Role): Promise<{ user: User; token: string }> {
  const id = newId(role === 'lead' ? 'lead' : role === 'reviewer' ? 'rev' : 'ann')
  const token = newToken()
  const stored: StoredUser = {
    id,
    name,
    role,
    color: colorFor(id),
    createdAt: new Date().toISOString(),
    tokenHash: hashToken(token),
  }
  await db.addUser(stored)
  return { user: publicUser(stored), token }
}

/** The user a token belongs to, if any. */
export function userForToken(db: RecordsDb, token: string | undefined | null): StoredUser | undefined {
  if (!token || token.length > 200) return undefined
  return db.userByTokenHash(hashToken(token))
}

/** What the lead's user changes need: the records, the rooms (for assignments) and live access. */
export type UserDeps = TaskDeps & {
  access: Pick<LiveAccess, 'refresh'>
  sessions: Pick<Sessions, 'revokeUser'>
}

function existing(db: RecordsDb, id: string): StoredUser {
  const user = db.userById(id)
  if (!user) throw new CodejuryError('not-found', `no user "${id}"`)
  return user
}

/** Takes a user off every task they are assigned to, so no assignment names someone who cannot work it. */
async function unassignEverywhere(deps: UserDeps, userId: string): Promise<void> {
  for (const task of deps.db.tasks) {
    if (!task.assignees.includes(userId)) continue
    await assignTask(deps, task.id, task.assignees.filter((id) => id !== userId))
  }
}

/**
 * Removes a user: the record, at once every open socket of theirs (4401), then every
 * assignment. A lead cannot remove themselves (the server would be left without the person
 * removing). Their past work (edits, ballots, records) stays.
 */
export async function removeUser(deps: UserDeps, id: string, byId: string): Promise<User> {
  const user = existing(deps.db, id)
  if (id === byId) throw new CodejuryError('conflict', 'you cannot remove yourself; ask another lead')
  await deps.db.replaceUsers(deps.db.users.filter((u) => u.id !== id))
  await deps.sessions.revokeUser(id)
  // Closed first, with 4401 (the account is gone), not 4403 by the unassignment below.
  deps.access.refresh({ userId: id })
  await unassignEverywhere(deps, id)
  return publicUser(user)
}

/**
 * Gives a user a new token, returned here once and stored only as its hash. The old token stops
 * working at once, over HTTP and WebSocket, and the sockets it opened close with 4401.
 */
export async function rotateToken(deps: UserDeps, id: string): Promise<{ user: User; token: string }> {
  const user = existing(deps.db, id)
  const token = newToken()
  const next = { ...user, tokenHash: hashToken(token) }
  await deps.db.replaceUsers(deps.db.users.map((u) => (u.id === id ? next : u)))
  // The browser sessions the old token started end with it.
  await deps.sessions.revokeUser(id)
  deps.access.refresh({ userId: id })
  return { user: publicUser(next), token }
}

/**
 * Changes a user's role. Someone who stops being an annotator is taken off their assignments
 * (only annotators are assigned); their open connections get the new role's access at once.
 */
export async function changeRole(deps: UserDeps, id: string, role: Role, byId: string): Promise<User> {
  const user = existing(deps.db, id)
  if (id === byId && role !== user.role) throw new CodejuryError('conflict', 'you cannot change your own role; ask another lead')
  if (role === user.role) return publicUser(user)
  // Unreachable from the API today (the caller is a lead and cannot demote themselves), kept so
  // that no path can leave the server without a lead.
  if (user.role === 'lead' && !deps.db.users.some((u) => u.role === 'lead' && u.id !== id)) {
    throw new CodejuryError('conflict', 'the last lead cannot change role; make someone else a lead first')
  }
  const next = { ...user, role }
  await deps.db.replaceUsers(deps.db.users.map((u) => (u.id === id ? next : u)))
  // The role first: an annotator who becomes a reviewer keeps reading while being unassigned.
  if (user.role === 'annotator') await unassignEverywhere(deps, id)
  deps.access.refresh({ userId: id })
  return publicUser(next)
}
