/**
 * Versioned schema migrations for the PostgreSQL engine. Each migration runs in its own
 * transaction together with the row that records it in `codejury_migrations`, so a version is
 * either wholly applied and recorded or not at all. Runners serialize on a session-level advisory
 * lock: when several instances start at once, one applies what is missing and the others wait,
 * then find nothing left to do. A runner that dies releases the lock with its session. A database
 * whose recorded version is newer than the code (or whose history differs from it) is refused:
 * older code must not write to a schema it does not know.
 */
import type { Pool, PoolClient } from 'pg'
import { LOCK_SPACE } from './lockKeys'
import { withConnection } from './transaction'

export interface Migration {
  /** 1, 2, 3…: applied in this order, each exactly once per database. */
  version: number
  /** A short description, recorded with the version and compared on every start. */
  name: string
  sql: string
}

/**
 * The room log (version 1). A room is one row in `room_logs`: its head (the sequence number of
 * its last update, 0 for none), the snapshot that folds updates 1..snapshot_seq (null: none) and
 * the seal that fences appends. Each update after the snapshot is one row in `room_updates`,
 * numbered within its room; compaction deletes the rows a new snapshot folds in.
 */
const ROOM_LOG_SQL = `
CREATE TABLE room_logs (
  name text PRIMARY KEY,
  head bigint NOT NULL DEFAULT 0,
  snapshot bytea,
  snapshot_seq bigint NOT NULL DEFAULT 0,
  sealed boolean NOT NULL DEFAULT false,
  CONSTRAINT room_logs_seq_order CHECK (0 <= snapshot_seq AND snapshot_seq <= head),
  CONSTRAINT room_logs_name_length CHECK (octet_length(name) BETWEEN 1 AND 512)
);
CREATE TABLE room_updates (
  room text NOT NULL REFERENCES room_logs (name) ON DELETE CASCADE,
  seq bigint NOT NULL CHECK (seq > 0),
  update bytea NOT NULL,
  PRIMARY KEY (room, seq)
);
`

/**
 * The records store (version 2). `record_docs` holds keyed JSON documents per kind (users,
 * batches, tasks…): one row per (kind, key), its body the document's JSON text, or NULL once it
 * was removed (a tombstone, kept so the change feed carries the deletion). `record_logs` holds
 * append-only logs (audit lines and the like), one row per entry. Versions and log sequence
 * numbers come from the one sequence `record_version`, drawn under the locks described in
 * recordWrites.ts, so "version > v" is a change feed that never skips a late commit.
 *
 * Bodies are `text`, not `jsonb`: jsonb reorders object keys, drops duplicate keys, rewrites
 * numbers and refuses \u0000, while review records are hashed and signed and must come back as
 * they went in. Instances keep the documents in memory and never query inside a body.
 */
const RECORDS_SQL = `
CREATE SEQUENCE record_version AS bigint;
CREATE TABLE record_docs (
  kind text NOT NULL,
  key text NOT NULL,
  body text,
  version bigint NOT NULL,
  PRIMARY KEY (kind, key),
  CONSTRAINT record_docs_kind_length CHECK (octet_length(kind) BETWEEN 1 AND 64),
  CONSTRAINT record_docs_key_length CHECK (octet_length(key) BETWEEN 1 AND 512)
);
CREATE UNIQUE INDEX record_docs_version ON record_docs (version);
CREATE TABLE record_logs (
  log text NOT NULL,
  seq bigint NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (log, seq),
  CONSTRAINT record_logs_name_length CHECK (octet_length(log) BETWEEN 1 AND 128)
);
`

/**
 * Who first wrote each Yjs client id of a room (version 3): the rule that one person can never
 * write at another's client id must hold across instances, so the claim is made in the same
 * transaction as the append that writes with it, and a client id claimed by someone else on any
 * instance refuses that append.
 */
const ROOM_OWNERS_SQL = `
CREATE TABLE room_owners (
  room text NOT NULL,
  client bigint NOT NULL,
  owner text NOT NULL,
  PRIMARY KEY (room, client),
  CONSTRAINT room_owners_owner_length CHECK (octet_length(owner) BETWEEN 1 AND 512)
);
`

