/** What a sign-in session is, and what every session store (files, PostgreSQL) offers the server. */

/** One session as stored. The session id itself lives only in the browser's cookie. */
export interface StoredSession {
  /** SHA-256 (hex) of the session id: what a stolen copy of the store would give an attacker. */
  hash: string
  userId: string
  /**
   * The hash of the token the session was started with: once the user's token is rotated, the
   * sessions it started stop working, whoever remembers to revoke them.
   */
  tokenHash: string
  createdAt: string
  lastUsedAt: string
  expiresAt: string
}

/** A session as the lead sees it: a short public id, never the secret nor its full hash. */
export interface SessionInfo {
  id: string
  userId: string
  createdAt: string
  lastUsedAt: string
  expiresAt: string
}

/** The public id of a session: the first 64 bits of its hash, enough to name it, useless to sign in. */
export const PUBLIC_ID_CHARS = 16
/** Sessions one user may hold at once; signing in past it drops their least recently used one. */
export const MAX_SESSIONS_PER_USER = 20
/** How stale a stored `lastUsedAt` may get before a request rewrites it (memory is exact). */
export const LAST_USED_WRITE_MS = 10 * 60_000

/** Options of a session store; `now` is injectable so expiry can be tested without waiting. */
export interface SessionStoreOptions {
  ttlMs: number
  now?: () => number
  /** A background write (pruning, last-used) failed; the store keeps working from memory. */
  onError?: (err: unknown) => void
}

/**
 * The sessions as the server uses them: lookups are synchronous from memory, changes are stored
 * before memory shows them, expired sessions are never returned. Callers type against this, so
 * the file store and the PostgreSQL store are interchangeable.
 */
export interface Sessions {
  /** Starts a session for `userId`; returns the secret id, which only the cookie will hold. */
  create(userId: string, tokenHash: string): Promise<{ id: string; session: StoredSession }>
  /** The live session a cookie value names, or undefined; records the use. */
  resolve(id: string | undefined | null): StoredSession | undefined
  /** True while the session with this hash exists and has not expired (for live access checks). */
  isLive(hash: string): boolean
  /** Every live session, most recently used first, as the lead may see them. */
  list(): SessionInfo[]
  /** Ends the session with this hash (sign-out). Resolves to whether there was one. */
  revokeHash(hash: string): Promise<boolean>
  /** Ends the session with this public id (or a longer prefix of its hash). */
  revokeById(publicId: string): Promise<StoredSession | undefined>
  /** Ends every session of a user (token rotation, user deletion). Resolves to how many. */
  revokeUser(userId: string): Promise<number>
  /** Called with sessions just revoked, once they are stored as gone: the hook that closes their sockets. */
  onRevoke(listener: (revoked: StoredSession[]) => void): () => void
  /** Drops every expired session from the store and memory. */
  pruneExpired(): Promise<void>
  /** Resolves once every write started so far has finished (shutdown waits for it). */
  flush(): Promise<void>
}

/** Least recently used first. */
export function byLastUse(a: StoredSession, b: StoredSession): number {
  return a.lastUsedAt.localeCompare(b.lastUsedAt)
}

export function toInfo(s: StoredSession): SessionInfo {
  const { userId, createdAt, lastUsedAt, expiresAt } = s
  return { id: s.hash.slice(0, PUBLIC_ID_CHARS), userId, createdAt, lastUsedAt, expiresAt }
}

/** Whether a stored value has a session's shape; anything else is skipped on load. */
export function isSession(s: unknown): s is StoredSession {
  const o = s as Record<string, unknown> | null
  return (
    typeof o === 'object' && o !== null &&
    typeof o.hash === 'string' && typeof o.userId === 'string' && typeof o.tokenHash === 'string' &&
    typeof o.createdAt === 'string' && typeof o.lastUsedAt === 'string' &&
    typeof o.expiresAt === 'string' && !Number.isNaN(Date.parse(o.expiresAt))
  )
}
