/** Server configuration, read once from the environment (docs/configuration.md#environment). */
import path from 'node:path'

export type StorageMode = 'disk' | 'memory' | 'postgres'

export interface Config {
  port: number
  host: string
  dataDir: string
  seedDemo: boolean
  storage: StorageMode
  /**
   * STORAGE=postgres: where rooms and records live (DATABASE_URL) and the bus between instances
   * (REDIS_URL, keys under REDIS_PREFIX). Null otherwise.
   */
  shared: SharedConfig | null
  /** The origin printed in sign-in links and allowed for browser requests. */
  publicUrl: string | null
  /** Extra origins allowed to open WebSockets and send cookie-authenticated requests. */
  allowedOrigins: string[]
  /** Directory of the built client; served statically when it exists. */
  clientDir: string
  /** Largest accepted WebSocket message; larger ones close with 4413. */
  maxMessageBytes: number
  /** Sustained messages per second per connection before 4429; bursts up to twice that. */
  maxMessagesPerSecond: number
  /** How long a room with no connections stays loaded. */
  roomIdleMs: number
  /** How often connections are pinged; one silent for a whole interval is terminated. */
  pingIntervalMs: number
  /** Bytes queued to all readers together before the slowest are closed with 1013. */
  maxQueuedBytes: number
  /** Bytes queued to one user's connections together before their slowest close with 1013. */
  maxQueuedBytesPerUser: number
  quiet: boolean
  /** Warm Yjs's decoder and encoder before listening (see sync/warmUp.ts); tests turn it off. */
  warmUp: boolean
  /** How long a sign-in session lives after it was created (SESSION_TTL_DAYS). */
  sessionTtlMs: number
  /**
   * The record signing key's private file (RECORD_KEY_FILE), outside the record store; null for
   * the default, `DATA_DIR/keys/record-key.pem`.
   */
  recordKeyFile: string | null
  /** The server's own test runs (SANDBOX): `auto` probes the machine and runs when it isolates; `off` never runs code. */
  sandbox: 'auto' | 'off'
  /** Warm sandbox processes per runtime (SANDBOX_POOL). */
  sandboxPool: number
  /** Resident memory at which a sandboxed run is killed (SANDBOX_MEMORY_MB). */
  sandboxMemoryMb: number
  /** Where the sandbox's driver bundle and Python snapshot are kept (SANDBOX_CACHE_DIR); null for the system temp folder. */
  sandboxCacheDir: string | null
}

/** The engines several instances share (docs/scale-out.md). */
export interface SharedConfig {
  databaseUrl: string
  redisUrl: string
  redisPrefix: string
  /** RECORD_KEY_ROTATE=1: this instance's record key becomes the one every instance signs with. */
  rotateRecordKey: boolean
}

/** Limits of the sync layer, with their units in their names. */
export const MAX_MESSAGE_BYTES = 1024 * 1024
export const MAX_MESSAGES_PER_SECOND = 300
export const ROOM_IDLE_MS = 30_000
export const SAVE_DEBOUNCE_MS = 2_000
export const SAVE_MAX_WAIT_MS = 10_000
/** A room's log is compacted into its snapshot once it holds this many bytes. */
export const LOG_COMPACT_BYTES = 4 * 1024 * 1024
/** A connection whose unsent backlog passes this is dropped (it reconnects and resyncs). */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024
export const PING_INTERVAL_MS = 30_000
/** Sign-in sessions expire this long after sign-in unless SESSION_TTL_DAYS says otherwise. */
export const SESSION_TTL_DAYS = 30
const DAY_MS = 24 * 60 * 60_000

/**
 * Bytes queued to slow readers, server-wide, before the slowest are closed: slow readers never
 * grow the server's memory without bound.
 */
