/**
 * The Redis room bus when things break: a private redis-server killed and started again, a
 * subscriber's connection killed by Redis, a subscriber that falls behind, and close().
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { RedisRoomBus } from '../server/storage/redis/roomBus'
import { BusRecorder, busClients, bytes, withBuses } from './helpers/busFixture'
import { REDIS_URL, startPrivateRedis, withClient } from './helpers/redis'
import { waitFor } from './helpers/waitFor'

const test = suite('redis room bus failures')

/** Reconnects after a fixed delay, so a test can act while a bus is surely disconnected. */
const slowReconnect = (ms: number) => ({ host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379), retryStrategy: () => ms })

async function killReader(bus: RedisRoomBus): Promise<void> {
  const line = (await busClients(bus)).reader
  const id = line && /^id=(\d+) /.exec(line)?.[1]
  assert.ok(id, 'the reader connection is listed')
  assert.equal(await withClient((c) => c.client('KILL', 'ID', id)), 1)
}

function increasing(ids: string[]): boolean {
  return ids.every((id, i) => i === 0 || id.localeCompare(ids[i - 1], 'en', { numeric: true }) > 0)
}

test('Redis killed and restarted: health says disconnected in between, the gap is reported, and later messages arrive', async () => {
  const redis = await startPrivateRedis()
  try {
    await withBuses('restart', async (fx) => {
      const a = fx.bus({ redis: redis.url })
      const b = fx.bus({ redis: redis.url })
      const at = new BusRecorder()
      const first = await a.publish({ room: 'r' }, 'update', bytes('before'), 1)
      b.subscribe({ room: 'r' }, '0-0', at)
      await waitFor(() => at.messages.length === 1, 'the message before the restart')
      assert.equal(b.health(), { connected: true, lagMs: 0 })
      await redis.kill()
      await waitFor(() => !a.health().connected && !b.health().connected, 'both buses to report disconnected')
      await waitFor(() => b.health().lagMs >= 50, 'the lag to grow while down')
      const during = a.publish({ room: 'r' }, 'update', bytes('during'), 2)
      await redis.start()
      await waitFor(() => a.health().connected && b.health().connected, 'both buses to reconnect', 10_000)
      // The new Redis has lost the stream: the subscriber must catch up from the room log.
      await waitFor(() => at.gaps.length === 1, 'the gap after the restart')
      assert.equal(at.gaps, [first])
      await during
      await a.publish({ room: 'r' }, 'update', bytes('after'), 3)
      await waitFor(() => at.messages.length === 3, 'the messages published during and after the restart')
      assert.equal(at.texts(), ['before', 'during', 'after'])
      assert.equal(b.health(), { connected: true, lagMs: 0 })
    })
  } finally {
    await redis.stop()
  }
})

test('messages published while a subscriber\'s connection was killed arrive after it reconnects, none twice', () =>
  withBuses('clientkill', async (fx) => {
    const a = fx.bus()
    const b = fx.bus({ redis: slowReconnect(800) })
    const [one, two] = [new BusRecorder(), new BusRecorder()]
    const start1 = await a.publish({ room: 'one' }, 'update', bytes('one 0'), 0)
    const start2 = await a.publish({ room: 'two' }, 'update', bytes('two 0'), 0)
    b.subscribe({ room: 'one' }, start1, one)
    b.subscribe({ room: 'two' }, start2, two)
    for (let i = 1; i <= 3; i++) await a.publish({ room: 'one' }, 'update', bytes(`one ${i}`), i)
    await waitFor(() => one.messages.length === 3, 'the first three')
    await killReader(b)
    await waitFor(() => !b.health().connected, 'B to see its connection gone')
    for (let i = 4; i <= 23; i++) {
      await a.publish({ room: 'one' }, 'update', bytes(`one ${i}`), i)
      await a.publish({ room: 'two' }, 'update', bytes(`two ${i}`), i)
    }
    assert.not.ok(b.health().connected, 'all of them were published while B was disconnected')
    await waitFor(() => b.health().connected, 'B to reconnect')
    await a.publish({ room: 'one' }, 'update', bytes('one 24'), 24)
    await waitFor(() => one.messages.length === 24 && two.messages.length === 20, 'everything, up to the marker')
    assert.equal(one.texts(), Array.from({ length: 24 }, (_, i) => `one ${i + 1}`))
    assert.equal(two.texts(), Array.from({ length: 20 }, (_, i) => `two ${i + 4}`))
    assert.equal(new Set(one.ids()).size, 24, 'no id twice')
    assert.ok(increasing(one.ids()) && increasing(two.ids()), 'in stream order')
    assert.equal([one.gaps, two.gaps], [[], []], 'nothing was lost')
  }))

