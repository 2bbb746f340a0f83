/** Who is calling: a Bearer token or the session cookie (a session id, never a token), as a user. */
import { createMiddleware } from 'hono/factory'
import { getCookie } from 'hono/cookie'
import { HTTPException } from 'hono/http-exception'
import type { Role } from '../../shared/types'
import type { RecordsDb, StoredUser } from '../storage/recordsDb'
import type { Sessions } from '../storage/sessionTypes'
import { userForToken } from '../services/users'

/** The HttpOnly cookie set when a person confirms a sign-in link; it holds a session id, never the token. */
export const SESSION_COOKIE = 'cj_session'

export interface SessionVariables {
  user: StoredUser | null
  /** How the caller authenticated; cookie callers are subject to the CSRF check. */
  authVia: 'bearer' | 'cookie' | 'query' | null
  /**
   * The SHA-256 of the session id when the cookie authenticated the caller: sign-out ends it, and
   * a connection that remembers it can be closed when the session is revoked.
   */
  sessionHash: string | null
}

/**
 * Resolves the caller. WebSocket upgrades may pass `?token=` (browsers cannot set headers). A
 * cookie resolves through the session store: unknown, revoked or expired sessions are nobody.
 */
export function session(options: { db: RecordsDb; sessions: Sessions }) {
  return createMiddleware<{ Variables: SessionVariables }>(async function session(c, next) {
    const header = c.req.header('authorization')
    let user: StoredUser | undefined
    let via: SessionVariables['authVia'] = null
    let sessionHash: string | null = null
    if (header?.startsWith('Bearer ')) {
      user = userForToken(options.db, header.slice(7).trim())
      via = 'bearer'
    } else if (c.req.query('token') !== undefined && c.req.header('upgrade')?.toLowerCase() === 'websocket') {
      user = userForToken(options.db, c.req.query('token'))
      via = 'query'
    } else {
      const cookie = getCookie(c, SESSION_COOKIE)
      const found = cookie ? options.sessions.resolve(cookie) : undefined
      if (found) {
        user = options.db.userById(found.userId)
        // A session outlives neither its user nor the token it was started with (rotation).
        if (user && user.tokenHash !== found.tokenHash) user = undefined
        via = 'cookie'
        sessionHash = user ? found.hash : null
      }
    }
    c.set('user', user ?? null)
    c.set('authVia', user ? via : null)
    c.set('sessionHash', sessionHash)
    await next()
  })
}

/** Refuses callers who are not signed in (401) or whose role is not listed (403). */
export function requireRole(...roles: Role[]) {
  return createMiddleware<{ Variables: SessionVariables }>(async function requireRole(c, next) {
    const user = c.get('user')
    if (!user) throw new HTTPException(401, { message: 'sign in first: no or bad token' })
    if (roles.length && !roles.includes(user.role)) {
      throw new HTTPException(403, { message: `only a ${roles.join(' or ')} may do this` })
    }
    await next()
  })
}
