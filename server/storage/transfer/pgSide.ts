/**
 * A PostgreSQL database as one side of `codejury storage copy`, read and written through the
 * stores a STORAGE=postgres instance uses (PgDb, PgGoldStore, PgActivityStore, PostgresAuditLog,
 * PostgresRecordStore, PostgresRoomLog, the shared record key) on a records feed of its own.
 * Three things have no store method and are plain statements here: listing the rooms, reading a
 * record's stored text (to compare it byte for byte) and writing sessions as they are (a session
 * store only ever makes new ones). Records, their commit counter and every audit line are written
 * in one transaction, so a copy that fails there leaves no record without its commit.
 */
import { Pool } from 'pg'
import { migrate } from '../postgres/migrations'
import { PostgresRecordDocs } from '../postgres/recordDocs'
import type { DocWrite } from '../postgres/recordDocs'
import { RecordFeed } from '../postgres/recordFeed'
import { PgDb } from '../postgres/pgDb'
import { PgGoldStore } from '../postgres/pgGoldStore'
import { PgActivityStore } from '../postgres/pgActivityStore'
import { AUDIT_LOG, PostgresAuditLog } from '../postgres/auditLog'
import { PostgresRecordStore, RECORD_KIND, RECORD_SEQ_KIND, SEQ_KEY } from '../postgres/reviewRecords'
import { PostgresRoomLog } from '../postgres/roomLog'
import { SESSION_KIND } from '../postgres/pgSessionStore'
import { KEY_PUB_KIND, shareRecordKey } from '../postgres/sharedRecordKey'
import { isSession } from '../sessionTypes'
import type { ActivityRow, ForeignRows } from '../activityStore'
import type { RecordKeys } from '../recordKey'
import { foldUpdates, mergeActivityRows, splitRecordKey } from './dataSet'
import type { DataSet, RoomState } from './dataSet'
import type { ReadResult } from './fileSide'

/** The feed is read once per open; it need not poll often. */
const FEED_POLL_MS = 5_000

/** The stores of one database, opened on a feed that has not started. */
function openStores(docs: PostgresRecordDocs, problems: string[], keys: RecordKeys) {
  const note = (what: string) => (err: unknown) => problems.push(`${what}: ${(err as Error).message}`)
  const feed = new RecordFeed(docs, { pollMs: FEED_POLL_MS, onError: note('the records feed') })
  const db = PgDb.open(docs, feed, { dataDir: '', onNotice: (n) => problems.push(n) })
  const gold = new PgGoldStore(feed, note('gold'))
  const activity = new PgActivityStore(feed, { onError: note('time on task') })
  const audit = new PostgresAuditLog(docs, { onBadEntry: (seq, problem) => problems.push(`audit line ${seq}: ${problem}`) })
  const records = new PostgresRecordStore(feed, keys, audit, { onProblem: (key, problem) => problems.push(`record ${key}: ${problem}`) })
  const stop = () => {
    feed.stop()
    db.close()
    audit.stop()
  }
  return { feed, db, gold, activity, audit, records, stop }
}

export class PgSide {
  private constructor(
    private readonly pool: Pool,
    private readonly docs: PostgresRecordDocs,
    private readonly roomLog: PostgresRoomLog,
  ) {}

