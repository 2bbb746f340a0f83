/** Sign-in sessions on disk: `DATA_DIR/sessions.json` (0600), ids kept only as SHA-256 hashes. */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { Low } from 'lowdb'
import type { Adapter } from 'lowdb'
import { hashToken } from '../auth/tokens'
import { replaceFile } from './durableFile'
import { LAST_USED_WRITE_MS, MAX_SESSIONS_PER_USER, byLastUse, isSession, toInfo } from './sessionTypes'
import type { SessionInfo, Sessions, SessionStoreOptions, StoredSession } from './sessionTypes'

export { LAST_USED_WRITE_MS, MAX_SESSIONS_PER_USER, PUBLIC_ID_CHARS } from './sessionTypes'
export type { SessionInfo, Sessions, SessionStoreOptions, StoredSession } from './sessionTypes'

interface SessionsFile {
  sessions: StoredSession[]
}

/**
 * A lowdb adapter that writes through `replaceFile` (mode 0600, fsynced, renamed, directory
 * fsynced): a revoked session stays revoked after a power cut. lowdb's own JSONFile creates its
 * file with the umask's 0644 and never fsyncs.
 */
class PrivateJsonFile<T> implements Adapter<T> {
  constructor(private readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string
    try {
      text = await fs.promises.readFile(this.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
    try {
      return JSON.parse(text) as T
    } catch (err) {
      throw new Error(
        `${this.file} is not valid JSON (${(err as Error).message}); move it away to sign everyone out and start`,
      )
    }
  }

  async write(data: T): Promise<void> {
    await replaceFile(this.file, JSON.stringify(data))
  }
}

/**
 * Every live session of one data directory. Lookups are synchronous from memory; every change
 * is written to disk before memory changes (a failed write leaves the sessions as they were),
 * and writes run one at a time. Expired sessions are never returned and are pruned.
 */
export class SessionStore implements Sessions {
  private readonly byHash = new Map<string, StoredSession>()
  private readonly persistedLastUse = new Map<string, number>()
  private queue: Promise<unknown> = Promise.resolve()
  private readonly revokeListeners = new Set<(revoked: StoredSession[]) => void>()
  private readonly now: () => number

  private constructor(
    private readonly db: Low<SessionsFile>,
    private readonly options: SessionStoreOptions,
  ) {
    this.now = options.now ?? Date.now
    for (const s of db.data.sessions) {
      if (!isSession(s)) continue
      this.byHash.set(s.hash, { ...s })
      this.persistedLastUse.set(s.hash, Date.parse(s.lastUsedAt))
    }
  }

  /** Opens (or creates) `DATA_DIR/sessions.json` and prunes the sessions that expired meanwhile. */
  static async open(dataDir: string, options: SessionStoreOptions): Promise<SessionStore> {
    fs.mkdirSync(dataDir, { recursive: true })
    const file = path.join(dataDir, 'sessions.json')
    const db = new Low<SessionsFile>(new PrivateJsonFile<SessionsFile>(file), { sessions: [] })
    await db.read()
    if (!db.data || !Array.isArray(db.data.sessions)) db.data = { sessions: [] }
    const store = new SessionStore(db, options)
    await store.pruneExpired()
    return store
  }

  /** Starts a session for `userId`; returns the secret id, which only the cookie will hold. */
  async create(userId: string, tokenHash: string): Promise<{ id: string; session: StoredSession }> {
    const id = `cjs_${randomBytes(32).toString('base64url')}`
    const now = this.now()
    const session: StoredSession = {
      hash: hashToken(id),
      userId,
      tokenHash,
      createdAt: new Date(now).toISOString(),
      lastUsedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.options.ttlMs).toISOString(),
    }
    await this.change((list) => {
      const live = list.filter((s) => !this.expired(s))
      const mine = live.filter((s) => s.userId === userId).sort(byLastUse)
      const drop = new Set(mine.slice(0, Math.max(0, mine.length - MAX_SESSIONS_PER_USER + 1)))
      return [...live.filter((s) => !drop.has(s)), session]
    })
    return { id, session }
  }

  /**
   * The live session a cookie value names, or undefined (unknown, malformed or expired: an
   * expired one is pruned at once). Records the use; the file is rewritten at most every
   * LAST_USED_WRITE_MS per session.
   */
  resolve(id: string | undefined | null): StoredSession | undefined {
    if (!id || id.length > 200) return undefined
    const hash = hashToken(id)
    const session = this.byHash.get(hash)
    if (!session) return undefined
    if (this.expired(session)) {
      this.background(this.change((list) => list.filter((s) => s.hash !== hash)))
      return undefined
    }
    const now = this.now()
    session.lastUsedAt = new Date(now).toISOString()
    if (now - (this.persistedLastUse.get(hash) ?? 0) > LAST_USED_WRITE_MS) {
      this.persistedLastUse.set(hash, now)
      this.background(this.change((list) => list))
    }
    return session
  }

  /** True while the session with this hash exists and has not expired (for live access checks). */
  isLive(hash: string): boolean {
    const session = this.byHash.get(hash)
    return session !== undefined && !this.expired(session)
  }

  /** Every live session, most recently used first, as the lead may see them. */
  list(): SessionInfo[] {
    return [...this.byHash.values()]
      .filter((s) => !this.expired(s))
      .sort((a, b) => byLastUse(b, a))
      .map(toInfo)
  }

  /** Ends the session with this hash (sign-out). Resolves to whether there was one. */
  async revokeHash(hash: string): Promise<boolean> {
    return (await this.revokeWhere((s) => s.hash === hash)) > 0
  }

  /** Ends the session with this public id (or a longer prefix of its hash). */
  async revokeById(publicId: string): Promise<StoredSession | undefined> {
    if (!/^[0-9a-f]{16,64}$/.test(publicId)) return undefined
    const match = [...this.byHash.values()].filter((s) => s.hash.startsWith(publicId))
    if (match.length !== 1) return undefined
    await this.revokeWhere((s) => s === match[0])
    return match[0]
  }

  /** Ends every session of a user (token rotation, user deletion). Resolves to how many. */
  revokeUser(userId: string): Promise<number> {
    return this.revokeWhere((s) => s.userId === userId)
  }

  /**
   * Called with the sessions just revoked, after they were removed from disk: the hook that
   * closes their open sockets.
   */
  onRevoke(listener: (revoked: StoredSession[]) => void): () => void {
    this.revokeListeners.add(listener)
    return () => this.revokeListeners.delete(listener)
  }

  /** Drops every expired session from disk and memory. */
  async pruneExpired(): Promise<void> {
    if ([...this.byHash.values()].some((s) => this.expired(s))) {
      await this.change((list) => list.filter((s) => !this.expired(s)))
    }
  }

  /** Resolves once every write started so far has finished (shutdown waits for it). */
  async flush(): Promise<void> {
    await this.queue
  }

  private async revokeWhere(match: (s: StoredSession) => boolean): Promise<number> {
    let revoked: StoredSession[] = []
    await this.change((list) => {
      revoked = list.filter(match)
      return list.filter((s) => !match(s))
    })
    if (revoked.length) for (const listener of this.revokeListeners) listener(revoked)
    return revoked.length
  }

  private expired(s: StoredSession): boolean {
    return Date.parse(s.expiresAt) <= this.now()
  }

  /** Writes `next(current)` to disk, then makes it the sessions in memory; one change at a time. */
  private change(next: (list: StoredSession[]) => StoredSession[]): Promise<void> {
    const run = this.queue.then(async () => {
      const list = next([...this.byHash.values()])
      const previous = this.db.data
      this.db.data = { sessions: list }
      try {
        await this.db.write()
      } catch (err) {
        this.db.data = previous
        throw err
      }
      this.byHash.clear()
      this.persistedLastUse.clear()
      for (const s of list) {
        this.byHash.set(s.hash, s)
        this.persistedLastUse.set(s.hash, Date.parse(s.lastUsedAt))
      }
    })
    this.queue = run.catch(() => {})
    return run
  }

  private background(work: Promise<void>): void {
    work.catch((err) => this.options.onError?.(err))
  }
}
