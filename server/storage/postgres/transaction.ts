/**
 * One transaction on one pooled connection. A connection that failed during the transaction (its
 * backend was killed, the network dropped) is destroyed instead of going back to the pool, and
 * its error is caught here, where pg would otherwise raise it as an unhandled 'error' event.
 */
import type { Pool, PoolClient } from 'pg'

/**
 * Runs `work` between BEGIN and COMMIT and resolves with its result; when `work` or the commit
 * fails, rolls back (if the connection still answers) and rejects with that failure.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  const onError = (err: Error) => {
    broken = err
  }
  client.on('error', onError)
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    if (!broken) {
      await client.query('ROLLBACK').catch((rollbackErr: Error) => {
        broken = rollbackErr
      })
    }
    throw err
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}