export const MAX_QUEUED_BYTES = 256 * 1024 * 1024
/** The same per user: one user's stalled tabs or scripts cannot take the whole budget. */
export const MAX_QUEUED_BYTES_PER_USER = 128 * 1024 * 1024
/** Awareness states larger than this are dropped. */
export const MAX_AWARENESS_STATE_BYTES = 16 * 1024

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`)
  return n
}

/** Timers take at most 2^31 - 1 ms; Node turns anything longer into 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1

function positive(n: number, name: string): number {
  if (n === 0 || n > MAX_TIMER_MS) throw new Error(`${name} must be between 1 and ${MAX_TIMER_MS}, got ${n}`)
  return n
}

/** A positive number of days, fractions allowed (`0.5` is twelve hours), at most ten years. */
function days(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0 || n > 3650) throw new Error(`${name} must be a number of days between 0 and 3650, got "${value}"`)
  return n
}

/** STORAGE=postgres needs both engines named; a prefix keeps deployments on one Redis apart. */
function sharedConfig(env: NodeJS.ProcessEnv): SharedConfig {
  const databaseUrl = env.DATABASE_URL ?? ''
  const redisUrl = env.REDIS_URL ?? ''
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`STORAGE=postgres needs DATABASE_URL, a postgres:// URL of an empty database created for codejury, got "${databaseUrl}"`)
  }
  if (!/^rediss?:\/\//.test(redisUrl)) throw new Error(`STORAGE=postgres needs REDIS_URL, a redis:// URL, got "${redisUrl}"`)
  const redisPrefix = env.REDIS_PREFIX ?? 'codejury:'
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(redisPrefix)) {
    throw new Error(`REDIS_PREFIX must be 1 to 64 letters, digits or ":_.-", got "${redisPrefix}"`)
  }
  return { databaseUrl, redisUrl, redisPrefix, rotateRecordKey: env.RECORD_KEY_ROTATE === '1' }
}

/** Reads the configuration; throws with a readable message on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const storage = (env.STORAGE || 'disk') as StorageMode
  if (storage !== 'disk' && storage !== 'memory' && storage !== 'postgres') {
    throw new Error(`STORAGE must be "disk", "memory" or "postgres", got "${env.STORAGE}"`)
  }
  const shared = storage === 'postgres' ? sharedConfig(env) : null
  const sandbox = env.SANDBOX || 'auto'
  if (sandbox !== 'auto' && sandbox !== 'off') throw new Error(`SANDBOX must be "auto" or "off", got "${env.SANDBOX}"`)
  return {
    port: int(env.PORT, 8787, 'PORT'),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(cwd, env.DATA_DIR || './data'),
    seedDemo: env.SEED_DEMO !== '0' && env.SEED_DEMO !== 'false',
    storage,
    shared,
    publicUrl: env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : null,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    clientDir: path.resolve(cwd, env.CLIENT_DIR || 'client/dist'),
    maxMessageBytes: int(env.MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES, 'MAX_MESSAGE_BYTES'),
    maxMessagesPerSecond: int(env.MAX_MESSAGES_PER_SECOND, MAX_MESSAGES_PER_SECOND, 'MAX_MESSAGES_PER_SECOND'),
    roomIdleMs: int(env.ROOM_IDLE_MS, ROOM_IDLE_MS, 'ROOM_IDLE_MS'),
    pingIntervalMs: positive(int(env.PING_INTERVAL_MS, PING_INTERVAL_MS, 'PING_INTERVAL_MS'), 'PING_INTERVAL_MS'),
    maxQueuedBytes: int(env.MAX_QUEUED_BYTES, MAX_QUEUED_BYTES, 'MAX_QUEUED_BYTES'),
    maxQueuedBytesPerUser: int(env.MAX_QUEUED_BYTES_PER_USER, MAX_QUEUED_BYTES_PER_USER, 'MAX_QUEUED_BYTES_PER_USER'),
    quiet: env.QUIET === '1',
    warmUp: env.WARM_UP !== '0',
    sessionTtlMs: days(env.SESSION_TTL_DAYS, SESSION_TTL_DAYS, 'SESSION_TTL_DAYS') * DAY_MS,
    recordKeyFile: env.RECORD_KEY_FILE ? path.resolve(cwd, env.RECORD_KEY_FILE) : null,
    sandbox,
    sandboxPool: int(env.SANDBOX_POOL, 2, 'SANDBOX_POOL'),
    sandboxMemoryMb: positive(int(env.SANDBOX_MEMORY_MB, 512, 'SANDBOX_MEMORY_MB'), 'SANDBOX_MEMORY_MB'),
    sandboxCacheDir: env.SANDBOX_CACHE_DIR ? path.resolve(cwd, env.SANDBOX_CACHE_DIR) : null,
  }
}
