/**
 * The records store in PostgreSQL (schema: migrations.ts, version 2), shared by every instance on
 * one database. Each instance keeps its records in memory and stays coherent through the change
 * feed: every write commits here first and gets a version from one database-wide sequence;
 * `loadAll` gives the documents and the version they are complete up to, and `changesSince(v)`
 * every document (tombstones included) written after v, in version order, never skipping one that
 * commits late (recordWrites.ts says why). Logs work the same way per log with `readLog`.
 *
 * Every call resolves once PostgreSQL has committed it (with `synchronous_commit` on, once the WAL
 * is flushed); a call that rejects stored nothing, except for a connection lost after the commit
 * but before its answer, as with the room log. Kinds, keys and log names are bound parameters and
 * checked first; bodies are stored as their exact JSON text and parsed on the way out.
 */
import type { Pool } from 'pg'
import { inTransaction } from './transaction'
import { checkSeq, toSeq } from './rows'
import { appendLog, checkKind, checkLogName, putDocs, removeDoc } from './recordWrites'
import type { DocWrite } from './recordWrites'

export { VersionConflictError } from './recordWrites'
export type { DocWrite } from './recordWrites'

/** The most rows one changesSince or readLog call returns. */
export const MAX_READ_ROWS = 100_000

/** A document as stored; `body` is null for a tombstone (only the change feed carries those). */
export interface StoredDoc {
  kind: string
  key: string
  body: unknown
  version: number
  removed: boolean
}

/** Documents and the version they are complete up to: follow on with changesSince(version). */
export interface DocSnapshot {
  docs: StoredDoc[]
  version: number
}

export interface Changes {
  /** Changed documents and tombstones, oldest version first; each key at its latest version. */
  changes: StoredDoc[]
  /** The version to ask from next time: the last one returned, or `since` when none was. */
  version: number
}

export interface LogEntries {
  entries: { seq: number; body: unknown }[]
  /** The sequence number to ask from next time: the last one returned, or `since` when none was. */
  seq: number
}

interface DocRow {
  part: number
  kind: string | null
  key: string | null
  body: string | null
  version: string | null
}

// One statement, so one snapshot: the documents and the highest version (tombstones and every
// kind included) agree, and every version below it that will ever commit already has.
const LOAD_SQL = `
SELECT 0 AS part, NULL AS kind, NULL AS key, NULL AS body, coalesce(max(version), 0) AS version FROM record_docs
UNION ALL
SELECT 1, kind, key, body, version FROM record_docs WHERE body IS NOT NULL AND ($1::text IS NULL OR kind = $1)
ORDER BY part`

const CHANGES_SQL = 'SELECT kind, key, body, version FROM record_docs WHERE version > $1 ORDER BY version LIMIT $2'

const READ_LOG_SQL = 'SELECT seq, body FROM record_logs WHERE log = $1 AND seq > $2 ORDER BY seq LIMIT $3'

export interface PostgresRecordDocsOptions {
  /** Called when an idle pooled connection fails; defaults to a warning on stderr. */
  onIdleError?: (err: Error) => void
}

/** The records store over a `pg.Pool` it owns from now on: `close()` ends it. */
export class PostgresRecordDocs {
  private readonly onIdleError: (err: Error) => void
  private closed: Promise<void> | null = null

  constructor(
    private readonly pool: Pool,
    options: PostgresRecordDocsOptions = {},
  ) {
    this.onIdleError =
      options.onIdleError ??
      ((err) => console.warn(`codejury: a pooled PostgreSQL connection failed; the pool replaces it: ${err.message}`))
    pool.on('error', this.onIdleError)
  }

  /**
   * Stores `body` under (kind, key) and resolves with its new version. With `expectVersion`, only
   * when the stored version is that one (0: when the key is absent or removed); otherwise rejects
   * with VersionConflictError and stores nothing.
   */
  async put(kind: string, key: string, body: unknown, expectVersion?: number): Promise<number> {
    const write: DocWrite = expectVersion === undefined ? { kind, key, body } : { kind, key, body, expectVersion }
    const [version] = await this.putMany([write])
    return version
  }

