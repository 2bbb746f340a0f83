/** Finalize's server runs are shown in the room: `server_runs` holds what the gate weighed, a refusal's too. */
import fs from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import { api, importTasks, startServer, taskLine, type TestServer } from './helpers/server'
import { completeWorkspace, syncedPeer } from './helpers/review'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('finalize server runs')
let server: TestServer | null = null
const peers: Peer[] = []
test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  await server?.stop()
  server = null
})

test('a finalize refused on the server’s runs leaves them in server_runs, and a committed one leaves the record’s runs', async () => {
  if (!fs.existsSync('/usr/bin/bwrap')) {
    console.warn('SKIPPED: /usr/bin/bwrap is not installed, so the server runs no code of its own')
    return
  }
  server = await startServer({ config: { sandbox: 'auto', sandboxPool: 0 } })
  const s = server
  await importTasks(s, taskLine('t1'))
  await s.running.deps.evidence.settled()
  assert.is(s.running.deps.evidence.status().state, 'ready')
  const peer = await syncedPeer(s, roomName.workspace('t1'), s.leadToken, peers)
  const serverRuns = () => getWorkspace(peer.doc).server_runs
  // b subtracts: ranked first, the server's runs contradict the ranking.
  await completeWorkspace(s, peer, 't1', { ranking: ['b', 'a', 'c'] })
  assert.is(serverRuns().size, 0, 'nothing has run yet')
  const refused = await api(s, s.leadToken, 'POST', '/api/tasks/t1/finalize')
  assert.is(refused.status, 409, JSON.stringify(refused.body))
  assert.ok(refused.body.reasons.some((r: { code: string }) => r.code === 'ranking_contradicts_runs'), JSON.stringify(refused.body))
  await waitFor(() => serverRuns().size === 4, 'the refused finalize’s runs in the peer’s server_runs')
  assert.is((serverRuns().get('b') as { status: string }).status, 'fail')
  assert.is((serverRuns().get('a') as { ran_by: string }).ran_by, 'server')
  // The control: the browser runs root stays untouched by the server's evidence.
  assert.is(getWorkspace(peer.doc).runs.size, 0)

  await completeWorkspace(s, peer, 't1', { ranking: ['a', 'c', 'b'] })
  const done = await api(s, s.leadToken, 'POST', '/api/tasks/t1/finalize')
  assert.is(done.status, 200, JSON.stringify(done.body))
  const record = s.running.deps.records.read('t1', 1)!
  const runs = record.runs as Record<string, { ran_at: string; status: string }>
  const shown = () => getWorkspace(peer.doc).server_runs.toJSON() as Record<string, { ran_at: string; status: string }>
  await waitFor(() => Object.keys(runs).every((k) => shown()[k]?.ran_at === runs[k].ran_at), 'the record’s runs in server_runs')
  assert.equal(Object.keys(shown()).sort(), Object.keys(runs).sort())
})

test.run()
