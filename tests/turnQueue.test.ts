import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { TurnQueue } from '../server/sync/turnQueue'

const test = suite('turn queue')

test('runs queued jobs in order, each in its own event-loop turn', async () => {
  const q = new TurnQueue()
  const seen: string[] = []
  const done = Promise.all(
    [1, 2, 3].map((n) =>
      q.run(() => {
        seen.push(`job ${n}`)
        // an immediate queued by one job runs before the next job does
        setImmediate(() => seen.push(`turn after ${n}`))
        return n
      }),
    ),
  )
  assert.equal(seen, [], 'nothing runs synchronously')
  assert.equal(await done, [1, 2, 3])
  await new Promise((r) => setImmediate(r))
  assert.equal(seen, ['job 1', 'turn after 1', 'job 2', 'turn after 2', 'job 3', 'turn after 3'])
})

test('holds the queue while a job’s promise is pending, and goes on after one throws', async () => {
  const q = new TurnQueue()
  let release!: () => void
  const order: string[] = []
  const slow = q.run(() => new Promise<void>((r) => (release = r)).then(() => order.push('slow')))
  const failing = q
    .run(() => {
      order.push('failing')
      throw new Error('boom')
    })
    .then(() => null, (err: Error) => err.message)
  const after = q.run(() => order.push('after'))
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
  assert.equal(order, [], 'later jobs wait for the pending one')
  release()
  await slow
  assert.is(await failing, 'boom')
  await after
  assert.equal(order, ['slow', 'failing', 'after'])
  assert.is(q.length, 0)
})

test.run()
