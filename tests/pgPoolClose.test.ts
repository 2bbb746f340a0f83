/**
 * Closing the room log or the records store while PostgreSQL ends their sessions. `pool.end()`
 * resolves once it has asked its connections to close, before they are closed: a session the
 * server terminates in between reports an error on a pool its owner already closed. That must not
 * crash the process (a test server stopped just before its database is dropped, an instance
 * stopping while PostgreSQL restarts).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import net from 'node:net'
import { Pool } from 'pg'
import { PostgresRoomLog } from '../server/storage/postgres/roomLog'
import { PostgresRecordDocs } from '../server/storage/postgres/recordDocs'
import { connectAdmin, migratedSuiteDatabase } from './helpers/postgres'
import type { TestDatabase } from './helpers/postgres'
import { waitFor } from './helpers/waitFor'

const test = suite('pgPoolClose')
const suiteDb = migratedSuiteDatabase()
let db: TestDatabase
const cleanups: (() => Promise<void> | void)[] = []

test.before.each(async () => {
  db = await suiteDb.get()
})
test.after.each(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn()
})
test.after(() => suiteDb.drop())

/**
 * A proxy to PostgreSQL whose client-to-server direction can be held: a held connection's
 * Terminate never reaches the server, so its session stays until someone terminates it.
 */
async function holdingProxy(target: URL) {
  let held = false
  const sockets = new Set<net.Socket>()
  // Half-open: a held client's FIN (after its Terminate) leaves the way back open.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    client.on('data', (d) => {
      if (!held) upstream.write(d)
    })
    upstream.on('data', (d) => client.write(d))
    const closeBoth = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('end', () => {
      if (!held) closeBoth()
    })
    client.on('close', closeBoth).on('error', closeBoth)
    upstream.on('close', closeBoth).on('error', closeBoth)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => {
    for (const s of sockets) s.destroy()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const url = new URL(target)
  url.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`
  return { url: url.toString(), hold: () => (held = true), open: () => sockets.size }
}

/** Errors that reached no handler while `fn` ran, and until its proxied connections closed. */
async function uncaughtDuring(fn: () => Promise<void>): Promise<Error[]> {
  const caught: Error[] = []
  const onUncaught = (err: Error) => caught.push(err)
  // uvu's own listener would end the run: set it aside while this one counts.
  const others = process.listeners('uncaughtException')
  process.removeAllListeners('uncaughtException')
  process.on('uncaughtException', onUncaught)
  try {
    await fn()
  } finally {
    process.off('uncaughtException', onUncaught)
    for (const l of others) process.on('uncaughtException', l)
  }
  return caught
}

/** Uses one connection, closes with it held, then terminates its session; resolves with the errors. */
async function closeThenTerminate(use: (pool: Pool) => Promise<void>, close: (pool: Pool) => Promise<void>): Promise<Error[]> {
  const proxy = await holdingProxy(new URL(db.url))
  const pool = new Pool({ connectionString: proxy.url, max: 1, connectionTimeoutMillis: 5_000 })
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  await use(pool)
  return uncaughtDuring(async () => {
    proxy.hold()
    await close(pool)
    const admin = await connectAdmin()
    try {
      const ended = await admin.client.query('SELECT pg_terminate_backend($1) AS ok', [rows[0].pid])
      assert.is(ended.rows[0].ok, true, 'the session was still there to terminate')
    } finally {
      await admin.client.end()
    }
    await waitFor(() => proxy.open() === 0, 'the terminated connection to close')
    // The error event runs on the socket's data, before its close: one more turn is plenty.
    await new Promise((r) => setImmediate(r))
  })
}

test('a pool whose owner took its error listener away crashes on a session terminated while closing', async () => {
  const errors = await closeThenTerminate(async () => {}, (pool) => pool.end())
  assert.is(errors.length, 1, 'positive control: the harness makes the error a closed log would meet')
  assert.match(errors[0].message, /terminating connection/)
})

test('closing the room log does not crash when its session is terminated before it closed', async () => {
  let log: PostgresRoomLog
  const errors = await closeThenTerminate(
    async (pool) => {
      log = new PostgresRoomLog(pool, { onIdleError: () => {} })
      await log.load('t1/workspace')
    },
    () => log.close(),
  )
  assert.equal(errors.map((e) => e.message), [])
})

test('closing the records store does not crash when its session is terminated before it closed', async () => {
  let docs: PostgresRecordDocs
  const errors = await closeThenTerminate(
    async (pool) => {
      docs = new PostgresRecordDocs(pool, { onIdleError: () => {} })
      await docs.loadAll('sessions')
    },
    () => docs.close(),
  )
  assert.equal(errors.map((e) => e.message), [])
})

test.run()
