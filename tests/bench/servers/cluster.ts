/**
 * Several instances of one server behind the harness' adapters: codejury on one PostgreSQL and
 * Redis (STORAGE=postgres), codejury alone on files for reference, and Hocuspocus with its Redis
 * extension. Each instance is its own process, port and data directory; clients are told which
 * instance they are on, so the load generator can time cross-instance deliveries apart.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres'
import { deleteKeys, REDIS_URL, requireRedis, uniquePrefix } from '../../helpers/redis'
import type { ClientSpec } from '../loadgen/benchClient'
import { ADAPTERS, ServerKind, type ServerUnderTest, type Storage } from './adapters'

/** One configuration of the several-instance bench. */
export interface ClusterConfig {
  /** Row name in the report, e.g. `codejury pg ×2`. */
  name: string
  kind: typeof ServerKind.codejury | typeof ServerKind.hocuspocus
  storage: Storage
  instances: number
  /**
   * PostgreSQL settings for the bench database (ALTER DATABASE … SET), for diagnostic rows only,
   * e.g. `synchronous_commit: 'off'` to see what waiting for the WAL flush costs.
   */
  pgSettings?: Record<string, string>
}

export interface Cluster {
  config: ClusterConfig
  instances: ServerUnderTest[]
  /** Rooms made through instance 0 (codejury imports tasks; the shared database has them all). */
  createRooms(prefix: string, count: number): Promise<string[]>
  /** A client of `room` on instance `i`, tagged with it. */
  clientSpec(id: number, room: string, i: number): ClientSpec
  /** Instance `i`'s environment and token, to start it again or start one more like it. */
  startInstance(i: number): Promise<ServerUnderTest>
  /** Stops every live instance, then drops the database, the Redis keys and the directories. */
  stop(): Promise<void>
}

const adapterOf = (kind: ServerKind) => ADAPTERS.find((a) => a.kind === kind)!

/**
 * Starts `config.instances` processes, one after another (the first on an empty database makes the
 * lead, whose token the others use). Nothing is pinned: the instances, PostgreSQL, Redis and the
 * load generator share the machine's cores as they would on one host.
 */
export async function startCluster(config: ClusterConfig): Promise<Cluster> {
  const adapter = adapterOf(config.kind)
  const root = mkdtempSync(path.join(tmpdir(), `bench-scale-${config.kind}-`))
  const shared = config.instances > 1 || config.storage === 'postgres'
  let db: TestDatabase | null = null
  let prefix = ''
  const env: Record<string, string> = {}
  if (shared) {
    await requireRedis()
    prefix = uniquePrefix('bench-scale')
    Object.assign(env, { REDIS_URL, REDIS_PREFIX: prefix })
    if (config.kind === ServerKind.codejury) {
      db = await createTestDatabase('cj_bench_')
      const admin = db.pool({ max: 1 })
      try {
        for (const [k, v] of Object.entries(config.pgSettings ?? {}))
          await admin.query(`ALTER DATABASE "${db.name}" SET ${k} = '${v.replace(/'/g, "''")}'`)
      } finally {
        await admin.end()
      }
      Object.assign(env, {
        DATABASE_URL: db.url,
        RECORD_KEY_FILE: path.join(root, 'record-key.pem'),
      })
    }
  }
  const instances: ServerUnderTest[] = []
  let token: string | undefined
  const startInstance = async (i: number) => {
    mkdirSync(path.join(root, `i${i}`), { recursive: true })
    const srv = await adapter.start({
      storage: config.storage,
      dataDir: path.join(root, `i${i}`),
      cpu: null,
      env,
      token,
    })
    token ??= srv.clientSpec(0, 'x').token
    instances[i] = srv
    return srv
  }
  const stop = async () => {
    await Promise.all(instances.map((s) => s.stop().catch(() => null)))
    await db?.drop().catch(() => {})
    if (prefix) await deleteKeys(prefix).catch(() => 0)
    rmSync(root, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < config.instances; i++) await startInstance(i)
  } catch (err) {
    await stop()
    throw err
  }
  return {
    config,
    instances,
    createRooms: (p, count) => instances[0].createRooms(p, count),
    clientSpec: (id, room, i) => ({ ...instances[i].clientSpec(id, room), instance: i }),
    startInstance,
    stop,
  }
}
