/** Creating users and finding them by token. */
import { colorFor } from '../../shared/presence'
import type { Role, User } from '../../shared/types'
import { hashToken, newId, newToken } from '../auth/tokens'
import type { Db, StoredUser } from '../storage/db'

/** A user as the API shows it: never the token hash. */
export function publicUser(u: StoredUser): User {
  return { id: u.id, name: u.name, role: u.role, color: u.color, createdAt: u.createdAt }
}

/** Creates a user; the token is returned here once and stored only as its hash. */
export async function createUser(db: Db, name: string, role: Role): Promise<{ user: User; token: string }> {
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
export function userForToken(db: Db, token: string | undefined | null): StoredUser | undefined {
  if (!token || token.length > 200) return undefined
  return db.userByTokenHash(hashToken(token))
}
