/**
 * One transaction on one pooled connection. A connection that failed during the transaction (its
 * backend was killed, the network dropped) is destroyed instead of going back to the pool, and
 * its error is caught here, where pg would otherwise raise it as an unhandled 'error' event.
 */
import type { Pool, PoolClient } from 'pg'

/** How `work` learns whether its connection failed, and marks it failed. */
export interface ConnectionState {
  failed(): boolean
  fail(err: Error): void
}

/**
 * Runs `work` on one pooled connection; a connection that failed (an 'error' event, or `fail`)
 * is destroyed on release, never pooled, so its session and any lock it held end with it.
 */
export async function withConnection<T>(pool: Pool, work: (client: PoolClient, state: ConnectionState) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  const onError = (err: Error) => {
    broken = err
  }
  client.on('error', onError)
  const state: ConnectionState = {
    failed: () => broken !== undefined,
    fail: (err) => {
      broken ??= err
    },
  }
  try {
    return await work(client, state)
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}

/**
 * Runs `work` between BEGIN and COMMIT and resolves with its result; when `work` or the commit
 * fails, rolls back (if the connection still answers) and rejects with that failure.
 */
export function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return withConnection(pool, async (client, state) => {
    try {
      await client.query('BEGIN')
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (err) {
      if (!state.failed()) await client.query('ROLLBACK').catch((rollbackErr: Error) => state.fail(rollbackErr))
      throw err
    }
  })
}
