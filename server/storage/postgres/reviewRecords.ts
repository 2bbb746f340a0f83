/**
 * Review records in PostgreSQL, shared by every instance: one document per task revision (kind
 * `review-record`, key `<taskId>/<revision>`) holding the sealed record with its envelope
 * (`signature`, `key_id`, `seq`) as its exact JSON text, so it round-trips byte for byte and its
 * hash and signature verify on any instance. A commit is one transaction: the record (which must
 * be absent: a record is never overwritten), the commit counter (`review-record-seq`, a
 * compare-and-set, so `seq` is global and gap-free: two instances never draw the same one, and a
 * failed commit draws none) and the audit line that names it. A crash or a lost connection
 * mid-commit leaves none of the three, so nothing is ever half-committed and the file store's
 * recovery of uncommitted files has nothing to do here.
 *
 * Memory (what the routes read synchronously) changes only through the records feed: a commit
 * resolves once this instance's memory holds it; other instances' commits arrive on catch-up.
 * Every read checks the record's hash and its signature by an accepted key, as the file store does.
 */
import { ID_RE } from '../../../shared/roomNames'
import { verifyRecord } from '../../../shared/record'
import type { ReviewRecord } from '../../../shared/record'
import type { RecordCommit } from '../audit'
import { RecordIntegrityError, splitEnvelope } from '../records'
import type { CommitEntry, SealedRecord } from '../records'
import type { RecordKeys } from '../recordKey'
import { AUDIT_LOG } from './auditLog'
import type { PostgresAuditLog } from './auditLog'
import type { RecordFeed } from './recordFeed'
import type { StoredDoc } from './recordDocs'
import { VersionConflictError } from './recordWrites'

export const RECORD_KIND = 'review-record'
/** One document (key `last`): the last committed `seq` and its time, the commits' compare-and-set. */
export const RECORD_SEQ_KIND = 'review-record-seq'
export const SEQ_KEY = 'last'
const MAX_REVISION = 999_999_999
/** Commits retried when other instances keep committing first; each retry follows a catch-up. */
const MAX_ATTEMPTS = 100

const RECORD_KEY = /^([A-Za-z0-9_-]{1,64})\/([1-9][0-9]{0,8})$/

/** The document key of a revision's record; throws a RangeError on an id no task can have. */
export function recordKey(taskId: unknown, revision: unknown): string {
  if (typeof taskId !== 'string' || !ID_RE.test(taskId)) throw new RangeError('a task id is 1–64 letters, digits, _ or -')
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 1 || revision > MAX_REVISION) {
    throw new RangeError(`a revision is an integer from 1 to ${MAX_REVISION}`)
  }
  return `${taskId}/${revision}`
}

/** What an instance holds of one committed revision: its commit and its stored text. */
interface Held {
  commit: RecordCommit
  text: string
  /** Why every read of it is refused, when it must never be served. */
  refused?: string
}

export interface PostgresRecordStoreOptions {
  /** A document of the record kinds that cannot be a record (changed outside codejury), or a commit this instance could not read back yet. */
  onProblem?: (key: string, problem: string) => void
}

/** The record store over PostgreSQL, with the file store's surface (records.ts). */
export class PostgresRecordStore {
  private readonly index = new Map<string, Map<number, Held>>()
  /** Keys whose current text passed every check; a new version of a key drops its entry. */
  private readonly verified = new Set<string>()
  private counter = { seq: 0, at: '', version: 0 }
  private seq = 0
  private lastAtMs = Number.NEGATIVE_INFINITY
  private readonly onProblem: (key: string, problem: string) => void

