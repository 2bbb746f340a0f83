/**
 * The room log in PostgreSQL (schema: migrations.ts), shared by every instance on one database.
 * An append is one statement: it bumps the room's head where the room is not sealed and inserts
 * the update at the new head, so the row lock on the room orders appends from every instance,
 * numbers them consecutively in commit order, and checks the seal in the same step. It returns
 * once PostgreSQL has committed (with `synchronous_commit` on, once the WAL is flushed), and a
 * statement that fails stores nothing. One case no remote database rules out: a connection lost
 * after the commit but before its answer rejects an append that was stored. The caller treats it
 * like any failed append (relays nothing, reloads the room), and Yjs applies a resent update
 * once. Room names are always bound parameters.
 */
import type { Pool, PoolClient } from 'pg'
import { ClientClaimedError, RoomSealedError } from '../roomLog'
import type { LogTail, RoomLog, StoredRoom } from '../roomLog'
import { compactionLeaseKey } from './lockKeys'
import { inTransaction } from './transaction'
import { checkRoomName, checkSeq, readRows, toSeq } from './rows'

const APPEND_SQL = `
WITH bumped AS (
  INSERT INTO room_logs AS r (name, head) VALUES ($1, 1)
  ON CONFLICT (name) DO UPDATE SET head = r.head + 1
    WHERE NOT r.sealed OR (r.sealed_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = r.sealed_by))
  RETURNING r.head
)
INSERT INTO room_updates (room, seq, update) SELECT $1, head, $2 FROM bumped RETURNING seq`

// One statement reads the room row and its updates from one snapshot: a compaction or append
// that commits meanwhile is either wholly seen or not at all.
const LOAD_SQL = `
SELECT 0 AS part, head AS seq, snapshot AS data, snapshot_seq, sealed FROM room_logs WHERE name = $1
UNION ALL
SELECT 1, u.seq, u.update, NULL, NULL FROM room_updates u JOIN room_logs r ON r.name = u.room
  WHERE u.room = $1 AND u.seq > r.snapshot_seq
ORDER BY part, seq`

const READ_SINCE_SQL = `
SELECT 0 AS part, head AS seq, NULL::bytea AS data, snapshot_seq FROM room_logs WHERE name = $1
UNION ALL
SELECT 1, u.seq, u.update, NULL FROM room_updates u JOIN room_logs r ON r.name = u.room
  WHERE u.room = $1 AND u.seq > $2 AND r.snapshot_seq <= $2
ORDER BY part, seq`

const CLAIM_SQL = `
INSERT INTO room_owners (room, client, owner) SELECT $1, c, o FROM unnest($2::bigint[], $3::text[]) AS t(c, o)
ON CONFLICT (room, client) DO NOTHING`

const OWNERS_OF_SQL = 'SELECT client, owner FROM room_owners WHERE room = $1 AND client = ANY($2::bigint[])'

const SEAL_SQL = `
INSERT INTO room_logs (name, sealed, sealed_by) VALUES ($1, true, $2) ON CONFLICT (name) DO UPDATE SET sealed = true, sealed_by = $2`

/** A seal kept while its connection lives (PostgresRoomLog.hold). */
export interface SealHold {
  release(): Promise<void>
}

export interface PostgresRoomLogOptions {
  /**
   * Called when an idle pooled connection fails (PostgreSQL restarted, a session was killed); the
   * pool drops it and opens another when needed. Defaults to a warning on stderr.
   */
  onIdleError?: (err: Error) => void
}

/** `RoomLog` over a `pg.Pool` the log owns from now on: `close()` ends it. */
export class PostgresRoomLog implements RoomLog {
  private readonly onIdleError: (err: Error) => void
  private closed: Promise<void> | null = null

  constructor(
    private readonly pool: Pool,
    options: PostgresRoomLogOptions = {},
  ) {
    this.onIdleError =
      options.onIdleError ??
      ((err) => console.warn(`codejury: a pooled PostgreSQL connection failed; the pool replaces it: ${err.message}`))
    pool.on('error', this.onIdleError)
  }

  async load(room: string): Promise<StoredRoom> {
    checkRoomName(room)
    const { head, snapshotSeq, sealed, snapshot, updates } = readRows(room, (await this.pool.query(LOAD_SQL, [room])).rows)
    const from = snapshotSeq ?? 0
    if (updates.length !== head - from || updates.some((u, i) => u.seq !== from + 1 + i)) {
      throw gapError(room, from, head, updates.length)
    }
    return { snapshot, snapshotSeq: from, updates: updates.map((u) => u.update), head, sealed }
  }

  async readSince(room: string, since: number): Promise<LogTail | null> {
    checkRoomName(room)
    checkSeq(since, 'since')
    const { head, snapshotSeq, updates } = readRows(room, (await this.pool.query(READ_SINCE_SQL, [room, since])).rows)
    if (snapshotSeq !== null && since < snapshotSeq) return null
    // A reader ahead of the head (a database restored from an older backup) gets nothing and the head.
    const expected = Math.max(0, head - since)
    if (updates.length !== expected || updates.some((u, i) => u.seq !== since + 1 + i)) {
      throw gapError(room, since, head, updates.length)
    }
    return { updates, head }
  }

