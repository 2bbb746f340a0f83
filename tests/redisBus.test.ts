/**
 * The Redis Streams room bus against the machine's real Redis: two buses stand for two instances.
 * Every test uses its own key prefix and deletes its keys after; a failing test closes its buses.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RedisRoomBus } from '../server/storage/redis/roomBus'
import { BusRecorder, busClients, bytes, rejects, withBuses } from './helpers/busFixture'
import { withClient } from './helpers/redis'
import { waitFor } from './helpers/waitFor'

const test = suite('redis room bus')

test('two instances on one room: B receives A\'s messages in order and intact, A never receives its own', () =>
  withBuses('order', async (fx) => {
    const a = fx.bus({ instanceId: 'instance-a' })
    const b = fx.bus({ instanceId: 'instance-b' })
    const atA = new BusRecorder()
    const atB = new BusRecorder()
    a.subscribe({ room: 'task-1' }, null, atA)
    b.subscribe({ room: 'task-1' }, null, atB)
    // "From now on" starts where Redis runs the subscription's XINFO, sent on each bus's command
    // connection; a publish on that same connection comes back after it.
    await Promise.all([a.publish({ room: 'barrier' }, 'event', bytes('')), b.publish({ room: 'barrier' }, 'event', bytes(''))])
    const sent: string[] = []
    for (let i = 0; i < 30; i++) {
      const text = `edit ${i}`
      sent.push(i % 3 === 2 ? await a.publish({ room: 'task-1' }, 'presence', bytes(text)) : await a.publish({ room: 'task-1' }, 'update', bytes(text), i))
    }
    await waitFor(() => atB.messages.length === 30, 'B to receive 30 messages')
    assert.equal(atB.ids(), sent, 'in the order they were published, with the ids publish returned')
    assert.equal(atB.texts(), sent.map((_, i) => `edit ${i}`))
    assert.equal(atB.messages[0].seq, 0)
    assert.equal(atB.messages[2].seq, undefined, 'presence carries no seq')
    assert.equal(atB.messages[2].kind, 'presence')
    assert.ok(atB.messages.every((m) => m.from === 'instance-a'))
    // Positive control: A's subscription works, and it is only its own messages it skips.
    await b.publish({ room: 'task-1' }, 'access', bytes('from b'))
    await waitFor(() => atA.messages.length === 1, 'A to receive B\'s message')
    assert.equal(atA.texts(), ['from b'])
    assert.equal(atA.messages[0].from, 'instance-b')
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i)
    await a.publish({ workspace: true }, 'event', binary)
    const ws = new BusRecorder()
    b.subscribe({ workspace: true }, '0-0', ws)
    await waitFor(() => ws.messages.length === 1, 'the workspace stream to replay')
    assert.equal(Array.from(ws.messages[0].payload), Array.from(binary), 'payload bytes are stored as they are')
  }))

test('subscribing from an id replays exactly what came after it, then continues live', () =>
  withBuses('replay', async (fx) => {
    const a = fx.bus()
    const b = fx.bus()
    const ids: string[] = []
    for (let i = 0; i < 10; i++) ids.push(await a.publish({ room: 'r' }, 'update', bytes(`m${i}`), i))
    const fromFifth = new BusRecorder()
    const fromStart = new BusRecorder()
    b.subscribe({ room: 'r' }, ids[4], fromFifth)
    b.subscribe({ room: 'r' }, '0-0', fromStart)
    await waitFor(() => fromStart.messages.length === 10 && fromFifth.messages.length === 5, 'both replays')
    assert.equal(fromFifth.ids(), ids.slice(5))
    assert.equal(fromStart.ids(), ids)
    const live = await a.publish({ room: 'r' }, 'update', bytes('m10'), 10)
    await waitFor(() => fromFifth.messages.length === 6 && fromStart.messages.length === 11, 'the live message')
    assert.equal(fromFifth.ids().at(-1), live)
    assert.equal(fromFifth.gaps, [], 'nothing was trimmed')
  }))

test('a subscription added while the reader is blocked is served at once: the blocked read is interrupted', () =>
  withBuses('interrupt', async (fx) => {
    const a = fx.bus()
    const b = fx.bus({ blockMs: 120_000 })
    const first = new BusRecorder()
    b.subscribe({ room: 'one' }, null, first)
    await waitFor(() => b.health().connected, 'B to connect')
    await a.publish({ room: 'one' }, 'update', bytes('one-1'), 1)
    await waitFor(() => first.messages.length === 1, 'room one to flow')
    await waitFor(async () => /flags=b .*cmd=xread\b/.test((await busClients(b)).reader ?? ''), 'B\'s reader to block in XREAD')
    const before = await a.publish({ room: 'two' }, 'update', bytes('two-0'), 0)
    const second = new BusRecorder()
    b.subscribe({ room: 'two' }, before, second)
    await a.publish({ room: 'two' }, 'update', bytes('two-1'), 1)
    // Without the interrupt the read would sit out its 120 s BLOCK; 2 s is the bound.
    await waitFor(() => second.messages.length === 1, 'the new subscription to receive', 2_000)
    assert.equal(second.texts(), ['two-1'])
    await a.publish({ room: 'one' }, 'update', bytes('one-2'), 2)
    await waitFor(() => first.messages.length === 2, 'room one to keep flowing', 2_000)
    assert.equal(first.texts(), ['one-1', 'one-2'])
  }))

test('unsubscribing stops delivery to that subscription while its room\'s other subscribers and another room keep flowing', () =>
  withBuses('unsub', async (fx) => {
    const a = fx.bus()
    const b = fx.bus({ blockMs: 120_000 })
    const [gone, stays, other] = [new BusRecorder(), new BusRecorder(), new BusRecorder()]
    const start = await a.publish({ room: 'x' }, 'update', bytes('x0'), 0)
    const startY = await a.publish({ room: 'y' }, 'update', bytes('y0'), 0)
    const stop = b.subscribe({ room: 'x' }, start, gone)
    b.subscribe({ room: 'x' }, start, stays)
    b.subscribe({ room: 'y' }, startY, other)
    await a.publish({ room: 'x' }, 'update', bytes('x1'), 1)
    await waitFor(() => gone.messages.length === 1 && stays.messages.length === 1, 'both x subscribers')
    stop()
    stop()
    await a.publish({ room: 'x' }, 'update', bytes('x2'), 2)
    await a.publish({ room: 'y' }, 'update', bytes('y1'), 1)
    await waitFor(() => stays.messages.length === 2 && other.messages.length === 1, 'x2 and y1', 2_000)
    assert.equal(gone.texts(), ['x1'], 'nothing after unsubscribe')
    assert.equal(stays.texts(), ['x1', 'x2'])
    assert.equal(other.texts(), ['y1'])
  }))

test('a stream trimmed past a subscriber\'s id gives onGap once, then everything from its oldest entry on', () =>
  withBuses('gap', async (fx) => {
    const a = fx.bus()
    const b = fx.bus()
    const ids: string[] = []
    for (let i = 0; i < 30; i++) ids.push(await a.publish({ room: 'g' }, 'update', bytes(`m${i}`), i))
    await withClient((c) => c.xtrim(`${fx.prefix}room:g`, 'MAXLEN', 10))
    const behind = new BusRecorder()
    const within = new BusRecorder()
    b.subscribe({ room: 'g' }, ids[4], behind)
    b.subscribe({ room: 'g' }, ids[24], within)
    await waitFor(() => behind.messages.length === 10 && within.messages.length === 5, 'what the stream still holds')
    assert.equal(behind.gaps, [ids[4]], 'the gap is reported once, with the id it follows')
    assert.equal(behind.ids(), ids.slice(20))
    assert.equal(within.gaps, [], 'a subscriber whose next entries are all still there sees no gap')
    assert.equal(within.ids(), ids.slice(25))
    await a.publish({ room: 'g' }, 'update', bytes('m30'), 30)
    await waitFor(() => behind.messages.length === 11, 'the live message after the gap')
    assert.equal(behind.gaps.length, 1)
  }))

test('publishing trims each stream to about maxLen entries, never below', () =>
  withBuses('maxlen', async (fx) => {
    const a = fx.bus({ maxLen: 100 })
    for (let i = 0; i < 1_000; i++) await a.publish({ room: 'long' }, 'presence', bytes(`p${i}`))
    for (let i = 0; i < 50; i++) await a.publish({ room: 'short' }, 'presence', bytes(`p${i}`))
    const [long, short] = await withClient((c) => Promise.all([c.xlen(`${fx.prefix}room:long`), c.xlen(`${fx.prefix}room:short`)]))
    assert.ok(long >= 100 && long <= 200, `1,000 publishes kept ${long}`)
    assert.equal(short, 50, 'a stream under maxLen keeps everything')
  }))

test('a malformed entry is reported and skipped while the next good entry and another room arrive', () =>
  withBuses('bad', async (fx) => {
    const a = fx.bus()
    const b = fx.bus()
    const start = await a.publish({ room: 'bad' }, 'update', bytes('before'), 0)
    const at = new BusRecorder()
    const other = new BusRecorder()
    b.subscribe({ room: 'bad' }, start, at)
    b.subscribe({ room: 'fine' }, '0-0', other)
    const key = `${fx.prefix}room:bad`
    const planted = await withClient(async (c) => [
      await c.xadd(key, '*', 'kind', 'update', 'seq', '1', 'payload', 'x'),
      await c.xadd(key, '*', 'from', 'z', 'kind', 'shout', 'payload', 'x'),
      await c.xadd(key, '*', 'from', 'z', 'kind', 'update', 'seq', '-1', 'payload', 'x'),
      await c.xadd(key, '*', 'from', 'z', 'kind', 'update', 'seq', '1', 'payload', 'x', 'payload', 'y'),
      await c.xadd(key, '*', 'from', 'z', 'kind', 'presence', 'seq', '1', 'payload', 'x'),
      await c.xadd(key, '*', 'from', 'z', 'kind', 'presence'),
      await c.xadd(key, '*', 'from', 'z', 'kind', 'presence', 'payload', 'x', 'admin', '1'),
    ])
    const good = await a.publish({ room: 'bad' }, 'update', bytes('after'), 2)
    await a.publish({ room: 'fine' }, 'event', bytes('elsewhere'))
    await waitFor(() => at.messages.length === 1 && other.messages.length === 1, 'the good entries')
    assert.equal(at.bad.map((b) => b.id), planted)
    assert.equal(at.bad.map((b) => b.problem), [
      'from is missing',
      'unknown kind "shout"',
      'seq is not a non-negative integer',
      'field payload repeated',
      'seq on a presence message',
      'payload is missing',
      'unknown field "admin"',
    ])
    assert.equal(at.ids(), [good])
    assert.equal(other.texts(), ['elsewhere'])
  }))

test('a room key holding another type is reported once and every other room keeps flowing', () =>
  withBuses('wrongtype', async (fx) => {
    const a = fx.bus()
    const b = fx.bus()
    await withClient((c) => c.set(`${fx.prefix}room:squat`, 'not a stream'))
    const squat = new BusRecorder()
    const fine = new BusRecorder()
    b.subscribe({ room: 'fine' }, '0-0', fine)
    await a.publish({ room: 'fine' }, 'update', bytes('f1'), 1)
    await waitFor(() => fine.messages.length === 1, 'the fine room first')
    b.subscribe({ room: 'squat' }, '0-0', squat)
    await waitFor(() => squat.bad.length === 1, 'the broken stream to be reported')
    assert.match(squat.bad[0].problem, /WRONGTYPE/)
    for (let i = 2; i <= 5; i++) await a.publish({ room: 'fine' }, 'update', bytes(`f${i}`), i)
    await waitFor(() => fine.messages.length === 5, 'the fine room to keep flowing')
    assert.equal(squat.bad.length, 1, 'reported once, not on every retry')
    await withClient((c) => c.del(`${fx.prefix}room:squat`))
    await a.publish({ room: 'squat' }, 'update', bytes('s1'), 1)
    await waitFor(() => squat.messages.length === 1, 'the room to recover once it is a stream', 3_000)
  }))

test('a subscriber that throws costs only that call: its later messages and the other subscribers keep coming', () =>
  withBuses('throws', async (fx) => {
    const errors: unknown[] = []
    const a = fx.bus()
    const b = fx.bus({ onError: (err) => errors.push(err) })
    const start = await a.publish({ room: 't' }, 'update', bytes('m0'), 0)
    const seen: string[] = []
    const calm = new BusRecorder()
    b.subscribe({ room: 't' }, start, {
      onMessage: (m) => {
        seen.push(Buffer.from(m.payload).toString())
        throw new Error('subscriber bug')
      },
      onGap: () => {},
    })
    b.subscribe({ room: 't' }, start, calm)
    for (let i = 1; i <= 3; i++) await a.publish({ room: 't' }, 'update', bytes(`m${i}`), i)
    await waitFor(() => seen.length === 3 && calm.messages.length === 3, 'all three, to both')
    assert.equal(seen, ['m1', 'm2', 'm3'])
    assert.equal(calm.texts(), ['m1', 'm2', 'm3'])
    assert.equal(errors.map((e) => (e as Error).message), ['subscriber bug', 'subscriber bug', 'subscriber bug'])
  }))

test('hostile room names are data: each is its own stream, and malformed names and values are refused', () =>
  withBuses('hostile', async (fx) => {
    const a = fx.bus()
    const b = fx.bus()
    const names = ['__proto__', 'constructor', 'a room with spaces', 'ünïcødé 🎉 房间', '*', '[a-z]?', 'room:x', 'workspace', 'x\r\nDEL *']
    const recorders = new Map(names.map((n) => [n, new BusRecorder()]))
    for (const [n, r] of recorders) b.subscribe({ room: n }, '0-0', r)
    for (const n of names) await a.publish({ room: n }, 'event', bytes(`for ${n}`))
    await waitFor(() => [...recorders.values()].every((r) => r.messages.length === 1), 'every room\'s message')
    for (const [n, r] of recorders) assert.equal(r.texts(), [`for ${n}`], n)
    const exists = await withClient((c) => Promise.all(names.map((n) => c.exists(`${fx.prefix}room:${n}`))))
    assert.equal(exists, names.map(() => 1), 'each name is its own key, byte for byte')
    assert.equal(await withClient((c) => c.exists(`${fx.prefix}workspace`)), 0, 'a room named workspace is not the workspace stream')
    assert.equal(({} as Record<string, unknown>).constructor, Object, 'no prototype was touched')
    for (const bad of ['', 'lone \uD800 surrogate', 'x'.repeat(1025), 42, null]) {
      await rejects(() => a.publish({ room: bad } as any, 'event', bytes('no')), /room|stream/, `room ${String(bad).slice(0, 20)}`)
      assert.throws(() => b.subscribe({ room: bad } as any, null, new BusRecorder()), RangeError)
    }
    assert.throws(() => b.subscribe({ room: 'x', workspace: true } as any, null, new BusRecorder()), RangeError)
    assert.throws(() => b.subscribe({ room: 'x' }, '12', new BusRecorder()), RangeError)
    assert.throws(() => b.subscribe({ room: 'x' }, '1-0', {} as any), TypeError)
  }))

test('publish refuses a bad kind, seq or payload and accepts the same message made right', () =>
  withBuses('publish', async (fx) => {
    const a = fx.bus()
    const room = { room: 'p' }
    await rejects(() => a.publish(room, 'shout' as any, bytes('x')), /kind/, 'an unknown kind')
    await rejects(() => a.publish(room, 'update', bytes('x')), /seq/, 'an update without seq')
    await rejects(() => a.publish(room, 'update', bytes('x'), -1), /seq/, 'a negative seq')
    await rejects(() => a.publish(room, 'update', bytes('x'), 1.5), /seq/, 'a fractional seq')
    await rejects(() => a.publish(room, 'presence', bytes('x'), 3), /seq/, 'a seq on presence')
    await rejects(() => a.publish(room, 'event', 'text' as any), /Uint8Array/, 'a string payload')
    const id = await a.publish(room, 'update', bytes('x'), Number.MAX_SAFE_INTEGER)
    const back = new BusRecorder()
    fx.bus().subscribe(room, '0-0', back)
    await waitFor(() => back.messages.length === 1, 'the accepted message')
    assert.equal(back.messages[0].id, id)
    assert.equal(back.messages[0].seq, Number.MAX_SAFE_INTEGER)
    assert.throws(() => new RedisRoomBus({ maxLen: 10, batch: 11 }), RangeError)
  }))

test.run()
