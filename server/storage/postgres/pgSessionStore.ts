/**
 * Sign-in sessions in PostgreSQL, shared by every instance on one database: one document per
 * session (kind `session`, key = the SHA-256 of the session id, never the id itself). Each
 * instance keeps the sessions in memory for synchronous lookups, and memory changes only through
 * the records feed: a session created or revoked on another instance holds here after the next
 * catch-up (the feed's poll, DEFAULT_FEED_POLL_MS, or sooner on a bus hint). A revocation that
 * arrives through the feed fires `onRevoke` here too, so every instance closes that session's
 * sockets; a session that had expired is pruned without being reported as revoked.
 *
 * A recorded use (lastUsedAt, written at most every LAST_USED_WRITE_MS) is a compare-and-set on
 * the version memory holds: it never brings back a session another instance revoked meanwhile.
 * A revocation is unconditional: it wins over any concurrent use.
 */
import { randomBytes } from 'node:crypto'
import { hashToken } from '../../auth/tokens'
import { LAST_USED_WRITE_MS, MAX_SESSIONS_PER_USER, byLastUse, isSession, toInfo } from '../sessionTypes'
import type { SessionInfo, Sessions, SessionStoreOptions, StoredSession } from '../sessionTypes'
import { VersionConflictError } from './recordDocs'
import type { StoredDoc } from './recordDocs'
import type { RecordFeed } from './recordFeed'

/** The record kind of a session document. */
export const SESSION_KIND = 'session'

interface Held {
  session: StoredSession
  /** The version of the stored document memory holds: the base of a compare-and-set. */
  version: number
  /** When the stored copy's lastUsedAt was (or is being) written. */
  persistedUse: number
}

/**
 * The sessions of one database as one instance sees them. Construct it before `feed.start()`
 * (it registers its kind); it answers from memory once the feed has started.
 */
export class PgSessionStore implements Sessions {
  private readonly byHash = new Map<string, Held>()
  private readonly revokeListeners = new Set<(revoked: StoredSession[]) => void>()
  private readonly pending = new Set<Promise<unknown>>()
  private readonly now: () => number

  constructor(
    private readonly feed: RecordFeed,
    private readonly options: SessionStoreOptions,
  ) {
    this.now = options.now ?? Date.now
    feed.on(SESSION_KIND, (docs) => this.apply(docs))
  }

  async create(userId: string, tokenHash: string): Promise<{ id: string; session: StoredSession }> {
    if (typeof userId !== 'string' || userId === '') throw new TypeError('a session needs a user id')
    if (typeof tokenHash !== 'string' || tokenHash === '') throw new TypeError('a session needs its token hash')
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
    const mine = [...this.byHash.values()]
      .filter((h) => h.session.userId === userId && !this.expired(h.session))
      .sort((a, b) => byLastUse(a.session, b.session))
    const drop = mine.slice(0, Math.max(0, mine.length - MAX_SESSIONS_PER_USER + 1))
    const version = await this.feed.docs.put(SESSION_KIND, session.hash, session, 0)
    // Past the cap, the least recently used ones go, unless someone used or ended them meanwhile.
    // A drop that fails leaves one session too many for a while; the new session stands.
    const dropped = await Promise.all(
      drop.map((h) =>
        this.removeAt(h.session.hash, h.version).catch((err) => {
          this.options.onError?.(err)
          return 0
        }),
      ),
    )
    await this.feed.reach(Math.max(version, ...dropped))
    if ([...this.byHash.values()].some((h) => this.expired(h.session))) this.background(this.pruneExpired())
    return { id, session }
  }

  resolve(id: string | undefined | null): StoredSession | undefined {
    if (!id || id.length > 200) return undefined
    const hash = hashToken(id)
    const held = this.byHash.get(hash)
    if (!held) return undefined
    if (this.expired(held.session)) {
      this.background(this.removeAt(hash, held.version).then((v) => this.feed.reach(v)))
      return undefined
    }
    const now = this.now()
    held.session.lastUsedAt = new Date(now).toISOString()
    if (now - held.persistedUse > LAST_USED_WRITE_MS) {
      held.persistedUse = now
      this.background(this.recordUse(held))
    }
    return held.session
  }

  isLive(hash: string): boolean {
    const held = this.byHash.get(hash)
    return held !== undefined && !this.expired(held.session)
  }

