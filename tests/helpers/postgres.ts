/**
 * A PostgreSQL database of its own for one test run: created under a random name on the local
 * server, dropped (WITH FORCE) after. If PostgreSQL does not answer, the test fails saying how to
 * start it; nothing is skipped. CODEJURY_TEST_PG_URL names another server's maintenance database
 * (a role that may create databases); by default the `postgres` role, then `root`, on 127.0.0.1.
 */
import crypto from 'node:crypto'
import { Client, Pool } from 'pg'
import type { PoolConfig } from 'pg'
import { migrate } from '../../server/storage/postgres/migrations'

const CANDIDATES = process.env.CODEJURY_TEST_PG_URL
  ? [process.env.CODEJURY_TEST_PG_URL]
  : ['postgres://postgres@127.0.0.1:5432/postgres', 'postgres://root@127.0.0.1:5432/postgres']

export interface TestDatabase {
  name: string
  /** A connection string for the new database. */
  url: string
  /** A pool on the database; drop() ends every pool made here. */
  pool(config?: PoolConfig): Pool
  /** Ends the pools and drops the database, even with sessions still open. */
  drop(): Promise<void>
}

/** Connects to the maintenance database, trying each candidate role; fails with how to start PostgreSQL. */
export async function connectAdmin(): Promise<{ client: Client; url: string }> {
  const failures: string[] = []
  for (const url of CANDIDATES) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
    client.on('error', () => {})
    try {
      await client.connect()
      return { client, url }
    } catch (err) {
      const { username, host } = new URL(url)
      failures.push(`${username}@${host}: ${(err as Error).message}`)
      await client.end().catch(() => {})
    }
  }
  throw new Error(
    `PostgreSQL is needed by this test and did not answer (${failures.join('; ')}). Start it: .ci/run does on ` +
      'a clean machine, or `pg_ctlcluster <version> main start` on Debian, with trust authentication for ' +
      '127.0.0.1 and a `postgres` or `root` role; or set CODEJURY_TEST_PG_URL to a URL of a maintenance database.',
  )
}

/** Creates `cj_test_<random>` and returns its URL and a way to drop it. */
export async function createTestDatabase(prefix = 'cj_test_'): Promise<TestDatabase> {
  const name = `${prefix}${crypto.randomBytes(6).toString('hex')}`
  const { client, url: adminUrl } = await connectAdmin()
  try {
    await client.query(`CREATE DATABASE "${name}"`)
  } finally {
    await client.end()
  }
  const dbUrl = new URL(adminUrl)
  dbUrl.pathname = `/${name}`
  const url = dbUrl.toString()
  const pools: Pool[] = []
  return {
    name,
    url,
    pool(config = {}) {
      // A statement stuck on a lock fails after 10 s instead of hanging the run.
      const pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000, statement_timeout: 10_000, ...config })
      // Tests kill sessions on purpose; an idle connection that dies must not crash the run.
      pool.on('error', () => {})
      pools.push(pool)
      return pool
    },
    async drop() {
      // A pool whose owner already ended it rejects a second end; either way it is closed.
      await Promise.all(pools.filter((p) => !p.ended).map((p) => p.end().catch(() => {})))
      const admin = await connectAdmin()
      try {
        await admin.client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      } finally {
        await admin.client.end()
      }
    },
  }
}

/** A database shared by one suite's tests, made on first use. */
export interface SuiteDatabase {
  get(): Promise<TestDatabase>
  drop(): Promise<void>
}

/**
 * One database for a whole suite, created (then `prepare`d) on first use. Call `get()` from
 * `before.each`, never from `before`: uvu 0.5 reports a suite whose `before` hook throws as
 * passed, so a PostgreSQL that is down would read as green. Here a failed creation fails every
 * test with its message.
 */
export function suiteDatabase(prepare: (db: TestDatabase) => Promise<void> = async () => {}): SuiteDatabase {
  let made: Promise<TestDatabase> | null = null
  return {
    get() {
      made ??= createTestDatabase().then(async (db) => {
        try {
          await prepare(db)
        } catch (err) {
          await db.drop()
          throw err
        }
        return db
      })
      return made
    },
    async drop() {
      if (made) await made.then((db) => db.drop(), () => {})
    },
  }
}

/** A suite database with every migration applied. */
export function migratedSuiteDatabase(): SuiteDatabase {
  return suiteDatabase(async (made) => {
    const pool = made.pool()
    try {
      await migrate(pool)
    } finally {
      await pool.end()
    }
  })
}
