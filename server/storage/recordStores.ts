/**
 * The audit log and the review record store as the services use them, so that the files of one
 * DATA_DIR (audit.ts, records.ts) and PostgreSQL shared by several instances (postgres/auditLog.ts,
 * postgres/reviewRecords.ts) are two implementations of one surface. Reads are synchronous in
 * both (PostgreSQL's are served from memory kept by following the database). A write is
 * synchronous on files and asynchronous on PostgreSQL: a caller awaits it when it returns a
 * promise, and the file store's callers then run exactly as they did.
 */
import type { ReviewRecord } from '../../shared/record'
import type { AuditEntry, RecordCommit } from './audit'
import type { CommitEntry, SealedRecord } from './records'

/** The audit log: lines are only ever appended; an action that could not be logged fails. */
export interface AuditTrail {
  /** Appends one line; rejects or throws, having logged nothing, when it cannot be stored. */
  append(entry: AuditEntry): void | Promise<void>
  /** Every line, oldest first (optionally only one task's). */
  read(taskId?: string): AuditEntry[]
  /** Every line that commits a record, oldest first. */
  commits(): RecordCommit[]
}

/** The finalized review records: immutable, hashed, signed, and numbered by a global `seq`. */
export interface ReviewRecordStore {
  readonly lastSeq: number
  nextTime(now: Date): string
  /** Seals, signs and commits one record with its audit line, all or nothing. */
  commit(build: (finalizedAt: string) => ReviewRecord, entry: CommitEntry, now: Date): SealedRecord | Promise<SealedRecord>
  has(taskId: string, revision: number): boolean
  /** The record, checked (hash, signature); null when never committed; throws RecordIntegrityError. */
  read(taskId: string, revision: number): SealedRecord | null
  revisions(taskId: string): number[]
  taskIds(): string[]
  commits(): RecordCommit[]
  // Start-up recovery of half-finalized files (services/finalizeRecovery.ts); PostgreSQL commits
  // whole transactions, so there it finds nothing to recover.
  uncommittedFiles(): { taskId: string; revision: number; file: string; finalizedAt: string }[]
  readonly upgraded: boolean
  markUpgraded(): void
  refuse(taskId: string, revision: number, problem: string): void
  discard(file: string): string
  upgrade(taskId: string, revision: number, entry: CommitEntry): string | null
}
