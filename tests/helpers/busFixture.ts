/**
 * Room bus tests' fixture: buses on a fresh key prefix, closed and cleaned up after the test, and
 * a subscriber that records everything it is told.
 */
import * as assert from 'uvu/assert'
import { RedisRoomBus } from '../../server/storage/redis/roomBus'
import type { RedisRoomBusOptions } from '../../server/storage/redis/roomBus'
import type { BusMessage, BusSubscriber } from '../../server/storage/roomBus'
import { REDIS_URL, deleteKeys, requireRedis, uniquePrefix, withClient } from './redis'

export interface BusFixture {
  prefix: string
  /** A bus on the fixture's prefix (and on REDIS_URL unless `options.redis` says otherwise). */
  bus(options?: RedisRoomBusOptions): RedisRoomBus
}

/** Runs `fn` with buses on one fresh prefix; closes them and deletes the prefix's keys after. */
export async function withBuses(name: string, fn: (fx: BusFixture) => Promise<void>): Promise<void> {
  await requireRedis()
  const prefix = uniquePrefix(name)
  const buses: RedisRoomBus[] = []
  try {
    await fn({
      prefix,
      bus: (options = {}) => {
        const bus = new RedisRoomBus({ redis: REDIS_URL, prefix, ...options })
        buses.push(bus)
        return bus
      },
    })
  } finally {
    for (const bus of buses) await bus.close()
    await deleteKeys(prefix)
  }
}

/** Fails unless `fn` rejects with an error matching `pattern`. */
export async function rejects(fn: () => Promise<unknown>, pattern: RegExp, what: string): Promise<void> {
  try {
    await fn()
  } catch (err) {
    assert.match(String((err as Error).message), pattern, what)
    return
  }
  assert.unreachable(`${what} was accepted`)
}

/** The CLIENT LIST lines of a bus's connections on `url`: its reader's and its command one's. */
export async function busClients(bus: RedisRoomBus, url = REDIS_URL): Promise<{ reader?: string; command?: string }> {
  const list = await withClient((c) => c.client('LIST') as Promise<string>, url)
  const lines = list.split('\n')
  return {
    reader: lines.find((l) => l.includes(` name=codejury-bus-reader:${bus.instanceId} `)),
    command: lines.find((l) => l.includes(` name=codejury-bus:${bus.instanceId} `)),
  }
}

export class BusRecorder implements BusSubscriber {
  readonly messages: BusMessage[] = []
  readonly gaps: (string | null)[] = []
  readonly bad: { id: string; problem: string }[] = []

  onMessage(message: BusMessage): void {
    this.messages.push(message)
  }

  onGap(afterId: string | null): void {
    this.gaps.push(afterId)
  }

  onBadEntry(id: string, problem: string): void {
    this.bad.push({ id, problem })
  }

  /** The payloads as text, in the order they came. */
  texts(): string[] {
    return this.messages.map((m) => Buffer.from(m.payload).toString('utf8'))
  }

  ids(): string[] {
    return this.messages.map((m) => m.id)
  }
}

/** Bytes of a text, for payloads. */
export function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'))
}