  list(): SessionInfo[] {
    return [...this.byHash.values()]
      .map((h) => h.session)
      .filter((s) => !this.expired(s))
      .sort((a, b) => byLastUse(b, a))
      .map(toInfo)
  }

  async revokeHash(hash: string): Promise<boolean> {
    return (await this.revokeWhere((s) => s.hash === hash)) > 0
  }

  async revokeById(publicId: string): Promise<StoredSession | undefined> {
    if (!/^[0-9a-f]{16,64}$/.test(publicId)) return undefined
    const match = [...this.byHash.values()].filter((h) => h.session.hash.startsWith(publicId))
    if (match.length !== 1) return undefined
    const session = match[0].session
    return (await this.revokeWhere((s) => s.hash === session.hash)) > 0 ? session : undefined
  }

  revokeUser(userId: string): Promise<number> {
    return this.revokeWhere((s) => s.userId === userId)
  }

  onRevoke(listener: (revoked: StoredSession[]) => void): () => void {
    this.revokeListeners.add(listener)
    return () => this.revokeListeners.delete(listener)
  }

  async pruneExpired(): Promise<void> {
    const expired = [...this.byHash.values()].filter((h) => this.expired(h.session))
    const versions = await Promise.all(expired.map((h) => this.removeAt(h.session.hash, h.version)))
    await this.feed.reach(Math.max(0, ...versions))
  }

  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending])
  }

  /** Removes the sessions `match` picks from what memory holds; the feed reports them revoked. */
  private async revokeWhere(match: (s: StoredSession) => boolean): Promise<number> {
    const targets = [...this.byHash.values()].filter((h) => match(h.session))
    const versions = await Promise.all(targets.map((h) => this.feed.docs.remove(SESSION_KIND, h.session.hash)))
    const removed = versions.filter((v): v is number => v !== null)
    await this.feed.reach(Math.max(0, ...removed))
    return removed.length
  }

  /** Removes a session if it is still at `version`; resolves with the tombstone's version, or 0. */
  private async removeAt(hash: string, version: number): Promise<number> {
    try {
      return (await this.feed.docs.remove(SESSION_KIND, hash, version)) ?? 0
    } catch (err) {
      if (err instanceof VersionConflictError) return 0
      throw err
    }
  }

  /** Stores memory's lastUsedAt, unless the session changed (or ended) meanwhile. */
  private async recordUse(held: Held): Promise<void> {
    let version: number
    try {
      version = await this.feed.docs.put(SESSION_KIND, held.session.hash, { ...held.session }, held.version)
    } catch (err) {
      if (err instanceof VersionConflictError) return
      throw err
    }
    await this.feed.reach(version)
  }

  /** The feed's changes of sessions, from this instance and the others alike. */
  private apply(docs: readonly StoredDoc[]): void {
    const revoked: StoredSession[] = []
    for (const doc of docs) {
      const held = this.byHash.get(doc.key)
      if (doc.removed) {
        if (!held) continue
        this.byHash.delete(doc.key)
        if (!this.expired(held.session)) revoked.push(held.session)
        continue
      }
      if (!isSession(doc.body) || doc.body.hash !== doc.key) {
        this.options.onError?.(new Error(`session record ${JSON.stringify(doc.key)} is not a session; skipped`))
        continue
      }
      const stored = doc.body
      const persistedUse = Date.parse(stored.lastUsedAt)
      // Uses are stored at most every LAST_USED_WRITE_MS: memory may be ahead of the stored copy.
      const lastUsedAt = held && held.session.lastUsedAt > stored.lastUsedAt ? held.session.lastUsedAt : stored.lastUsedAt
      this.byHash.set(doc.key, { session: { ...stored, lastUsedAt }, version: doc.version, persistedUse })
    }
    if (revoked.length === 0) return
    for (const listener of this.revokeListeners) {
      try {
        listener(revoked)
      } catch (err) {
        this.options.onError?.(err)
      }
    }
  }

  private expired(s: StoredSession): boolean {
    return Date.parse(s.expiresAt) <= this.now()
  }

  private background(work: Promise<unknown>): void {
    const tracked = work.catch((err) => this.options.onError?.(err)).finally(() => this.pending.delete(tracked))
    this.pending.add(tracked)
  }
}
