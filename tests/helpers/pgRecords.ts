/**
 * A suite for the PostgreSQL records store: one migrated database shared by the suite's tests,
 * instances (a pool each, standing for codejury instances) and raw sessions, all closed after
 * each test, and probes for the version locks.
 */
import { suite } from 'uvu'
import type { Test } from 'uvu'
import { Client } from 'pg'
import { PostgresRecordDocs } from '../../server/storage/postgres/recordDocs'
import type { StoredDoc } from '../../server/storage/postgres/recordDocs'
import { migratedSuiteDatabase } from './postgres'
import type { TestDatabase } from './postgres'

export interface RecordsSuite {
  test: Test
  /** One codejury instance: its own pool on the shared database. */
  instance(): PostgresRecordDocs
  /** A raw session, for transactions the test holds open. */
  session(): Promise<Client>
}

export function recordsSuite(name: string): RecordsSuite {
  const test = suite(name)
  let db: TestDatabase
  const open: PostgresRecordDocs[] = []
  const clients: Client[] = []
  const shared = migratedSuiteDatabase()
  test.before.each(async () => {
    db = await shared.get()
  })
  test.after(() => shared.drop())
  test.after.each(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})))
    await Promise.all(open.splice(0).map((s) => s.close()))
  })
  return {
    test,
    instance() {
      const store = new PostgresRecordDocs(db.pool({ max: 4 }), { onIdleError: () => {} })
      open.push(store)
      return store
    },
    async session() {
      const client = new Client({ connectionString: db.url, statement_timeout: 10_000 })
      client.on('error', () => {})
      clients.push(client)
      await client.connect()
      return client
    },
  }
}

/** Sessions of this database waiting for the advisory lock whose first half is `space`. */
export async function waitersOn(probe: Client, space: number): Promise<number> {
  const { rows } = await probe.query(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid::bigint = $1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [space],
  )
  return rows[0].n
}

/** Whether a promise has settled yet (looked at after the event loop turned). */
export async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(
    () => (done = true),
    () => (done = true),
  )
  await new Promise((r) => setImmediate(r))
  return done
}

export const ofKind = (changes: StoredDoc[], kind: string) => changes.filter((c) => c.kind === kind)
