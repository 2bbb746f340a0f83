/**
 * Advisory lock keys of the PostgreSQL engine. Keys are pairs (space, key): the first int names
 * what the lock is for, so codejury's locks never meet each other's or another application's
 * locks in the same database, and PostgreSQL keeps two-int keys apart from one-bigint keys.
 */
import { createHash } from 'node:crypto'

/** The first half of every key: "cj" and a kind. */
export const LOCK_SPACE = {
  /** Held for the whole run of the schema migrations (session lock). */
  migrations: 0x636a0001,
  /** A room's compaction lease (transaction lock); the second half comes from the room's name. */
  compaction: 0x636a0002,
  /** Drawing record document versions, held until commit (transaction lock, second half 0). */
  recordDocs: 0x636a0003,
  /** Drawing one record log's sequence numbers (transaction lock); the second half names the log. */
  recordLog: 0x636a0004,
  /** Held while an instance starts up its records (first lead, demo seed): session lock, second half 0. */
  bootstrap: 0x636a0005,
} as const

/**
 * The compaction lease of `room`: LOCK_SPACE.compaction and the first 32 bits of the SHA-256 of
 * its UTF-8 name. Two rooms may share a lease (1 in 2^32 per pair); then one of them sometimes
 * waits for the next compaction, which is harmless.
 */
export function compactionLeaseKey(room: string): [number, number] {
  return [LOCK_SPACE.compaction, nameHash(room)]
}

/**
 * The lock that orders appends to record log `log`. Two logs may share it (1 in 2^32 per pair);
 * then their appends wait for each other, which is harmless.
 */
export function recordLogLockKey(log: string): [number, number] {
  return [LOCK_SPACE.recordLog, nameHash(log)]
}

/** The first 32 bits of the SHA-256 of a name's UTF-8 bytes, as a signed int. */
function nameHash(name: string): number {
  return createHash('sha256').update(name, 'utf8').digest().readInt32BE(0)
}
