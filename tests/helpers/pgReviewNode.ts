/**
 * One codejury instance's review records over PostgreSQL, as the server would assemble them: its
 * own pool, the records feed, the audit log follower, the shared signing key and the record store.
 * Feeds and followers poll slowly, so a test sees another instance's writes only when it catches up.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { RecordKeys } from '../../server/storage/recordKey'
import { RecordFeed } from '../../server/storage/postgres/recordFeed'
import { PostgresAuditLog } from '../../server/storage/postgres/auditLog'
import { PostgresRecordStore } from '../../server/storage/postgres/reviewRecords'
import { shareRecordKey } from '../../server/storage/postgres/sharedRecordKey'
import type { ShareRecordKeyOptions } from '../../server/storage/postgres/sharedRecordKey'
import type { CommitEntry } from '../../server/storage/records'
import type { PostgresRecordDocs } from '../../server/storage/postgres/recordDocs'
import { makeRecord } from './makeRecord'
import type { MakeRecordOptions } from './makeRecord'

export interface ReviewNode {
  feed: RecordFeed
  audit: PostgresAuditLog
  store: PostgresRecordStore
  keys: RecordKeys
  /** Both followers catch up with what other instances committed. */
  catchUp(): Promise<void>
  stop(): void
}

export const FINALIZE: CommitEntry = { by: 'u-lead', by_name: 'Lee', role: 'lead', action: 'finalize', from: 'submitted', to: 'finalized' }

/** A directory for key files, removed by the returned cleanup. */
export function keyDir(): { file(name?: string): string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codejury-pgkeys-'))
  return {
    file: (name = 'record-key.pem') => path.join(dir, name, 'record-key.pem'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}

/** Starts an instance on `docs` whose signing key is at `keyFile`; stop it in a finally. */
export async function startReviewNode(docs: PostgresRecordDocs, keyFile: string, options: ShareRecordKeyOptions = {}): Promise<ReviewNode> {
  const keys = RecordKeys.open(keyFile)
  const feed = new RecordFeed(docs, { pollMs: 60_000 })
  const audit = new PostgresAuditLog(docs, { pollMs: 60_000 })
  const store = new PostgresRecordStore(feed, keys, audit)
  await shareRecordKey(feed, keys, options)
  await Promise.all([feed.start(), audit.start()])
  return {
    feed,
    audit,
    store,
    keys,
    catchUp: async () => {
      await Promise.all([feed.catchUp(), audit.catchUp()])
    },
    stop: () => {
      feed.stop()
      audit.stop()
    },
  }
}

/** Commits a hand-made record of `o` (task t1, revision 1 by default) on `node`. */
export function commitRecord(node: ReviewNode, o: MakeRecordOptions = {}, now = new Date()) {
  return node.store.commit((finalizedAt) => makeRecord({ ...o, finalizedAt }), FINALIZE, now)
}