  /** Connects and brings the schema to this code's version (refusing a newer one). */
  static async open(url: string): Promise<PgSide> {
    const pool = (max: number) => {
      const p = new Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000 })
      p.on('error', () => {})
      return p
    }
    const probe = pool(1)
    try {
      await migrate(probe)
    } catch (err) {
      await probe.end().catch(() => {})
      throw err
    }
    return new PgSide(probe, new PostgresRecordDocs(pool(4)), new PostgresRoomLog(pool(4), { onIdleError: () => {} }))
  }

  /** Whether the database holds no document, log line or room. */
  async isEmpty(): Promise<boolean> {
    const { rows } = await this.pool.query<{ any: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM record_docs) OR EXISTS (SELECT 1 FROM record_logs) OR EXISTS (SELECT 1 FROM room_logs) AS any',
    )
    return !rows[0].any
  }

  /** Every review record's stored text, as PostgreSQL holds it. */
  async recordTexts(): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ key: string; body: string }>(
      'SELECT key, body FROM record_docs WHERE kind = $1 AND body IS NOT NULL ORDER BY key',
      [RECORD_KIND],
    )
    return new Map(rows.map((r) => [r.key, r.body]))
  }

  /** Reads every kind; `keys` must be the key the database's instances sign with. */
  async read(keys: RecordKeys): Promise<ReadResult> {
    const problems: string[] = []
    const stores = openStores(this.docs, problems, keys)
    try {
      await shareRecordKey(stores.feed, keys, { onBadKey: (key, problem) => problems.push(`published key ${key}: ${problem}`) })
      const foreign = new Map<string, ForeignRows>()
      await stores.feed.start()
      await stores.audit.start()
      stores.activity.follow((change) => foreign.set(change.key, change))
      const records = new Map<string, string>()
      for (const [key, text] of await this.recordTexts()) {
        const { taskId, revision } = splitRecordKey(key)
        try {
          stores.records.read(taskId, revision)
          records.set(key, text)
        } catch (err) {
          problems.push(`record ${key}: ${(err as Error).message}`)
        }
      }
      const byDay = new Map<string, ActivityRow[]>()
      for (const { day, rows } of foreign.values()) byDay.set(day, [...(byDay.get(day) ?? []), ...rows])
      const activity = new Map([...byDay].filter(([, rows]) => rows.length).map(([day, rows]) => [day, mergeActivityRows(rows)]))
      const sessions = (await this.docs.loadAll(SESSION_KIND)).docs.map((d) => d.body).filter(isSession)
      const { rows: roomRows } = await this.pool.query<{ name: string }>('SELECT name FROM room_logs ORDER BY name')
      const rooms = new Map<string, RoomState>()
      for (const { name } of roomRows) {
        const stored = await this.roomLog.load(name)
        const state = foldUpdates(stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates)
        rooms.set(name, { state, owners: await this.roomLog.loadOwners(name) })
      }
      const data: DataSet = {
        users: [...stores.db.users],
        batches: stores.db.batches,
        tasks: stores.db.tasks,
        sessions,
        gold: [...stores.gold.taskIds()].sort().map((id) => stores.gold.get(id)!),
        activity,
        audit: stores.audit.read(),
        records,
        rooms,
      }
      return { data, problems }
    } finally {
      stores.stop()
    }
  }

  /** Writes `data` into this (empty) database and makes `keys` the key its instances sign with. */
  async write(data: DataSet, keys: RecordKeys): Promise<void> {
    const problems: string[] = []
    const stores = openStores(this.docs, problems, keys)
    try {
      await shareRecordKey(stores.feed, keys)
      // Keys the DATA_DIR accepted besides its own (rotated ones) verify older records here too.
      const older = keys.publicKeys().slice(1)
      if (older.length) await this.docs.putMany(older.map((k) => ({ kind: KEY_PUB_KIND, key: k.key_id, body: k, expectVersion: 0 })))
      await stores.feed.start()
      for (const user of data.users) await stores.db.addUser(user)
      for (const batch of data.batches) await stores.db.putBatch(batch)
      if (data.tasks.length) await stores.db.addTasks(data.tasks)
      if (data.sessions.length) {
        await this.docs.putMany(data.sessions.map((s) => ({ kind: SESSION_KIND, key: s.hash, body: s, expectVersion: 0 })))
      }
      for (const entry of data.gold) await stores.gold.set(entry)
      for (const [day, rows] of data.activity) await stores.activity.writeDay(day, rows)
      await this.writeRecords(data)
      for (const [name, room] of data.rooms) await this.writeRoom(name, room)
      if (problems.length) throw new Error(problems.join('; '))
    } finally {
      stores.stop()
    }
  }

  /** Records, the commit counter at the last of them, and every audit line: one transaction. */
  private async writeRecords(data: DataSet): Promise<void> {
    const writes: DocWrite[] = []
    let last = { seq: 0, at: '' }
    for (const [key, text] of data.records) {
      const body = JSON.parse(text) as { seq: number; finalized_at: string }
      // Stored as JSON.stringify(body): the same text, since it was JSON.stringify's to begin with.
      writes.push({ kind: RECORD_KIND, key, body, expectVersion: 0 })
      if (body.seq > last.seq) last = { seq: body.seq, at: body.finalized_at }
    }
    if (writes.length) writes.push({ kind: RECORD_SEQ_KIND, key: SEQ_KEY, body: last, expectVersion: 0 })
    if (writes.length) await this.docs.putManyWithLog(writes, AUDIT_LOG, data.audit)
    else if (data.audit.length) await this.docs.appendMany(AUDIT_LOG, data.audit)
  }

  /**
   * One snapshot per room. Owners are claimed with an append (the log's only way to record them):
   * the state goes in as update 1 with its claims, then a compaction folds it into the snapshot.
   */
  private async writeRoom(name: string, room: RoomState): Promise<void> {
    if (room.owners.length === 0) {
      if (!(await this.roomLog.initialize(name, room.state))) throw new Error(`room ${name} exists already`)
      return
    }
    const seq = await this.roomLog.append(name, room.state, room.owners)
    if (!(await this.roomLog.compact(name, room.state, seq))) throw new Error(`room ${name}: its snapshot could not be written`)
  }

  async close(): Promise<void> {
    await Promise.all([this.docs.close(), this.roomLog.close(), this.pool.end().catch(() => {})])
  }
}
