/** Sign-in sessions as the rest of the server uses them: sign in, list for the lead, revoke. */
import type { RecordsDb } from '../storage/recordsDb'
import type { SessionInfo, Sessions } from '../storage/sessionTypes'
import { userForToken } from './users'

/** What the session functions need from AppDeps. */
export interface SessionDeps {
  db: RecordsDb
  sessions: Sessions
}

/** A session as `GET /api/sessions` shows it: who, and since when; never the secret. */
export interface SessionView extends SessionInfo {
  userName: string | null
  role: string | null
}

/**
 * Exchanges a sign-in token for a new session. Resolves to the session id the cookie carries (the
 * token itself never goes into a cookie), or null when the token is not valid.
 */
export async function signIn(deps: SessionDeps, token: string): Promise<{ sessionId: string; userId: string } | null> {
  const user = userForToken(deps.db, token)
  if (!user) return null
  const { id } = await deps.sessions.create(user.id, user.tokenHash)
  return { sessionId: id, userId: user.id }
}

/**
 * Ends every session of a user: call it when a user is deleted or their token rotated, so a
 * browser that signed in with the old token is signed out too. Resolves to how many ended.
 */
export function revokeUserSessions(deps: Pick<SessionDeps, 'sessions'>, userId: string): Promise<number> {
  return deps.sessions.revokeUser(userId)
}

/** Every live session with its user's name, most recently used first. */
export function listSessions(deps: SessionDeps): SessionView[] {
  return deps.sessions.list().map((s) => {
    const user = deps.db.userById(s.userId)
    return { ...s, userName: user?.name ?? null, role: user?.role ?? null }
  })
}
