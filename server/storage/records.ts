/**
 * Review records on disk: one file per task revision, `records/<taskId>/<revision>.json` (0600),
 * holding the sealed record and, outside what `record_hash` covers, its Ed25519 `signature`, the
 * `key_id` that made it and its commit `seq`. A record exists only once its audit line commits it
 * (audit.ts): the file is written first, the line is the commit point, and a file no line names is
 * invisible and moved aside at the next start. Every read checks the hash, the commit and the
 * signature; no file grows with the number of records.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { verifyRecord } from '../../shared/record'
import type { ReviewRecord } from '../../shared/record'
import { createFileOnceSync, fsyncDir, moveAside, replaceFileSync } from './durableFile'
import type { AuditEntry, AuditLog, RecordCommit } from './audit'
import type { RecordKeys } from './recordKey'

/** A stored record whose content, commit or signature does not check out: tampering or damage. */
export class RecordIntegrityError extends Error {
  constructor(
    readonly taskId: string,
    readonly revision: number,
    detail: string,
  ) {
    super(`review record ${taskId} revision ${revision} fails its integrity check: ${detail}`)
    this.name = 'RecordIntegrityError'
  }
}

/** A committed record as stored and exported: the sealed record plus what its hash cannot cover. */
export type SealedRecord = ReviewRecord & { signature: string; key_id: string; seq: number }

/** The fields outside `record_hash`: the record's signature, its key, its commit sequence. */
export const ENVELOPE_FIELDS = ['signature', 'key_id', 'seq'] as const

/** Splits a stored or exported record into the hashed record and its envelope. */
export function splitEnvelope(stored: object): { record: ReviewRecord; signature: unknown; key_id: unknown; seq: unknown } {
  const { signature, key_id, seq, ...record } = stored as Record<string, unknown>
  return { record: record as unknown as ReviewRecord, signature, key_id, seq }
}

const REVISION_FILE = /^([1-9][0-9]{0,8})\.json$/
/** In `records/`: present once every record from before signing was signed (or refused). */
const UPGRADED_MARKER = '.signed-upgrade-done'

/** How many files' verified byte digests a store remembers (about 120 bytes each). */
const VERIFIED_CACHE_SIZE = 20_000

function bytesDigest(text: string): string {
  return createHash('sha256').update(text).digest('base64')
}

/** What the store knows of one committed revision; `refused` marks one that must never be served. */
type IndexEntry = RecordCommit & { refused?: string }

/** The audit line of a commit, less what the store fills in itself. */
export type CommitEntry = Omit<AuditEntry, 'at' | 'task' | 'revision' | 'record_hash' | 'seq'>

/** The record store of one DATA_DIR; a second implementation (PostgreSQL) keeps this shape. */
export class RecordStore {
  private readonly root: string
  private readonly index = new Map<string, Map<number, IndexEntry>>()
  private seq = 0
  private lastAtMs = Number.NEGATIVE_INFINITY
  /**
   * Files whose content already passed every check, by path → SHA-256 of their bytes. Records
   * never change, so a file read again with the same bytes needs no second canonical-JSON check
   * or signature check (an export reads each record twice). Bounded (oldest out).
   */
  private readonly verified = new Map<string, string>()

