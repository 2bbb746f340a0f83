/**
 * The stores of one instance, by STORAGE: files in DATA_DIR (disk, memory) or the engines several
 * instances share (postgres). Everything above this file reads the same interfaces either way; the
 * only differences are which class stands behind each, and that a shared instance follows the
 * others (records feed, room bus) and fences finalize at the room log.
 */
import path from 'node:path'
import type { Config } from './config'
import type { Logger } from './log'
import { Db } from './storage/db'
import type { RecordsDb } from './storage/recordsDb'
import { SessionStore } from './storage/sessions'
import type { Sessions } from './storage/sessionTypes'
import { AuditLog } from './storage/audit'
import { GoldStore } from './storage/goldStore'
import type { Gold } from './storage/goldStore'
import { RecordKeys } from './storage/recordKey'
import { RecordStore } from './storage/records'
import type { AuditTrail, ReviewRecordStore } from './storage/recordStores'
import type { ActivityStore } from './storage/activityStore'
import { createStorageProvider } from './storage/roomStorage'
import type { StorageProvider } from './storage/roomStorage'
import { SharedEngines } from './storage/sharedEngines'
import { PgDb } from './storage/postgres/pgDb'
import { PgSessionStore } from './storage/postgres/pgSessionStore'
import { PgGoldStore } from './storage/postgres/pgGoldStore'
import { PgActivityStore } from './storage/postgres/pgActivityStore'
import { PostgresAuditLog } from './storage/postgres/auditLog'
import { PostgresRecordStore } from './storage/postgres/reviewRecords'
import { shareRecordKey } from './storage/postgres/sharedRecordKey'
import type { AuditSince } from './services/workflowIndex'

export interface Stores {
  db: RecordsDb
  sessions: Sessions
  audit: AuditTrail
  records: ReviewRecordStore
  recordKeys: RecordKeys
  gold: Gold
  /** Time on task's store; undefined: the tracker's own day files. */
  activityStore: ActivityStore | undefined
  storage: StorageProvider
  /** Where the workflow index reads the audit log from. */
  auditSource: string | AuditSince
  /** The shared engines under STORAGE=postgres; null with files. */
  shared: SharedEngines | null
  /** Ends what the stores hold open (after rooms were stored). */
  close(): Promise<void>
}

/** Opens the stores of `config.storage`; `storage` replaces the room storage (tests). */
export async function openStores(config: Config, log: Logger, storage?: StorageProvider): Promise<Stores> {
  const recordKeys = RecordKeys.open(config.recordKeyFile ?? path.join(config.dataDir, 'keys', 'record-key.pem'))
  if (config.shared) return openShared(config, log, recordKeys, storage)
  const db = await Db.open(config.dataDir)
  for (const notice of db.notices) log.warn(notice)
  const audit = new AuditLog(config.dataDir)
  const sessions = await SessionStore.open(config.dataDir, {
    ttlMs: config.sessionTtlMs,
    onError: (err) => log.error('writing sessions failed', err),
  })
  return {
    db,
    sessions,
    audit,
    records: new RecordStore(config.dataDir, recordKeys, audit),
    recordKeys,
    gold: GoldStore.open(config.dataDir),
    activityStore: undefined,
    // A damaged room file is loud: logged as an error and listed by /api/health.
    storage: storage ?? createStorageProvider(config.storage, config.dataDir, (damage) => log.error(
      damage.keptAs === null
        ? 'a room log lost records at its end; the room holds what remained'
        : 'a room file was damaged; it was kept aside and the room recovered what remained',
      damage.problem,
      { ...damage },
    ), (file, err) => log.error('a client-id owner record did not parse; moved aside, the room starts with none', err, { file })),
    auditSource: config.dataDir,
    shared: null,
    close: async () => {
      await sessions.flush()
    },
  }
}

async function openShared(config: Config, log: Logger, recordKeys: RecordKeys, storage?: StorageProvider): Promise<Stores> {
  const shared = await SharedEngines.open(config.shared!, log)
  try {
    const { docs, feed } = shared
    // Every store registers its kinds on the one feed, which then loads them all at once.
    const db = PgDb.open(docs, feed, {
      dataDir: config.dataDir,
      onNotice: (notice) => log.warn(notice),
      onRetryError: (err, task) => log.error('storing a finalized task failed again; retrying', err, { task }),
    })
    const sessions = new PgSessionStore(feed, { ttlMs: config.sessionTtlMs, onError: (err) => log.error('writing sessions failed', err) })
    const gold = new PgGoldStore(feed, (err) => log.error('a gold record was skipped', err))
    const activityStore = new PgActivityStore(feed, { onError: (err) => log.error('a time-on-task record was skipped', err) })
    const audit = new PostgresAuditLog(docs)
    const records = new PostgresRecordStore(feed, recordKeys, audit)
    await shareRecordKey(feed, recordKeys, {
      rotate: config.shared!.rotateRecordKey,
      onBadKey: (key, problem) => log.error('a published record key is ignored', new Error(problem), { key }),
      onRotated: (id) => log.warn('the instances now sign records with another key; restart this one with that key file', { key: id }),
    })
    await feed.start()
    await audit.start()
    shared.onRecordsHint(() => void audit.catchUp().catch((err) => log.error('reading the audit log failed', err)))
    await sessions.pruneExpired()
    return {
      db,
      sessions,
      audit,
      records,
      recordKeys,
      gold,
      activityStore,
      storage: storage ?? shared.storageProvider(),
      auditSource: audit,
      shared,
      close: async () => {
        await sessions.flush()
        db.close()
        audit.stop()
        await shared.close()
      },
    }
  } catch (err) {
    await shared.close().catch(() => {})
    throw err
  }
}
