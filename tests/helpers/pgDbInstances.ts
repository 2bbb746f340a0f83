/**
 * Codejury instances holding their records in PostgreSQL (PgDb), each with its own pool and feed
 * on one suite database. Feeds poll only once a minute, so a test decides when an instance
 * catches up; everything is stopped after each test.
 */
import { RecordFeed } from '../../server/storage/postgres/recordFeed'
import type { PostgresRecordDocs } from '../../server/storage/postgres/recordDocs'
import { PgDb } from '../../server/storage/postgres/pgDb'
import type { StoredUser } from '../../server/storage/recordsDb'
import type { Task } from '../../shared/types'
import { recordsSuite } from './pgRecords'

export interface PgDbInstance {
  db: PgDb
  feed: RecordFeed
  docs: PostgresRecordDocs
  /** What the feed reported (handlers that threw, failed catch-ups). */
  errors: unknown[]
}

export function pgDbSuite(name: string) {
  const records = recordsSuite(name)
  const opened: PgDbInstance[] = []
  records.test.after.each(() => {
    for (const o of opened.splice(0)) {
      o.db.close()
      o.feed.stop()
    }
  })
  /** One instance, started (its memory holds everything stored so far). */
  async function open(): Promise<PgDbInstance> {
    const docs = records.instance()
    const errors: unknown[] = []
    const feed = new RecordFeed(docs, { pollMs: 60_000, onError: (err) => errors.push(err) })
    const db = PgDb.open(docs, feed, { dataDir: '/nonexistent-codejury-data-dir' })
    const instance = { db, feed, docs, errors }
    opened.push(instance)
    await feed.start()
    return instance
  }
  return { test: records.test, open, session: records.session }
}

/** A valid stored task. */
export function makeTask(id: string, batch = 'b'): Task {
  const at = '2026-01-01T00:00:00.000Z'
  return {
    id,
    prompt: `Task ${id}`,
    language: 'python',
    candidates: [
      { id: 'a', code: 'x = 1\n' },
      { id: 'b', code: 'x = 2\n' },
    ],
    batch,
    status: 'open',
    revision: 1,
    assignees: [],
    createdAt: at,
    updatedAt: at,
  }
}

export function makeUser(id: string, tokenHash = `hash-${id}`): StoredUser {
  return { id, name: `User ${id}`, role: 'annotator', color: '#336699', createdAt: '2026-01-01T00:00:00.000Z', tokenHash }
}
