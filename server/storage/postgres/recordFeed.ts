/**
 * One instance's view of the PostgreSQL records: every store keeps its documents in memory (the
 * routes read them synchronously) and memory changes only through this feed, for a local write
 * and another instance's alike. A store writes to PostgreSQL, then `reach`es the version the
 * write resolved with: when that resolves, its memory holds the write (and everything committed
 * before it). Other instances' writes arrive on the next `catchUp`: on a timer, and at once when
 * the bus hints that someone wrote.
 *
 * Handlers get the changes of their kind in version order, tombstones included (`removed`), each
 * key at its latest version. A handler that throws is reported and the feed moves on: one bad
 * document never stalls the others (the mistake y/hub#61 describes for streams).
 */
import { CatchUpRounds } from './catchUpRounds'
import type { PostgresRecordDocs, StoredDoc } from './recordDocs'

/** How often an instance asks for other instances' writes when nothing hints sooner. */
export const DEFAULT_FEED_POLL_MS = 250
/** Rows asked for per round trip while catching up. */
const PAGE = 1_000

export type FeedHandler = (docs: readonly StoredDoc[]) => void

export interface RecordFeedOptions {
  pollMs?: number
  /** A handler threw or a catch-up failed (it is retried on the next poll). */
  onError?: (err: unknown, kind: string | null) => void
  /** This instance wrote `version` (it `reach`es it): the bus tells the others to catch up now. */
  onReach?: (version: number) => void
}

export class RecordFeed {
  private readonly rounds = new CatchUpRounds(() => this.round(), () => this.stopped)
  private readonly handlers = new Map<string, FeedHandler>()
  private applied = 0
  private started = false
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  private readonly pollMs: number
  private readonly onError: (err: unknown, kind: string | null) => void
  private readonly onReach: (version: number) => void

  constructor(
    readonly docs: PostgresRecordDocs,
    options: RecordFeedOptions = {},
  ) {
    this.pollMs = options.pollMs ?? DEFAULT_FEED_POLL_MS
    this.onReach = options.onReach ?? (() => {})
    this.onError = options.onError ?? ((err, kind) => console.error(`codejury: the records feed (${kind ?? 'catch-up'}) failed:`, err))
  }

  /** Routes the documents of `kind` to `handler`; every kind is registered before `start`. */
  on(kind: string, handler: FeedHandler): void {
    if (this.started) throw new Error(`the records feed has started; ${kind} registered too late`)
    if (this.handlers.has(kind)) throw new Error(`the records feed already has a handler for ${kind}`)
    this.handlers.set(kind, handler)
  }

  /** The version memory is complete up to. */
  get version(): number {
    return this.applied
  }

  /** Loads every document of every registered kind, then follows the feed. */
  async start(): Promise<void> {
    if (this.started) throw new Error('the records feed was started twice')
    this.started = true
    const snapshot = await this.docs.loadAll()
    this.dispatch(snapshot.docs)
    this.applied = snapshot.version
    this.schedule()
  }

  /**
   * Resolves once memory holds every change up to `version` (a write's own version: read your
   * writes). Rejects when a catch-up fails; the write itself is stored either way.
   */
  async reach(version: number): Promise<void> {
    this.onReach(version)
    while (this.applied < version) {
      if (this.stopped) throw new Error('the records feed was stopped')
      await this.catchUp()
    }
  }

  /** Applies what was committed since the last catch-up; concurrent calls share one round. */
  catchUp(): Promise<void> {
    return this.rounds.run()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private async round(): Promise<void> {
    for (;;) {
      const page = await this.docs.changesSince(this.applied, PAGE)
      this.dispatch(page.changes)
      this.applied = page.version
      if (page.changes.length < PAGE) return
    }
  }

  private dispatch(docs: readonly StoredDoc[]): void {
    if (docs.length === 0) return
    const byKind = new Map<string, StoredDoc[]>()
    for (const doc of docs) {
      if (!this.handlers.has(doc.kind)) continue
      let list = byKind.get(doc.kind)
      if (!list) byKind.set(doc.kind, (list = []))
      list.push(doc)
    }
    for (const [kind, list] of byKind) {
      try {
        this.handlers.get(kind)!(list)
      } catch (err) {
        this.onError(err, kind)
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.catchUp()
        .catch((err) => this.onError(err, null))
        .finally(() => this.schedule())
    }, this.pollMs)
    this.timer.unref()
  }
}