  constructor(
    dataDir: string,
    private readonly keys: RecordKeys,
    private readonly audit: AuditLog,
  ) {
    this.root = path.join(dataDir, 'records')
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 })
    for (const commit of audit.commits()) this.remember(commit)
  }

  private remember(entry: IndexEntry): void {
    let revs = this.index.get(entry.task)
    if (!revs) this.index.set(entry.task, (revs = new Map()))
    revs.set(entry.revision, entry)
    if (entry.seq > this.seq) this.seq = entry.seq
    const at = Date.parse(entry.at)
    if (at > this.lastAtMs) this.lastAtMs = at
  }

  private file(taskId: string, revision: number): string {
    return path.join(this.root, taskId, `${revision}.json`)
  }

  /** The highest committed `seq` (0 before any): an export taken now holds every record up to it. */
  get lastSeq(): number {
    return this.seq
  }

  /**
   * The time the next record is stamped with: `now`, or 1 ms after the latest committed record
   * when the clock went back, so record times never go backwards.
   */
  nextTime(now: Date): string {
    return new Date(Math.max(now.getTime(), this.lastAtMs + 1)).toISOString()
  }

  /**
   * Seals, signs and commits one record in one synchronous step (so `seq` order is commit order):
   * `build` gets the record's time, the file is created, then the audit line commits it. If the
   * line cannot be written the file is removed and the error thrown: nothing was committed, and
   * a file a failed removal leaves behind is never served and is moved aside later.
   */
  commit(build: (finalizedAt: string) => ReviewRecord, entry: CommitEntry, now: Date): SealedRecord {
    const at = this.nextTime(now)
    const record = build(at)
    if (record.finalized_at !== at) throw new Error('a record must carry the time the store gave it')
    if (!verifyRecord(record)) throw new Error('refusing to store a record whose hash does not match')
    if (this.has(record.task_id, record.revision)) throw new Error(`record ${record.task_id}/${record.revision} is already committed`)
    const seq = this.seq + 1
    const sealed: SealedRecord = { ...record, signature: this.keys.sign(record.record_hash), key_id: this.keys.keyId, seq }
    const file = this.file(record.task_id, record.revision)
    if (fs.existsSync(file)) moveAside(file, 'uncommitted')
    if (!createFileOnceSync(file, JSON.stringify(sealed) + '\n')) throw new Error(`record ${file} appeared while it was written`)
    try {
      this.audit.append({ ...entry, at, task: record.task_id, revision: record.revision, record_hash: record.record_hash, seq })
    } catch (err) {
      try {
        fs.rmSync(file)
        fsyncDir(path.dirname(file))
      } catch {
        // uncommitted either way: never served, moved aside at the next start
      }
      throw err
    }
    this.remember({ task: record.task_id, revision: record.revision, record_hash: record.record_hash, seq, at })
    return sealed
  }

  /** Whether a revision of a task has a committed record. */
  has(taskId: string, revision: number): boolean {
    return this.index.get(taskId)?.has(revision) ?? false
  }

  /**
   * Reads and checks one committed record: its hash, the commit that names it, and its signature
   * by an accepted key. Throws RecordIntegrityError on any mismatch; null if never committed.
   */
  read(taskId: string, revision: number): SealedRecord | null {
    const commit = this.index.get(taskId)?.get(revision)
    if (!commit) return null
    const fail = (detail: string): never => {
      throw new RecordIntegrityError(taskId, revision, detail)
    }
    if (commit.refused) fail(commit.refused)
    const file = this.file(taskId, revision)
    let text = ''
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (err) {
      fail(`its file cannot be read (${(err as NodeJS.ErrnoException).code})`)
    }
    let stored: SealedRecord | null = null
    try {
      stored = JSON.parse(text) as SealedRecord
    } catch {
      fail('the file is not valid JSON')
    }
    if (!stored || typeof stored !== 'object' || stored.task_id !== taskId || stored.revision !== revision) {
      fail('the file names another task or revision')
    }
    const record = stored!
    if (record.record_hash !== commit.record_hash || record.seq !== commit.seq) fail('it is not the record the audit log committed')
    const digest = bytesDigest(text)
    if (this.verified.get(file) === digest) return record
    if (!verifyRecord(splitEnvelope(record).record)) fail('record_hash does not match its content')
    const signature = this.keys.check(record.record_hash, record.signature, record.key_id)
    if (signature === 'unsigned') fail('it is not signed')
    if (signature === 'unknown-key') fail(`it is signed by an unknown key (${String(record.key_id)})`)
    if (signature === 'bad-signature') fail('its signature does not verify')
    this.verified.delete(file)
    this.verified.set(file, digest)
    if (this.verified.size > VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!)
    return record
  }

  /** The committed revisions of a task, oldest first. */
  revisions(taskId: string): number[] {
    return [...(this.index.get(taskId)?.keys() ?? [])].sort((a, b) => a - b)
  }

  /** Every task id with at least one committed record, in code-point order (the export's order). */
  taskIds(): string[] {
    return [...this.index.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** Every committed revision, for start-up recovery. */
  commits(): RecordCommit[] {
    return [...this.index.values()].flatMap((revs) => [...revs.values()])
  }

  /**
   * Record files no audit line commits, with the time each says it was finalized (empty when it
   * cannot be read); temporary files a crash left are removed. What start-up must decide.
   */
  uncommittedFiles(): { taskId: string; revision: number; file: string; finalizedAt: string }[] {
    const out: { taskId: string; revision: number; file: string; finalizedAt: string }[] = []
    for (const dir of fs.readdirSync(this.root, { withFileTypes: true })) {
      if (!dir.isDirectory() || dir.name.startsWith('.')) continue
      for (const name of fs.readdirSync(path.join(this.root, dir.name))) {
        const file = path.join(this.root, dir.name, name)
        if (name.endsWith('.tmp')) {
          fs.rmSync(file, { force: true })
          continue
        }
        const rev = REVISION_FILE.exec(name)?.[1]
        if (rev === undefined || this.has(dir.name, Number(rev))) continue
        let finalizedAt = ''
        try {
          const at: unknown = (JSON.parse(fs.readFileSync(file, 'utf8')) as { finalized_at?: unknown }).finalized_at
          if (typeof at === 'string') finalizedAt = at
        } catch {
          // unreadable: decided (and refused) by whoever handles it
        }
        out.push({ taskId: dir.name, revision: Number(rev), file, finalizedAt })
      }
    }
    return out
  }

  /**
   * Whether the one-time upgrade that signs records from before signing has run on this
   * directory. After it, a record no audit line commits is never signed, whatever its task says.
   */
  get upgraded(): boolean {
    return fs.existsSync(path.join(this.root, UPGRADED_MARKER))
  }

  /** Marks the upgrade done (durably), so it never runs again on this directory. */
  markUpgraded(): void {
    createFileOnceSync(path.join(this.root, UPGRADED_MARKER), `${new Date().toISOString()}\n`)
  }

  /** Makes every read of a revision fail with `problem` (a record that must never be served). */
  refuse(taskId: string, revision: number, problem: string): void {
    this.remember({ task: taskId, revision, record_hash: '', seq: 0, at: '', refused: problem })
  }

  /** Moves an uncommitted record file aside (kept byte for byte); returns where it went. */
  discard(file: string): string {
    return moveAside(file, 'uncommitted')
  }

  /**
   * The upgrade of a record committed before records were signed (its task's status says it was
   * finalized, but no audit line names it): checks its hash, signs it, rewrites its file once and
   * commits it. A record failing its hash is not signed: it stays as it is and every read of it is
   * refused with the reason, which is returned.
   */
  upgrade(taskId: string, revision: number, entry: CommitEntry): string | null {
    const file = this.file(taskId, revision)
    let record: ReviewRecord | null = null
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
      record = splitEnvelope(parsed).record
    } catch {
      // unreadable: refused below
    }
    const problem =
      !record || record.task_id !== taskId || record.revision !== revision
        ? 'its file is not a record of this revision'
        : !verifyRecord(record)
          ? 'record_hash does not match its content, so it was not signed'
          : null
    if (problem) {
      this.refuse(taskId, revision, problem)
      return problem
    }
    const seq = this.seq + 1
    const sealed: SealedRecord = { ...record!, signature: this.keys.sign(record!.record_hash), key_id: this.keys.keyId, seq }
    // Rewritten before it is committed: a crash between the two leaves a file this step signs again.
    replaceFileSync(file, JSON.stringify(sealed) + '\n')
    this.audit.append({ ...entry, at: record!.finalized_at, task: taskId, revision, record_hash: record!.record_hash, seq })
    this.remember({ task: taskId, revision, record_hash: record!.record_hash, seq, at: record!.finalized_at })
    return null
  }
}
