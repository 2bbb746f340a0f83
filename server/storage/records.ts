/**
 * Review records on disk: one file per task revision, `records/<taskId>/<revision>.json`, created
 * once (never overwritten, mode 0600) and checked against its hash on every read. No file grows
 * with the number of records.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { verifyRecord } from '../../shared/record'
import type { ReviewRecord } from '../../shared/record'
import { createFileOnceSync } from './durableFile'

/** A stored record whose content no longer matches its hash: evidence of tampering or damage. */
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

const REVISION_FILE = /^([1-9][0-9]{0,8})\.json$/

/** How many files' verified byte digests a store remembers (about 120 bytes each). */
const VERIFIED_CACHE_SIZE = 20_000

function bytesDigest(text: string): string {
  return createHash('sha256').update(text).digest('base64')
}

/** The record store of one DATA_DIR; a second implementation (PostgreSQL) keeps this shape. */
export class RecordStore {
  private readonly root: string
  /**
   * Files whose content already passed the record-hash check, by path → SHA-256 of their bytes.
   * Records never change, so a file read again with the same bytes needs no second canonical-JSON
   * check (an export reads each record twice: once to refuse a tampered set before sending, once
   * to stream). Any changed byte misses the cache and is checked in full. Bounded (oldest out).
   */
  private readonly verified = new Map<string, string>()

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'records')
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 })
  }

  private file(taskId: string, revision: number): string {
    return path.join(this.root, taskId, `${revision}.json`)
  }

  /** Writes a sealed record; false if that revision already has one (records are immutable). */
  create(record: ReviewRecord): boolean {
    if (!verifyRecord(record)) throw new Error('refusing to store a record whose hash does not match')
    return createFileOnceSync(this.file(record.task_id, record.revision), JSON.stringify(record) + '\n')
  }

  /** Whether a revision of a task has a record. */
  has(taskId: string, revision: number): boolean {
    return fs.existsSync(this.file(taskId, revision))
  }

  /** Reads and verifies one record; throws RecordIntegrityError on a mismatch, null if absent. */
  read(taskId: string, revision: number): ReviewRecord | null {
    const file = this.file(taskId, revision)
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
    let record: ReviewRecord
    try {
      record = JSON.parse(text) as ReviewRecord
    } catch {
      throw new RecordIntegrityError(taskId, revision, 'the file is not valid JSON')
    }
    if (!record || typeof record !== 'object' || record.task_id !== taskId || record.revision !== revision) {
      throw new RecordIntegrityError(taskId, revision, 'the file names another task or revision')
    }
    const digest = bytesDigest(text)
    if (this.verified.get(file) === digest) return record
    if (!verifyRecord(record)) throw new RecordIntegrityError(taskId, revision, 'record_hash does not match its content')
    this.verified.delete(file)
    this.verified.set(file, digest)
    if (this.verified.size > VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!)
    return record
  }

  /** The revisions of a task that have records, oldest first. */
  revisions(taskId: string): number[] {
    let names: string[]
    try {
      names = fs.readdirSync(path.join(this.root, taskId))
    } catch {
      return []
    }
    return names
      .map((n) => REVISION_FILE.exec(n)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b)
  }

  /** Every task id with at least one record, in code-point order (the export's order). */
  taskIds(): string[] {
    return fs
      .readdirSync(this.root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }
}