  /** Registers with `feed`, which must not have started yet. */
  constructor(
    private readonly feed: RecordFeed,
    private readonly keys: RecordKeys,
    private readonly audit: PostgresAuditLog,
    options: PostgresRecordStoreOptions = {},
  ) {
    this.onProblem = options.onProblem ?? ((key, problem) => console.error(`codejury: review record ${key}: ${problem}`))
    feed.on(RECORD_KIND, (docs) => docs.forEach((d) => this.take(d)))
    feed.on(RECORD_SEQ_KIND, (docs) => {
      for (const d of docs) {
        const body = d.body as { seq?: unknown; at?: unknown } | null
        if (d.key !== SEQ_KEY || d.removed || !Number.isSafeInteger(body?.seq) || typeof body?.at !== 'string') {
          this.onProblem(d.key, 'the commit counter is not {seq, at}')
          continue
        }
        this.counter = { seq: body.seq as number, at: body.at, version: d.version }
        this.noteTime(body.at)
      }
    })
  }

  private take(doc: StoredDoc): void {
    const match = RECORD_KEY.exec(doc.key)
    if (!match) return this.onProblem(doc.key, 'its key is not <taskId>/<revision>')
    const [task, revision] = [match[1], Number(match[2])]
    this.verified.delete(doc.key)
    let revs = this.index.get(task)
    if (!revs) this.index.set(task, (revs = new Map()))
    const known = revs.get(revision)
    if (doc.removed) {
      // Records are never removed; a tombstone is damage, and the record stays refused.
      if (known) known.refused = 'it was removed from the database'
      return
    }
    const body = doc.body as Partial<SealedRecord> | null
    const text = JSON.stringify(doc.body)
    const sane =
      typeof body === 'object' && body !== null && body.task_id === task && body.revision === revision &&
      typeof body.record_hash === 'string' && Number.isSafeInteger(body.seq) && typeof body.finalized_at === 'string'
    if (!sane) {
      revs.set(revision, { commit: { task, revision, record_hash: '', seq: 0, at: '' }, text, refused: 'the stored document is not a record of this revision' })
      return this.onProblem(doc.key, 'it is not a record of this revision')
    }
    const commit = { task, revision, record_hash: body.record_hash!, seq: body.seq!, at: body.finalized_at! }
    revs.set(revision, { commit, text, ...(known ? { refused: 'it was written again after its commit' } : {}) })
    if (commit.seq > this.seq) this.seq = commit.seq
    this.noteTime(commit.at)
  }

  private noteTime(at: string): void {
    const ms = Date.parse(at)
    if (ms > this.lastAtMs) this.lastAtMs = ms
  }

  /** The highest committed `seq` this instance holds (0 before any). */
  get lastSeq(): number {
    return this.seq
  }

  /** `now`, or 1 ms after the latest record known when the clock went back. */
  nextTime(now: Date): string {
    return new Date(Math.max(now.getTime(), this.lastAtMs + 1)).toISOString()
  }

  /**
   * Seals, signs and commits one record with its audit line, in one transaction; resolves with
   * the stored record once this instance's memory holds it. `build` gets the record's time (and
   * is called again when another instance committed first, since `seq` and the time move on).
   * Rejects, having committed nothing, when the revision is already committed or the database
   * fails.
   */
  async commit(build: (finalizedAt: string) => ReviewRecord, entry: CommitEntry, now: Date): Promise<SealedRecord> {
    for (let attempt = 1; ; attempt++) {
      const at = this.nextTime(now)
      const record = build(at)
      if (record.finalized_at !== at) throw new Error('a record must carry the time the store gave it')
      if (!verifyRecord(record)) throw new Error('refusing to store a record whose hash does not match')
      const key = recordKey(record.task_id, record.revision)
      if (this.has(record.task_id, record.revision)) throw new Error(`record ${key} is already committed`)
      const { seq: last, version } = this.counter
      const seq = last + 1
      const sealed: SealedRecord = { ...record, signature: this.keys.sign(record.record_hash), key_id: this.keys.keyId, seq }
      const line = { ...entry, at, task: record.task_id, revision: record.revision, record_hash: record.record_hash, seq }
      let stored: { versions: number[]; seqs: number[] }
      try {
        // The record first: the feed then brings it before the counter that names its seq.
        stored = await this.feed.docs.putManyWithLog(
          [
            { kind: RECORD_KIND, key, body: sealed, expectVersion: 0 },
            { kind: RECORD_SEQ_KIND, key: SEQ_KEY, body: { seq, at }, expectVersion: version },
          ],
          AUDIT_LOG,
          [line],
        )
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err
        await this.feed.catchUp()
        if (err.kind === RECORD_KIND) throw new Error(`record ${key} is already committed`)
        if (attempt >= MAX_ATTEMPTS) throw new Error(`record ${key}: other instances kept committing first (${attempt} attempts)`)
        continue
      }
      // Committed: a catch-up that fails now is retried by the feeds' polls, and the commit stands.
      await Promise.all([this.feed.reach(Math.max(...stored.versions)), this.audit.reach(stored.seqs[0])]).catch((err) =>
        this.onProblem(key, `committed, but this instance could not read it back yet: ${(err as Error).message}`),
      )
      return sealed
    }
  }