test('a subscriber whose connection was down while its stream was trimmed past it gets the gap, then what remains', () =>
  withBuses('downtrim', async (fx) => {
    const a = fx.bus()
    const b = fx.bus({ redis: slowReconnect(800) })
    const at = new BusRecorder()
    const control = new BusRecorder()
    const start = await a.publish({ room: 't' }, 'update', bytes('m0'), 0)
    b.subscribe({ room: 't' }, start, at)
    b.subscribe({ room: 'u' }, '0-0', control)
    const last = await a.publish({ room: 't' }, 'update', bytes('m1'), 1)
    await waitFor(() => at.messages.length === 1, 'm1')
    await killReader(b)
    await waitFor(() => !b.health().connected, 'B to see its connection gone')
    const ids: string[] = []
    for (let i = 2; i < 32; i++) ids.push(await a.publish({ room: 't' }, 'update', bytes(`m${i}`), i))
    await a.publish({ room: 'u' }, 'event', bytes('untrimmed'))
    await withClient((c) => c.xtrim(`${fx.prefix}room:t`, 'MAXLEN', 10))
    await waitFor(() => at.messages.length === 11 && control.messages.length === 1, 'what the stream still holds', 10_000)
    assert.equal(at.gaps, [last])
    assert.equal(at.ids().slice(1), ids.slice(-10))
    assert.equal(control.gaps, [], 'an untrimmed stream on the same connection has no gap')
  }))

test('a subscriber that falls more than a batch behind catches up in order, without a false gap', () =>
  withBuses('behind', async (fx) => {
    const a = fx.bus()
    const b = fx.bus({ batch: 4 })
    const at = new BusRecorder()
    const start = await a.publish({ room: 'fast' }, 'update', bytes('start'), 0)
    b.subscribe({ room: 'fast' }, start, at)
    const ids = await Promise.all(Array.from({ length: 200 }, (_, i) => a.publish({ room: 'fast' }, 'update', bytes(`m${i}`), i + 1)))
    await waitFor(() => at.messages.length === 200, 'all 200')
    assert.equal(at.ids(), ids)
    assert.equal(at.gaps, [])
    assert.equal(b.health().lagMs, 0)
  }))

test('close ends both connections and leaves no timers or sockets behind, also while Redis is down', async () => {
  const redis = await startPrivateRedis()
  try {
    await withBuses('close', async (fx) => {
      const count = () => {
        const kinds = process.getActiveResourcesInfo()
        return { timers: kinds.filter((k) => k === 'Timeout').length, sockets: kinds.filter((k) => k === 'TCPSocketWrap').length }
      }
      const before = count()
      const a = fx.bus()
      const at = new BusRecorder()
      a.subscribe({ room: 'c' }, '0-0', at)
      await a.publish({ room: 'c' }, 'event', bytes('own'))
      await withClient((c) => c.xadd(`${fx.prefix}room:c`, '*', 'from', 'other', 'kind', 'event', 'payload', 'theirs'))
      await waitFor(() => at.messages.length === 1, 'a working bus')
      const open = await busClients(a)
      assert.ok(open.reader && open.command, 'both connections are open while it runs')
      await a.close()
      const closed = await busClients(a)
      assert.equal([closed.reader, closed.command], [undefined, undefined])
      const down = fx.bus({ redis: redis.url })
      down.subscribe({ room: 'c' }, null, new BusRecorder())
      await waitFor(() => down.health().connected, 'the second bus to connect')
      await redis.kill()
      await waitFor(() => !down.health().connected, 'the second bus to see Redis gone')
      await down.close()
      await waitFor(() => count().sockets <= before.sockets && count().timers <= before.timers, 'resources back to where they were', 2_000)
    })
  } finally {
    await redis.stop()
  }
})

test.run()
