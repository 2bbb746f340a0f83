/** One real server per test, and the peers a test opens, cleaned up after each test even when it fails. */
import type { Test } from 'uvu'
import { startServer } from './server'
import type { TestServer } from './server'
import type { Peer } from './peer'

/** What a suite's tests share: the current test's server and the peers to destroy after it. */
export interface PerTestServer {
  server: TestServer
  peers: Peer[]
}

/** Starts a fresh server before each test of `test`; destroys its peers and stops it after. */
export function serverPerTest(test: Test): PerTestServer {
  const fx = { peers: [] } as unknown as PerTestServer
  test.before.each(async () => {
    fx.server = await startServer()
  })
  test.after.each(async () => {
    for (const p of fx.peers.splice(0)) p.destroy()
    await fx.server.stop()
  })
  return fx
}
