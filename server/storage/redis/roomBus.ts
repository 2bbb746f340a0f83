/**
 * The room bus on Redis Streams: one stream per room (`<prefix>room:<name>`) and one for the
 * workspace (`<prefix>workspace`), appended with XADD and trimmed to about `maxLen` entries. Two
 * connections: one for commands (XADD, the start of "from now on" subscriptions, CLIENT UNBLOCK)
 * and one that only reads (see `streamReader.ts`). ioredis reconnects both; every subscription
 * resumes from the last id it was given, so nothing is lost and nothing comes twice.
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { RedisOptions } from 'ioredis'
import type { BusKind, BusStream, BusSubscriber, RoomBus } from '../roomBus'
import { MAX_FROM_BYTES, entryFields, isBusKind, isBusSeq } from './busEntry'
import { ZERO_ID, isStreamId } from './streamIds'
import { StreamReader } from './streamReader'

export interface RedisRoomBusOptions {
  /** A `redis://` URL or ioredis options; default `redis://127.0.0.1:6379`. */
  redis?: string | RedisOptions
  /** Put before every key; default `codejury:`. */
  prefix?: string
  /** Approximate MAXLEN of every stream on XADD; default 10,000 entries. */
  maxLen?: number
  /** This instance's id in `from`; default a random UUID. */
  instanceId?: string
  /** Most entries read per stream per round, at most `maxLen`; default 500. */
  batch?: number
  /** How long one blocking read waits when nothing arrives (ms); default 5,000. */
  blockMs?: number
  /** A subscriber that threw, or a reply the bus could not use; default `console.error`. */
  onError?: (err: unknown) => void
}

const MAX_ROOM_BYTES = 1024
const MAX_PREFIX_BYTES = 200
const LONE_SURROGATE = /\p{Cs}/u

/** Reconnects soon after a loss, then backs off to once every two seconds. */
function retryDelay(times: number): number {
  return Math.min(times * 100, 2_000)
}

