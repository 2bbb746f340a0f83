/**
 * CODEJURY_TEST_STORAGE=postgres runs the in-process test servers on the shared engines
 * (STORAGE=postgres): each DATA_DIR gets a fresh PostgreSQL database, a Redis prefix of its own and
 * a record key file in a temporary directory of its own. A server restarted on the same DATA_DIR
 * finds the same database, prefix and key, as it would find its files.
 *
 * The engines of a DATA_DIR are released (database dropped, Redis keys and key directory deleted)
 * when the server that created that DATA_DIR stops through the helper; otherwise (a restart test
 * owns the directory) once no server runs on it and the directory is gone, checked at every start,
 * and at the latest when the test process is about to exit.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Config } from '../../server/config'
import { createTestDatabase } from './postgres'
import type { TestDatabase } from './postgres'
import { REDIS_URL, deleteKeys, requireRedis, uniquePrefix } from './redis'

/** True when this run asked for the shared engines under every test server. */
export const testOnPostgres = process.env.CODEJURY_TEST_STORAGE === 'postgres'

if (process.env.CODEJURY_TEST_STORAGE && !testOnPostgres) {
  throw new Error(`CODEJURY_TEST_STORAGE must be "postgres" or unset, got "${process.env.CODEJURY_TEST_STORAGE}"`)
}

interface Engines {
  db: TestDatabase
  prefix: string
  keyDir: string
  /** Servers started on this DATA_DIR and not stopped yet. */
  running: number
}

/** By DATA_DIR; a pending entry is one being created. */
const byDataDir = new Map<string, Promise<Engines>>()

async function create(): Promise<Engines> {
  await requireRedis()
  const db = await createTestDatabase('cj_suite_')
  return { db, prefix: uniquePrefix('suite'), keyDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cj-suite-key-')), running: 0 }
}

async function release(dataDir: string): Promise<void> {
  const made = byDataDir.get(dataDir)
  if (!made) return
  byDataDir.delete(dataDir)
  const engines = await made.catch(() => null)
  if (!engines) return
  await engines.db.drop()
  await deleteKeys(engines.prefix)
  fs.rmSync(engines.keyDir, { recursive: true, force: true })
}

/** Releases the engines of every DATA_DIR with no server running whose directory was removed. */
async function sweep(): Promise<void> {
  for (const [dataDir, made] of byDataDir) {
    const engines = await made.catch(() => null)
    if (engines && engines.running === 0 && !fs.existsSync(dataDir)) await release(dataDir)
  }
}

let hooked = false
/** The last chance: the event loop is empty, so no server runs; beforeExit fires again after. */
function releaseAllBeforeExit(): void {
  if (hooked) return
  hooked = true
  process.on('beforeExit', () => {
    if (byDataDir.size === 0) return
    void Promise.all([...byDataDir.keys()].map((dir) => release(dir))).catch((err) => {
      console.error('releasing the test engines failed', err)
      process.exitCode = 1
    })
  })
}

/**
 * The configuration that puts a server on `dataDir`'s engines, made on first use; the caller
 * calls `enginesStopped(dataDir)` when that server has stopped.
 */
export async function enginesConfig(dataDir: string): Promise<Partial<Config>> {
  releaseAllBeforeExit()
  await sweep()
  let made = byDataDir.get(dataDir)
  if (!made) {
    made = create()
    byDataDir.set(dataDir, made)
    // A failed creation is not kept: the next start tries again and fails with its own message.
    made.catch(() => byDataDir.delete(dataDir))
  }
  const engines = await made
  engines.running++
  return {
    storage: 'postgres',
    shared: { databaseUrl: engines.db.url, redisUrl: REDIS_URL, redisPrefix: engines.prefix, rotateRecordKey: false },
    recordKeyFile: path.join(engines.keyDir, 'record-key.pem'),
  }
}

/** A server on `dataDir` stopped. */
export async function enginesStopped(dataDir: string): Promise<void> {
  const engines = await byDataDir.get(dataDir)?.catch(() => null)
  if (engines) engines.running = Math.max(0, engines.running - 1)
}

/** Releases `dataDir`'s engines now unless a server still runs on them (then a later sweep does). */
export async function releaseEngines(dataDir: string): Promise<void> {
  const engines = await byDataDir.get(dataDir)?.catch(() => null)
  if (engines && engines.running === 0) await release(dataDir)
}
