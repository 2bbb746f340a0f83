/**
 * Time on task in PostgreSQL, shared by every instance on one database. Each instance measures
 * its own connections' time, so each stores only its own rows, under a writer id of its own
 * (random per process): one document per writer, day and person (kind `activity`, key
 * `<day>/<writer>/<user>`, body `{ writer, day, user, rows }`). No two writers ever write one
 * document, so nothing is overwritten, and no row is held by two documents, so nothing is counted
 * twice. Every instance follows the others' documents through the records feed and hands them to
 * its tracker (ActivityStore.follow), which adds them to every read; its own come back through the
 * feed too and are skipped, since the tracker's memory is ahead of them.
 * A restarted process writes under a new id: what it stored before reads as another writer's rows.
 */
import { createHash, randomBytes } from 'node:crypto'
import { DAY, readActivityRows } from '../activityStore'
import type { ActivityRow, ActivityStore, ForeignRows } from '../activityStore'
import type { DocWrite, StoredDoc } from './recordDocs'
import type { RecordFeed } from './recordFeed'

/** The record kind of a writer's rows of one person on one day. */
export const ACTIVITY_KIND = 'activity'
/** Documents per transaction when a day is written. */
const WRITES_PER_PUT = 500

interface ActivityDoc {
  writer: string
  day: string
  user: string
  rows: ActivityRow[]
}

export interface PgActivityStoreOptions {
  /** This process's writer id; by default random. Two live processes must never share one. */
  writer?: string
  /** A stored document was not a row set and was skipped. */
  onError?: (err: unknown) => void
}

/**
 * One instance's time-on-task storage. Construct it before `feed.start()` (it registers its kind)
 * and pass it to the tracker as `store`; the tracker may be made before or after the start.
 */
export class PgActivityStore implements ActivityStore {
  /** This process's writer id. */
  readonly writer: string
  /** key → digest of the body last stored: an unchanged person's day is not written again. */
  private readonly stored = new Map<string, string>()
  /** Other writers' rows as the feed last gave them, until the tracker follows. */
  private readonly held = new Map<string, ForeignRows>()
  private listener: ((change: ForeignRows) => void) | null = null
  private tail: Promise<unknown> = Promise.resolve()
  private readonly onError: (err: unknown) => void

  constructor(
    private readonly feed: RecordFeed,
    options: PgActivityStoreOptions = {},
  ) {
    this.writer = options.writer ?? randomBytes(8).toString('hex')
    if (!/^[0-9a-z]{1,64}$/.test(this.writer)) throw new RangeError('a writer id is 1–64 lower-case letters or digits')
    this.onError = options.onError ?? ((err) => console.error('codejury: a time-on-task record was skipped:', err))
    feed.on(ACTIVITY_KIND, (docs) => this.apply(docs))
  }

  /** Nothing: a process never writes under an earlier process's id. */
  loadOwn(): Map<string, ActivityRow[]> {
    return new Map()
  }

  /** Stores the changed people's rows of `day`, in one transaction per WRITES_PER_PUT, after the writes before it. */
  writeDay(day: string, rows: readonly ActivityRow[]): Promise<void> {
    if (!DAY.test(day)) throw new RangeError(`a day is YYYY-MM-DD (got ${JSON.stringify(day.slice(0, 20))})`)
    const byUser = new Map<string, ActivityRow[]>()
    for (const r of rows) {
      let list = byUser.get(r.user)
      if (!list) byUser.set(r.user, (list = []))
      list.push({ ...r })
    }
    // Read now: the tracker keeps changing its rows after this call.
    const writes: DocWrite[] = []
    const digests = new Map<string, string>()
    for (const [user, list] of byUser) {
      const key = `${day}/${this.writer}/${user}`
      const body: ActivityDoc = { writer: this.writer, day, user, rows: list }
      const digest = createHash('sha256').update(JSON.stringify(body)).digest('base64')
      if (this.stored.get(key) === digest) continue
      writes.push({ kind: ACTIVITY_KIND, key, body })
      digests.set(key, digest)
    }
    const run = this.tail.then(async () => {
      for (let from = 0; from < writes.length; from += WRITES_PER_PUT) {
        const part = writes.slice(from, from + WRITES_PER_PUT)
        await this.feed.docs.putMany(part)
        for (const w of part) this.stored.set(w.key, digests.get(w.key)!)
      }
    })
    this.tail = run.catch(() => {})
    return run
  }

  follow(listener: (change: ForeignRows) => void): void {
    if (this.listener) throw new Error('the time-on-task store is already followed')
    this.listener = listener
    for (const change of this.held.values()) listener(change)
    this.held.clear()
  }

  /** The feed's activity documents: other writers' go to the tracker, this writer's are skipped. */
  private apply(docs: readonly StoredDoc[]): void {
    for (const doc of docs) {
      const day = doc.key.slice(0, 10)
      if (doc.key.startsWith(`${day}/${this.writer}/`)) continue
      let rows: ActivityRow[] = []
      if (!doc.removed) {
        const body = doc.body as Partial<ActivityDoc> | null
        if (!body || body.day !== day || !DAY.test(day) || typeof body.user !== 'string') {
          this.onError(new Error(`time-on-task record ${JSON.stringify(doc.key)} is not a row set; skipped`))
        } else {
          // A row set holds one person's rows: anything else in it is not counted.
          rows = readActivityRows(body.rows).filter((r) => r.user === body.user)
        }
      }
      const change: ForeignRows = { key: doc.key, day, rows }
      if (this.listener) this.listener(change)
      else if (rows.length) this.held.set(doc.key, change)
      else this.held.delete(doc.key)
    }
  }
}