function connect(target: string | RedisOptions | undefined, own: RedisOptions): Redis {
  const shared: RedisOptions = { retryStrategy: retryDelay, ...own, replyMapping: 'legacy' }
  if (typeof target === 'string') return new Redis(target, shared)
  return new Redis({ host: '127.0.0.1', port: 6379, ...target, ...shared, ...(target?.retryStrategy ? { retryStrategy: target.retryStrategy } : {}) })
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const n = value ?? fallback
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer`)
  return n
}

export class RedisRoomBus implements RoomBus {
  readonly instanceId: string
  readonly prefix: string
  readonly maxLen: number
  private readonly command: Redis
  private readonly readConn: Redis
  private readonly reader: StreamReader
  private readonly onError: (err: unknown) => void
  private closing: Promise<void> | null = null

  constructor(options: RedisRoomBusOptions = {}) {
    this.instanceId = options.instanceId ?? randomUUID()
    if (typeof this.instanceId !== 'string' || this.instanceId === '' || Buffer.byteLength(this.instanceId) > MAX_FROM_BYTES) {
      throw new RangeError(`instanceId must be 1 to ${MAX_FROM_BYTES} bytes`)
    }
    this.prefix = options.prefix ?? 'codejury:'
    if (typeof this.prefix !== 'string' || Buffer.byteLength(this.prefix) > MAX_PREFIX_BYTES || LONE_SURROGATE.test(this.prefix)) {
      throw new RangeError(`prefix must be text of at most ${MAX_PREFIX_BYTES} bytes`)
    }
    this.maxLen = positiveInteger(options.maxLen, 10_000, 'maxLen')
    const batch = positiveInteger(options.batch, Math.min(500, this.maxLen), 'batch')
    if (batch > this.maxLen) throw new RangeError('batch must not exceed maxLen: a short batch is what proves no trim passed')
    const blockMs = positiveInteger(options.blockMs, 5_000, 'blockMs')
    this.onError = options.onError ?? ((err) => console.error('room bus:', err))
    // Connection errors show in health(); ioredis retries them on its own.
    // CLIENT LIST shows which instance a connection is (a name may hold no spaces).
    const name = this.instanceId.replace(/[^\w.:-]/g, '_')
    this.command = connect(options.redis, { connectionName: `codejury-bus:${name}` })
    this.command.on('error', () => {})
    this.readConn = connect(options.redis, {
      connectionName: `codejury-bus-reader:${name}`,
      // A read cut by a lost connection is never resent: the loop reads again from the positions.
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: null,
    })
    this.readConn.on('error', () => {})
    this.reader = new StreamReader(this.readConn, this.command, {
      batch,
      blockMs,
      brokenRetryMs: 1_000,
      instanceId: this.instanceId,
      onError: this.onError,
    })
  }

  /** The Redis key of a stream; a room name is data (any well-formed text up to 1 KiB). */
  keyOf(stream: BusStream): string {
    if (stream === null || typeof stream !== 'object') throw new RangeError('a stream is { room } or { workspace: true }')
    const hasRoom = Object.hasOwn(stream, 'room')
    const hasWorkspace = Object.hasOwn(stream, 'workspace')
    if (hasWorkspace && !hasRoom && (stream as { workspace: unknown }).workspace === true) return `${this.prefix}workspace`
    const room: unknown = (stream as { room?: unknown }).room
    if (!hasRoom || hasWorkspace || typeof room !== 'string' || room === '') throw new RangeError('a stream is { room } or { workspace: true }')
    if (Buffer.byteLength(room) > MAX_ROOM_BYTES || LONE_SURROGATE.test(room)) {
      throw new RangeError(`a room name is well-formed text of at most ${MAX_ROOM_BYTES} bytes`)
    }
    return `${this.prefix}room:${room}`
  }

  async publish(stream: BusStream, kind: BusKind, payload: Uint8Array, seq?: number): Promise<string> {
    if (this.closing) throw new Error('the room bus is closed')
    const key = this.keyOf(stream)
    if (!isBusKind(kind)) throw new RangeError(`unknown message kind ${String(kind)}`)
    if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array')
    if (kind === 'update' ? !isBusSeq(seq) : seq !== undefined) {
      throw new RangeError('seq is a non-negative integer on update messages and absent on others')
    }
    const id = await this.command.xadd(key, 'MAXLEN', '~', this.maxLen, '*', ...entryFields(this.instanceId, kind, payload, seq))
    if (!isStreamId(id)) throw new Error(`XADD answered ${String(id)} instead of an id`)
    return id
  }

  position(stream: BusStream): Promise<string> {
    if (this.closing) return Promise.reject(new Error('the room bus is closed'))
    return lastGeneratedId(this.command, this.keyOf(stream))
  }

  subscribe(stream: BusStream, afterId: string | null, subscriber: BusSubscriber): () => void {
    if (this.closing) throw new Error('the room bus is closed')
    const key = this.keyOf(stream)
    if (afterId !== null && !isStreamId(afterId)) throw new RangeError('afterId is a stream id (like 1700000000000-0) or null')
    if (typeof subscriber?.onMessage !== 'function' || typeof subscriber.onGap !== 'function') {
      throw new TypeError('a subscriber has onMessage and onGap')
    }
    const sub = this.reader.add(key, subscriber, afterId)
    if (afterId === null) void this.startFromNow(sub)
    return () => this.reader.remove(sub)
  }

  health(): { connected: boolean; lagMs: number } {
    const connected = !this.closing && this.command.status === 'ready' && this.reader.connected
    return { connected, lagMs: this.reader.lagMs() }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    await this.reader.close()
    if (this.command.status === 'ready') await this.command.quit().catch(() => {})
    this.command.disconnect()
  }

  /**
   * "From now on" is the stream's last id when Redis runs this XINFO, sent at subscribe time on the
   * command connection, so it also comes after every earlier publish of this instance.
   */
  private async startFromNow(sub: ReturnType<StreamReader['add']>): Promise<void> {
    while (sub.active && !this.closing) {
      try {
        this.reader.start(sub, await lastGeneratedId(this.command, sub.key))
        return
      } catch (err) {
        if (!sub.active || this.closing) return
        if (this.command.status === 'ready') {
          // Not a stream (WRONGTYPE): start at the beginning, and the reader reports it as broken.
          this.onError(err)
          this.reader.start(sub, ZERO_ID)
          return
        }
        await new Promise<void>((resolve) => {
          const done = () => {
            this.command.off('ready', done).off('end', done)
            resolve()
          }
          this.command.once('ready', done).once('end', done)
        })
      }
    }
  }
}

async function lastGeneratedId(redis: Redis, key: string): Promise<string> {
  let info: unknown
  try {
    info = await redis.xinfo('STREAM', key)
  } catch (err) {
    if (err instanceof Error && /no such key/i.test(err.message)) return ZERO_ID
    throw err
  }
  if (Array.isArray(info)) {
    const at = info.findIndex((v) => String(v) === 'last-generated-id')
    const id = at >= 0 ? String(info[at + 1]) : ''
    if (isStreamId(id)) return id
  }
  throw new Error('XINFO STREAM gave no last-generated-id')
}