  /** Stores every write in one transaction, all or none; resolves with their versions in order. */
  putMany(writes: readonly DocWrite[]): Promise<number[]> {
    return inTransaction(this.pool, (client) => putDocs(client, writes))
  }

  /**
   * Stores `writes` and appends `bodies` to `log` in one transaction, all or none: a document and
   * the log line that commits it are never seen one without the other. Documents are written
   * before the log lines, so the locks are taken in recordWrites.ts's order.
   */
  putManyWithLog(writes: readonly DocWrite[], log: string, bodies: readonly unknown[]): Promise<{ versions: number[]; seqs: number[] }> {
    checkLogName(log)
    return inTransaction(this.pool, async (client) => {
      const versions = await putDocs(client, writes)
      const seqs = await appendLog(client, log, bodies)
      return { versions, seqs }
    })
  }

  /** Writes a tombstone; resolves with its version, or null when nothing live was there. */
  remove(kind: string, key: string, expectVersion?: number): Promise<number | null> {
    return inTransaction(this.pool, (client) => removeDoc(client, kind, key, expectVersion))
  }

  /** Every live document (of `kind`, when given) and the version the set is complete up to. */
  async loadAll(kind?: string): Promise<DocSnapshot> {
    if (kind !== undefined) checkKind(kind)
    const { rows } = await this.pool.query<DocRow>(LOAD_SQL, [kind ?? null])
    if (rows[0]?.part !== 0) throw new Error('the records store answered without its version row')
    return { version: toSeq(rows[0].version), docs: rows.slice(1).map(readDoc) }
  }

  /** Documents and tombstones written after `since`, oldest first, at most `limit` of them. */
  async changesSince(since: number, limit = 1_000): Promise<Changes> {
    checkSeq(since, 'since')
    checkLimit(limit)
    const { rows } = await this.pool.query<DocRow>(CHANGES_SQL, [since, limit])
    const changes = rows.map(readDoc)
    return { changes, version: changes.length ? changes[changes.length - 1].version : since }
  }

  /** Appends one entry to `log` and resolves with its sequence number. */
  async append(log: string, body: unknown): Promise<number> {
    const [seq] = await this.appendMany(log, [body])
    return seq
  }

  /** Appends entries to `log` in one transaction, in order; resolves with their sequence numbers. */
  appendMany(log: string, bodies: readonly unknown[]): Promise<number[]> {
    return inTransaction(this.pool, (client) => appendLog(client, log, bodies))
  }

  /** Entries of `log` after `since`, oldest first, at most `limit` of them. */
  async readLog(log: string, since: number, limit = 1_000): Promise<LogEntries> {
    checkLogName(log)
    checkSeq(since, 'since')
    checkLimit(limit)
    const { rows } = await this.pool.query<{ seq: string; body: string }>(READ_LOG_SQL, [log, since, limit])
    const entries = rows.map((r) => ({ seq: toSeq(r.seq), body: parseBody(r.body, `log ${JSON.stringify(log)} entry ${r.seq}`) }))
    return { entries, seq: entries.length ? entries[entries.length - 1].seq : since }
  }

  close(): Promise<void> {
    // end() resolves once it asked its connections to close, not once they are closed: one the
    // server terminates in between still errors, on a pool that must not throw it (no listener).
    this.closed ??= this.pool.end().finally(() => {
      this.pool.off('error', this.onIdleError)
      this.pool.on('error', ignoreClosingError)
    })
    return this.closed
  }
}

function checkLimit(limit: unknown): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_READ_ROWS) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_READ_ROWS}`)
  }
}

function readDoc(row: DocRow): StoredDoc {
  const kind = row.kind as string
  const key = row.key as string
  const removed = row.body === null
  const body = removed ? null : parseBody(row.body as string, `record ${JSON.stringify(kind)}/${JSON.stringify(key)}`)
  return { kind, key, body, version: toSeq(row.version), removed }
}

function parseBody(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`${what} holds text that is not JSON: the database was changed outside codejury`)
  }
}

/** A connection of a closed pool that fails was being closed anyway: nothing to report. */
function ignoreClosingError(): void {}
