/**
 * The engines an instance shares with the others under STORAGE=postgres: PostgreSQL for rooms
 * and records (migrated on start, one instance at a time), Redis Streams for what instances tell
 * each other. One room stream per room (updates, presence) and the workspace stream for the rest:
 * a hint that records changed (every instance then reads the records feed at once instead of at
 * its next poll) and the tasks being finalized (their editors turn read-only everywhere at once;
 * the log's own seal is what refuses writes).
 */
import { Pool } from 'pg'
import type { SharedConfig } from '../config'
import { migrate } from './postgres/migrations'
import { LOCK_SPACE } from './postgres/lockKeys'
import { PostgresRoomLog } from './postgres/roomLog'
import type { SealHold } from './postgres/roomLog'
import { PostgresRecordDocs } from './postgres/recordDocs'
import { RecordFeed } from './postgres/recordFeed'
import { RedisRoomBus } from './redis/roomBus'
import type { BusMessage } from './roomBus'
import { SharedRoomStorage } from './sharedRoomStorage'
import { MemoryOwnerStore } from './ownerStore'
import type { StorageProvider } from './roomStorage'

/** How long a pooled connection may take to open before a request fails with a clear error. */
const CONNECT_TIMEOUT_MS = 5_000

export interface SharedLog {
  info(message: string, detail?: Record<string, unknown>): void
  warn(message: string, detail?: Record<string, unknown>): void
  error(message: string, err: unknown, detail?: Record<string, unknown>): void
}

/** What `/api/health` says of the shared engines. */
export interface SharedHealth {
  database: { ok: boolean; ms?: number; error?: string }
  redis: { ok: boolean; lagMs: number }
}