  /** Whether a revision of a task has a committed record. */
  has(taskId: string, revision: number): boolean {
    return this.index.get(taskId)?.has(revision) ?? false
  }

  /**
   * Reads and checks one committed record: its hash and its signature by an accepted key.
   * Throws RecordIntegrityError on any mismatch; null if never committed.
   */
  read(taskId: string, revision: number): SealedRecord | null {
    const held = this.index.get(taskId)?.get(revision)
    if (!held) return null
    const fail = (detail: string): never => {
      throw new RecordIntegrityError(taskId, revision, detail)
    }
    if (held.refused) fail(held.refused)
    const record = JSON.parse(held.text) as SealedRecord
    const key = `${taskId}/${revision}`
    if (this.verified.has(key)) return record
    if (!verifyRecord(splitEnvelope(record).record)) fail('record_hash does not match its content')
    const signature = this.keys.check(record.record_hash, record.signature, record.key_id)
    if (signature === 'unsigned') fail('it is not signed')
    if (signature === 'unknown-key') fail(`it is signed by an unknown key (${String(record.key_id)})`)
    if (signature === 'bad-signature') fail('its signature does not verify')
    this.verified.add(key)
    return record
  }

  /** The committed revisions of a task, oldest first. */
  revisions(taskId: string): number[] {
    return [...(this.index.get(taskId)?.keys() ?? [])].sort((a, b) => a - b)
  }

  /** Every task id with at least one committed record, in code-point order (the export's order). */
  taskIds(): string[] {
    return [...this.index.keys()].filter((id) => this.index.get(id)!.size > 0).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** Every committed revision, for start-up recovery. */
  commits(): RecordCommit[] {
    return [...this.index.values()].flatMap((revs) => [...revs.values()].map((h) => ({ ...h.commit })))
  }

  // The file store's recovery of half-finalized files, and its PostgreSQL equivalent: a commit is
  // one transaction, so there is never a record without its commit, and never one from before
  // signing (records reach PostgreSQL signed, by this store or by the migration, which verifies).

  /** No record here lacks its commit: always empty. */
  uncommittedFiles(): { taskId: string; revision: number; file: string; finalizedAt: string }[] {
    return []
  }

  /** Records in PostgreSQL are signed from the start: the upgrade never runs. */
  get upgraded(): boolean {
    return true
  }

  markUpgraded(): void {}

  /** Makes every read of a revision fail with `problem` on this instance. */
  refuse(taskId: string, revision: number, problem: string): void {
    const held = this.index.get(taskId)?.get(revision)
    if (held) held.refused = problem
  }

  discard(file: string): string {
    throw new Error(`nothing to discard in PostgreSQL (${file}): an uncommitted record is never stored`)
  }

  upgrade(taskId: string, revision: number): string {
    return `record ${taskId}/${revision}: records in PostgreSQL are signed when committed; there is nothing to upgrade`
  }
}
