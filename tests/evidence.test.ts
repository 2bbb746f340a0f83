/**
 * The server's own evidence: at finalize and on request it runs the team's tests against the
 * reference solution and every candidate in its sandbox, with nobody pressing "Run tests".
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { WorkspaceRoot } from '../shared/schema'
import { api, assign, createUser, importTasks, startServer, type TestServer } from './helpers/server'
import { completeWorkspace, syncedPeer } from './helpers/review'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const test = suite('evidence')

let server: TestServer | null = null
const peers: Peer[] = []

test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  await server?.stop()
  server = null
})

/** A task whose candidate d poisons `sum` for whoever runs after it in the same interpreter. */
function poisonedTask(id: string): string {
  return JSON.stringify({
    id,
    prompt: 'Write `add(a, b)`.',
    language: 'python',
    entry_point: 'add',
    candidates: [
      { id: 'a', code: 'def add(a, b):\n    return a + b\n' },
      { id: 'b', code: 'def add(a, b):\n    return a - b\n' },
      { id: 'c', code: 'def add(a, b):\n    return sum([a, b])\n' },
      { id: 'd', code: 'import builtins\nbuiltins.sum = lambda *args, **kw: 0\ndef add(a, b):\n    return a + b\n' },
    ],
  })
}

async function setup(sandbox: 'auto' | 'off') {
  server = await startServer({ config: { sandbox, sandboxPool: 0 } })
  await importTasks(server, poisonedTask('t1'))
  const ann = await createUser(server, 'Ann Annotator', 'annotator')
  const rev = await createUser(server, 'Rae Reviewer', 'reviewer')
  const other = await createUser(server, 'Otto Other', 'annotator')
  await assign(server, 't1', [ann.id])
  if (sandbox === 'auto') assert.is((await server.running.deps.evidence['deps'].sandbox.settled()).state, 'ready')
  const peer = await syncedPeer(server, roomName.workspace('t1'), ann.token, peers)
  return { server, ann, rev, other, peer }
}

/** Scores every candidate (the helper scores a, b and c) so only the runs can stand in the way. */
async function complete(s: TestServer, peer: Peer, ranking: string[]) {
  await completeWorkspace(s, peer, 't1', { ranking })
  const ratings = peer.doc.getMap(WorkspaceRoot.ratings)
  const Y = await import('yjs')
  peer.doc.transact(() => {
    const row = new Y.Map<number>()
    for (const k of ['correctness', 'efficiency', 'readability']) row.set(k, 3)
    ratings.set('d', row)
  })
  await waitFor(() => {
    const doc = s.running.deps.rooms.peek(roomName.workspace('t1'))?.doc
    return (doc?.getMap(WorkspaceRoot.ratings).get('d') as any)?.get?.('readability') === 3
  }, 'the server to hold the scores of d')
}

test('finalize seals the server’s own runs when nobody ran anything, and a poisoner cannot fail its neighbours', async () => {
  const { server: s, peer } = await setup('auto')
  // b fails the tests: ranked above the passing ones, the server's runs contradict the ranking.
  await complete(s, peer, ['b', 'a', 'c', 'd'])
  const refused = await api(s, s.leadToken, 'POST', '/api/tasks/t1/finalize')
  assert.is(refused.status, 409, JSON.stringify(refused.body))
  assert.ok(refused.body.reasons.some((r: any) => r.code === 'ranking_contradicts_runs'), JSON.stringify(refused.body))
  // The control: a ranking the runs agree with finalizes, and the record holds the server's runs.
  await complete(s, peer, ['a', 'c', 'd', 'b'])
  const done = await api(s, s.leadToken, 'POST', '/api/tasks/t1/finalize')
  assert.is(done.status, 200, JSON.stringify(done.body))
  const record = done.body
  assert.equal(record.evidence, { source: 'server' })
  assert.equal(Object.keys(record.runs).sort(), ['a', 'b', 'c', 'd', 'solution'])
  for (const [key, run] of Object.entries<any>(record.runs)) {
    assert.is(run.ran_by, 'server', key)
    assert.match(run.tests_sha256, /^[0-9a-f]{64}$/)
    assert.match(run.code_sha256, /^[0-9a-f]{64}$/)
    assert.ok(typeof run.duration_ms === 'number' && run.ran_at)
    assert.match(run.runtime.pyodide, /^\d+\.\d+/)
  }
  assert.is(record.runs.solution.status, 'pass')
  assert.is(record.runs.a.status, 'pass')
  assert.is(record.runs.b.status, 'fail')
  // Each subject had a fresh interpreter: d's patched `sum` never reached c.
  assert.is(record.runs.c.status, 'pass', JSON.stringify(record.runs.c))
  assert.is(record.derived_checks.reference_passes, true)
})

test('on request the server stores its runs in server_runs, for the lead and assignees only', async () => {
  const { server: s, ann, rev, other, peer } = await setup('auto')
  await completeWorkspace(s, peer, 't1')
  assert.is((await api(s, rev.token, 'POST', '/api/tasks/t1/server-runs')).status, 403)
  assert.is((await api(s, other.token, 'POST', '/api/tasks/t1/server-runs')).status, 404)
  const res = await api(s, ann.token, 'POST', '/api/tasks/t1/server-runs')
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.is(res.body.runs.b.status, 'fail')
  assert.is(res.body.runs.a.ran_by, 'server')
  // The room sees them live, under their own root beside the browser runs.
  await waitFor(() => (peer.doc.getMap(WorkspaceRoot.server_runs).get('a') as any)?.status === 'pass', 'the peer to see the server run of a')
  assert.is(peer.doc.getMap(WorkspaceRoot.runs).size, 0)
  // The lead may ask too; the same texts are answered from the last runs.
  const again = await api(s, s.leadToken, 'POST', '/api/tasks/t1/server-runs')
  assert.is(again.status, 200)
  assert.is(again.body.runs.a.ran_at, res.body.runs.a.ran_at)
})

test('without a sandbox the server runs nothing, says why, and the record says its evidence is browser-reported', async () => {
  const { server: s, peer } = await setup('off')
  const sandbox = await api(s, s.leadToken, 'GET', '/api/sandbox')
  assert.is(sandbox.body.state, 'unavailable')
  assert.match(sandbox.body.reason, /SANDBOX=off/)
  const asked = await api(s, s.leadToken, 'POST', '/api/tasks/t1/server-runs')
  assert.is(asked.status, 409)
  assert.match(asked.body.error, /cannot run the tests/)
  await complete(s, peer, ['a', 'c', 'd', 'b'])
  const done = await api(s, s.leadToken, 'POST', '/api/tasks/t1/finalize')
  assert.is(done.status, 200, JSON.stringify(done.body))
  assert.is(done.body.evidence.source, 'browser-reported')
  assert.match(done.body.evidence.reason, /SANDBOX=off/)
})

test.run()