/** Finalize's marks on the workspace stream: a task's editors read-only, or writable again. */
export interface SealListener {
  (taskId: string, sealed: boolean): void
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class SharedEngines {
  private sealListeners = new Set<SealListener>()
  /** Finalize's seals this instance holds, by task: each on a connection of its own. */
  private readonly holds = new Map<string, SealHold>()
  private hintListeners = new Set<() => void>()
  private liveListeners = new Set<(from: string, body: unknown) => void>()
  private unsubscribe: (() => void) | null = null

  private constructor(
    readonly roomLog: PostgresRoomLog,
    readonly docs: PostgresRecordDocs,
    readonly feed: RecordFeed,
    readonly bus: RedisRoomBus,
    private readonly probe: Pool,
    private readonly log: SharedLog,
  ) {}

  /** Connects, migrates the schema (refusing one newer than this code), and opens the bus. */
  static async open(config: SharedConfig, log: SharedLog): Promise<SharedEngines> {
    const pool = (max: number) => {
      const p = new Pool({ connectionString: config.databaseUrl, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
      return p
    }
    const probe = pool(1)
    probe.on('error', (err) => log.warn('a PostgreSQL connection failed; the pool replaces it', { error: err.message }))
    try {
      const migrated = await migrate(probe)
      if (migrated.applied.length) log.info('migrated the database', { applied: migrated.applied, version: migrated.version })
    } catch (err) {
      await probe.end().catch(() => {})
      throw new Error(`PostgreSQL at DATABASE_URL could not be used: ${(err as Error).message}`)
    }
    const onIdleError = (err: Error) => log.warn('a pooled PostgreSQL connection failed; the pool replaces it', { error: err.message })
    const roomLog = new PostgresRoomLog(pool(10), { onIdleError })
    const docs = new PostgresRecordDocs(pool(6), { onIdleError })
    const bus = new RedisRoomBus({ redis: config.redisUrl, prefix: config.redisPrefix, onError: (err) => log.error('the room bus failed', err) })
    let engines: SharedEngines | null = null
    const feed = new RecordFeed(docs, {
      onError: (err, kind) => log.error('the records feed failed', err, { kind }),
      onReach: () => engines?.hintRecords(),
    })
    engines = new SharedEngines(roomLog, docs, feed, bus, probe, log)
    engines.listen()
    return engines
  }

  /** Rooms stored in the shared log, told by the bus of other instances' commits and presence. */
  storageProvider(): StorageProvider {
    const parts = {
      log: this.roomLog,
      bus: this.bus,
      onError: (message: string, err: unknown, detail: Record<string, unknown>) => this.log.error(message, err, detail),
    }
    return {
      forRoom: (name) => new SharedRoomStorage(name, parts),
      damaged: () => [],
      // Unused: a shared room's storage carries its owners (claimed with its appends).
      ownersFor: () => new MemoryOwnerStore(),
    }
  }

  /** Calls `listener` when another instance says it wrote records (after the feed caught up). */
  onRecordsHint(listener: () => void): void {
    this.hintListeners.add(listener)
  }

  /** Tells the other instances something for their live views (who is where, progress). */
  publishLive(body: unknown): void {
    this.bus.publish({ workspace: true }, 'event', encoder.encode(JSON.stringify({ live: body }))).catch((err) => {
      this.log.warn('telling other instances of a live change failed', { error: (err as Error).message })
    })
  }

  /** Calls `listener` with what another instance published with `publishLive` (checked by the listener). */
  onLive(listener: (from: string, body: unknown) => void): void {
    this.liveListeners.add(listener)
  }

  /** Calls `listener` when another instance seals or unseals a task for finalize. */
  onSeal(listener: SealListener): () => void {
    this.sealListeners.add(listener)
    return () => this.sealListeners.delete(listener)
  }

  /**
   * Seals every room of a finalize at the log (from when this resolves, no instance can append to
   * them) and tells the other instances to make their editors read-only. The seal lives on a
   * connection this instance holds: if it dies mid-finalize, the seal ends with it.
   */
  async seal(taskId: string, rooms: readonly string[]): Promise<void> {
    if (this.holds.has(taskId)) throw new Error(`task ${taskId} is sealed already`)
    this.holds.set(taskId, await this.roomLog.hold(rooms))
    this.announce({ seal: taskId })
  }

  async unseal(taskId: string): Promise<void> {
    const hold = this.holds.get(taskId)
    this.holds.delete(taskId)
    try {
      await hold?.release()
    } finally {
      this.announce({ unseal: taskId })
    }
  }

  /**
   * Runs `fn` while no other instance runs its own start-up (the first lead, the demo seed), with
   * the records caught up first: instances starting together on an empty database make one lead.
   */
  async startingUp<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.probe.connect()
    try {
      await client.query('SELECT pg_advisory_lock($1, 0)', [LOCK_SPACE.bootstrap])
      try {
        await this.feed.catchUp()
        return await fn()
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, 0)', [LOCK_SPACE.bootstrap])
      }
    } finally {
      client.release()
    }
  }

  async health(): Promise<SharedHealth> {
    const started = performance.now()
    let database: SharedHealth['database']
    try {
      await this.probe.query('SELECT 1')
      database = { ok: true, ms: Math.round(performance.now() - started) }
    } catch (err) {
      database = { ok: false, error: (err as Error).message }
    }
    const bus = this.bus.health()
    return { database, redis: { ok: bus.connected, lagMs: bus.lagMs } }
  }

  async close(): Promise<void> {
    this.unsubscribe?.()
    this.feed.stop()
    await this.bus.close()
    await Promise.all([this.roomLog.close(), this.docs.close(), this.probe.end().catch(() => {})])
  }

  private hintRecords(): void {
    this.bus.publish({ workspace: true }, 'event', encoder.encode(JSON.stringify({ records: this.feed.version }))).catch((err) => {
      this.log.warn('telling other instances of a records change failed; they read it at their next poll', { error: (err as Error).message })
    })
  }

  private announce(body: { seal: string } | { unseal: string }): void {
    this.bus.publish({ workspace: true }, 'access', encoder.encode(JSON.stringify(body))).catch((err) => {
      this.log.error('telling other instances of a finalize seal failed; the log refuses their writes regardless', err)
    })
  }

  private listen(): void {
    this.unsubscribe = this.bus.subscribe({ workspace: true }, null, {
      onMessage: (m) => this.onWorkspaceMessage(m),
      onGap: () => void this.feed.catchUp().catch(() => {}),
      onBadEntry: (id, problem) => this.log.warn('a workspace bus entry did not parse; skipped', { id, problem }),
    })
  }

  private onWorkspaceMessage(message: BusMessage): void {
    if (message.from === this.bus.instanceId) return
    let body: unknown
    try {
      body = JSON.parse(decoder.decode(message.payload))
    } catch {
      return this.log.warn('a workspace bus message was not JSON; skipped', { id: message.id })
    }
    if (message.kind === 'event' && body && typeof body === 'object' && 'live' in body) {
      for (const listener of this.liveListeners) {
        try {
          listener(message.from, (body as { live: unknown }).live)
        } catch (err) {
          this.log.error('a live listener failed', err)
        }
      }
      return
    }
    if (message.kind === 'event' && body && typeof body === 'object' && 'records' in body) {
      void this.feed.catchUp().catch(() => {})
      for (const listener of this.hintListeners) listener()
      return
    }
    if (message.kind !== 'access' || !body || typeof body !== 'object') return
    const { seal, unseal } = body as { seal?: unknown; unseal?: unknown }
    const taskId = typeof seal === 'string' ? seal : typeof unseal === 'string' ? unseal : null
    if (taskId === null) return
    const sealed = typeof seal === 'string'
    const tell = () => {
      for (const listener of this.sealListeners) {
        try {
          listener(taskId, sealed)
        } catch (err) {
          this.log.error('a seal listener failed', err, { taskId })
        }
      }
    }
    // An unseal gives back what the records say: read them first, or a task just finalized
    // elsewhere would be writable here until the next poll.
    if (sealed) tell()
    else void this.feed.catchUp().catch(() => {}).finally(tell)
  }
}