  async append(room: string, update: Uint8Array, claims: ReadonlyArray<readonly [number, string]> = []): Promise<number> {
    checkRoomName(room)
    if (!(update instanceof Uint8Array)) throw new TypeError('an update is a Uint8Array')
    for (const [client, user] of claims) {
      if (!Number.isSafeInteger(client) || client < 0) throw new RangeError(`a client id is a non-negative integer, not ${client}`)
      if (typeof user !== 'string' || user.length === 0) throw new RangeError('a claim names its user')
    }
    if (claims.length === 0) return appendOne(this.pool, room, update)
    return inTransaction(this.pool, async (client) => {
      const clients = claims.map(([c]) => c)
      await client.query(CLAIM_SQL, [room, clients, claims.map(([, u]) => u)])
      const { rows } = await client.query<{ client: string; owner: string }>(OWNERS_OF_SQL, [room, clients])
      const ownerOf = new Map(rows.map((r) => [Number(r.client), r.owner]))
      for (const [c, user] of claims) if (ownerOf.get(c) !== user) throw new ClientClaimedError(room, c)
      return appendOne(client, room, update)
    })
  }

  async loadOwners(room: string): Promise<Array<[number, string]>> {
    checkRoomName(room)
    const { rows } = await this.pool.query<{ client: string; owner: string }>('SELECT client, owner FROM room_owners WHERE room = $1', [room])
    return rows.map((r) => [Number(r.client), r.owner])
  }

  async compact(room: string, state: Uint8Array, upTo: number): Promise<boolean> {
    checkRoomName(room)
    checkSeq(upTo, 'upTo')
    if (!(state instanceof Uint8Array)) throw new TypeError('a snapshot is a Uint8Array')
    return inTransaction(this.pool, async (client) => {
      if (!(await takeLease(client, room))) return false
      const { rowCount } = await client.query(
        'UPDATE room_logs SET snapshot = $2, snapshot_seq = $3 WHERE name = $1 AND snapshot_seq < $3 AND head >= $3',
        [room, state, upTo],
      )
      if (rowCount !== 1) {
        // Either a snapshot as new exists (false) or `upTo` is past the head: the caller's mistake.
        const found = await client.query<{ head: string }>('SELECT head FROM room_logs WHERE name = $1', [room])
        const head = found.rows.length ? toSeq(found.rows[0].head) : 0
        if (head < upTo) throw new RangeError(`cannot compact room ${JSON.stringify(room)} up to ${upTo}: its head is ${head}`)
        return false
      }
      await client.query('DELETE FROM room_updates WHERE room = $1 AND seq <= $2', [room, upTo])
      return true
    })
  }

  async initialize(room: string, state: Uint8Array): Promise<boolean> {
    checkRoomName(room)
    if (!(state instanceof Uint8Array)) throw new TypeError('a snapshot is a Uint8Array')
    const { rowCount } = await this.pool.query(
      'INSERT INTO room_logs (name, snapshot) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [room, state],
    )
    return rowCount === 1
  }

  async seal(room: string): Promise<void> {
    checkRoomName(room)
    await this.pool.query(SEAL_SQL, [room, null])
  }

  async unseal(room: string): Promise<void> {
    checkRoomName(room)
    await this.pool.query('UPDATE room_logs SET sealed = false, sealed_by = NULL WHERE name = $1', [room])
  }

  /**
   * Seals `rooms` for as long as this holds a connection: `release` unseals them; if the process
   * dies first, its session ends and the seal stops counting (appends check that its holder lives).
   */
  async hold(rooms: readonly string[]): Promise<SealHold> {
    for (const room of rooms) checkRoomName(room)
    const client = await this.pool.connect()
    try {
      for (const room of rooms) await client.query('INSERT INTO room_logs (name, sealed, sealed_by) VALUES ($1, true, pg_backend_pid()) ON CONFLICT (name) DO UPDATE SET sealed = true, sealed_by = pg_backend_pid()', [room])
    } catch (err) {
      client.release(true)
      throw err
    }
    let released: Promise<void> | null = null
    return {
      release: () =>
        (released ??= (async () => {
          try {
            await client.query('UPDATE room_logs SET sealed = false, sealed_by = NULL WHERE name = ANY($1::text[]) AND sealed_by = pg_backend_pid()', [rooms])
            client.release()
          } catch (err) {
            // The session is gone or broken: ending it ends the seal too.
            client.release(true)
            throw err
          }
        })()),
    }
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

async function appendOne(db: Pool | PoolClient, room: string, update: Uint8Array): Promise<number> {
  const { rows } = await db.query<{ seq: string }>(APPEND_SQL, [room, update])
  // No row: the room exists and is sealed (the upsert's WHERE refused the bump).
  if (rows.length === 0) throw new RoomSealedError(room)
  return toSeq(rows[0].seq)
}

/**
 * The room's compaction lease, held until the transaction ends: a holder that crashes loses it
 * with its session. False when another session holds it; never waits.
 */
async function takeLease(client: PoolClient, room: string): Promise<boolean> {
  const [space, key] = compactionLeaseKey(room)
  const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS got', [space, key])
  return rows[0].got
}

function gapError(room: string, from: number, head: number, count: number): Error {
  return new Error(
    `room ${JSON.stringify(room)}: the log after ${from} holds ${count} updates, not a run up to head ${head}; ` +
      'the database was changed outside codejury',
  )
}

/** A connection of a closed pool that fails was being closed anyway: nothing to report. */
function ignoreClosingError(): void {}
