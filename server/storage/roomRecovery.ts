/**
 * Reading a room's files when they may be damaged: what verifiably remains is used, the damaged
 * file is moved aside byte for byte (never truncated or overwritten), and every loss is reported.
 */
import fs from 'node:fs'
import path from 'node:path'
import { decodeRecords, HEADER_BYTES, MAX_RECORD_BYTES } from './recordCodec'
import { fsyncDir, moveAside, writeDurableSync } from './durableFile'
import { toStorageError } from './storageError'

/** What kind of damage a room file had. */
export const Damage = {
  /** A snapshot that is not exactly one intact record. */
  corruptSnapshot: 'corrupt-snapshot',
  /** A log record whose checksum or length is wrong, with bytes after it. */
  corruptLog: 'corrupt-log',
  /** A log whose last record is incomplete: a write cut short by a crash, or damage. */
  tornLogTail: 'torn-log-tail',
  /**
   * Logs shorter than their mark (logMarker.ts): whole records at the end are gone, as when a
   * file is cut between two records or restored from an older copy. Nothing is left to keep.
   */
  lostLogTail: 'lost-log-tail',
} as const
export type Damage = (typeof Damage)[keyof typeof Damage]

/**
 * One damaged file, as the room's storage reports it: loud (logged, listed by `/api/health`)
 * because what it held may be lost unless a client that still holds the content reconnects.
 */
export interface CorruptionReport {
  problem: Damage
  /** The damaged file. */
  file: string
  /** Where its original bytes are now, unchanged; null when nothing was left to move aside. */
  keptAs: string | null
  /** Bytes of the damaged file that could not be used. */
  lostBytes: number
  /** The files the room's state was rebuilt from, oldest first. */
  recoveredFrom: string[]
}

/** Receives each report; the storage provider adds the room name and lists it for health. */
export type OnCorruption = (report: Omit<CorruptionReport, 'recoveredFrom'> & { recoveredFrom?: string[] }) => void

/** A file's bytes, or null when it does not exist. */
export function readIfExists(file: string): Buffer | null {
  try {
    return fs.readFileSync(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw toStorageError(err, file)
  }
}

/** The payload of a snapshot, or null when the bytes are not exactly one intact record. */
export function snapshotPayload(bytes: Uint8Array): Uint8Array | null {
  const { records, validBytes } = decodeRecords(bytes)
  return records.length === 1 && validBytes === bytes.length ? records[0] : null
}

/**
 * Reads a snapshot file. A damaged one is moved aside and reported, and null is returned, as for
 * a missing one; the caller then recovers from the previous generation.
 */
export function readSnapshotFile(file: string, onCorruption: OnCorruption): { payload: Uint8Array; bytes: number } | null {
  const bytes = readIfExists(file)
  if (bytes === null) return null
  const payload = snapshotPayload(bytes)
  if (payload) return { payload, bytes: bytes.length }
  const keptAs = moveAside(file, 'corrupt')
  onCorruption({ problem: Damage.corruptSnapshot, file, keptAs, lostBytes: bytes.length })
  return null
}

/** Whether the bytes from `offset` on are one incomplete record and nothing else. */
function isTornTail(bytes: Buffer, offset: number): boolean {
  const rest = bytes.length - offset
  if (rest < HEADER_BYTES) return true
  const length = bytes.readUInt32LE(offset)
  return length <= MAX_RECORD_BYTES && offset + HEADER_BYTES + length > bytes.length
}

/**
 * Reads a log file's intact records. Replay stops at the first bad record. If anything is left
 * after it, the original file is moved aside whole and the intact prefix is written in its
 * place, so appends continue after whole records and the damaged bytes stay for inspection.
 */
export function readLogFile(file: string, onCorruption: OnCorruption): { records: Uint8Array[]; bytes: number } {
  const bytes = readIfExists(file)
  if (bytes === null) return { records: [], bytes: 0 }
  const { records, validBytes } = decodeRecords(bytes)
  if (validBytes === bytes.length) return { records, bytes: validBytes }
  // Prefix first, then the renames: a full disk here leaves the original file where it was.
  const tmp = `${file}.recovered`
  if (validBytes > 0) writeDurableSync(tmp, bytes.subarray(0, validBytes))
  const keptAs = moveAside(file, 'corrupt')
  if (validBytes > 0) {
    fs.renameSync(tmp, file)
    fsyncDir(path.dirname(file))
  }
  const problem = isTornTail(bytes, validBytes) ? Damage.tornLogTail : Damage.corruptLog
  onCorruption({ problem, file, keptAs, lostBytes: bytes.length - validBytes })
  return { records, bytes: validBytes }
}