/**
 * Who holds a room's seal (version 4): finalize seals from a connection it keeps open, and the
 * seal counts only while that session lives, so an instance that dies mid-finalize never leaves
 * the task's rooms refusing writes for good. A seal with no holder lasts until unsealed.
 */
const SEAL_HOLDER_SQL = `
ALTER TABLE room_logs ADD COLUMN sealed_by integer;
`

/** Every migration this code knows, oldest first. Later versions append; none is ever edited. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'room log', sql: ROOM_LOG_SQL },
  { version: 2, name: 'record documents and logs', sql: RECORDS_SQL },
  { version: 3, name: 'room client owners', sql: ROOM_OWNERS_SQL },
  { version: 4, name: 'room seal holder', sql: SEAL_HOLDER_SQL },
]

/** The second half of the migration lock's key; the first is LOCK_SPACE.migrations. */
const MIGRATION_LOCK_KEY = 0

/** A database that was migrated by newer code (or another history): starting against it is refused. */
export class SchemaMismatchError extends Error {
  readonly code = 'schema-mismatch'
  constructor(message: string) {
    super(message)
    this.name = 'SchemaMismatchError'
  }
}

export interface MigrationResult {
  /** The versions this runner applied (empty when another runner or an earlier start did). */
  applied: number[]
  /** The database's version afterwards. */
  version: number
}

/**
 * Brings the database to the newest version in `migrations`, applying each missing one in its
 * own transaction while holding the migration lock. Rejects with SchemaMismatchError, changing
 * nothing, when the database records a version the list lacks or a version under another name.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  checkList(migrations)
  // A connection that failed is destroyed, never pooled: its session (and lock) ends with it.
  return withConnection(pool, async (client, state) => {
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_SPACE.migrations, MIGRATION_LOCK_KEY])
      try {
        return await applyMissing(client, migrations)
      } finally {
        if (!state.failed()) await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE.migrations, MIGRATION_LOCK_KEY])
      }
    } catch (err) {
      if (!(err instanceof SchemaMismatchError)) state.fail(err as Error)
      throw err
    }
  })
}

/** Under the migration lock: reads the history, checks it against the code, applies the rest. */
async function applyMissing(client: PoolClient, migrations: readonly Migration[]): Promise<MigrationResult> {
  await client.query(`CREATE TABLE IF NOT EXISTS codejury_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`)
  const { rows } = await client.query<{ version: number; name: string }>(
    'SELECT version, name FROM codejury_migrations ORDER BY version',
  )
  const known = migrations.length
  const recorded = rows.length ? rows[rows.length - 1].version : 0
  if (recorded > known) {
    const newest = rows[rows.length - 1]
    throw new SchemaMismatchError(
      `the database is at schema version ${recorded} ("${newest.name}"), but this codejury knows versions up to ` +
        `${known}: it was migrated by a newer codejury. Run that version (or newer), or point DATABASE_URL at ` +
        'another database; refusing to start.',
    )
  }
  rows.forEach((row, i) => {
    const ours = migrations[i]
    if (row.version !== ours.version || row.name !== ours.name) {
      throw new SchemaMismatchError(
        `the database records schema version ${row.version} as "${row.name}", but this codejury's version ` +
          `${ours.version} is "${ours.name}": the database was migrated by another build; refusing to start.`,
      )
    }
  })
  const applied: number[] = []
  for (const m of migrations.slice(rows.length)) {
    await client.query('BEGIN')
    try {
      await client.query(m.sql)
      await client.query('INSERT INTO codejury_migrations (version, name) VALUES ($1, $2)', [m.version, m.name])
      await client.query('COMMIT')
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw new Error(`schema migration ${m.version} ("${m.name}") failed and was rolled back: ${(err as Error).message}`, {
        cause: err,
      })
    }
    applied.push(m.version)
  }
  return { applied, version: known }
}

/** Versions must run 1, 2, 3… with distinct names; a gap or repeat is a programming error. */
function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new RangeError(`migration ${i + 1} has version ${m.version}: versions run 1, 2, 3…`)
    if (!m.name || !m.sql.trim()) throw new RangeError(`migration ${m.version} needs a name and SQL`)
  })
}
