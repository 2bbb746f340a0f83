/** The export's `seq` cursor: every committed record gets the next seq; `since_seq=N` gives those after N. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { api, importTasks, taskLine } from './helpers/server'
import { act, completeWorkspace, syncedPeer } from './helpers/review'
import { serverPerTest } from './helpers/perTest'

const test = suite('record seq')
const fx = serverPerTest(test)

async function finalize(id: string) {
  await importTasks(fx.server, taskLine(id))
  const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, lead, id)
  const res = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(res.status, 200, JSON.stringify(res.body))
  return res.body
}

async function exported(query: string): Promise<any[]> {
  const res = await fetch(`${fx.server.url}/api/export?${query}`, { headers: { authorization: `Bearer ${fx.server.leadToken}` } })
  assert.is(res.status, 200)
  return (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l))
}

test('gives each committed record the next seq and exports only those after since_seq', async () => {
  // Finalized in an order unlike the export's task-id order.
  const z = await finalize('z9')
  const a = await finalize('a1')
  const m = await finalize('m5')
  assert.equal([z.seq, a.seq, m.seq], [1, 2, 3])
  assert.ok(z.finalized_at < a.finalized_at && a.finalized_at < m.finalized_at, 'times follow commits')
  const all = await exported('format=native')
  assert.equal(all.map((r) => [r.task_id, r.seq]), [['a1', 2], ['m5', 3], ['z9', 1]], 'native rows carry their seq')
  assert.equal((await exported('format=native&since_seq=0')).map((r) => r.task_id), ['a1', 'm5', 'z9'])
  assert.equal((await exported('format=native&since_seq=1')).map((r) => r.task_id), ['a1', 'm5'])
  assert.equal((await exported('format=native&since_seq=3')).map((r) => r.task_id), [])
  // A reader resuming from the highest seq it holds gets exactly what was committed since.
  const cursor = Math.max(...all.map((r) => r.seq))
  await act(fx.server, fx.server.leadToken, 'a1', 'reopen')
  const lead = await syncedPeer(fx.server, roomName.workspace('a1'), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, lead, 'a1', { explanation: 'Second look.' })
  assert.is((await act(fx.server, fx.server.leadToken, 'a1', 'finalize')).status, 200)
  assert.equal((await exported(`format=native&since_seq=${cursor}`)).map((r) => [r.task_id, r.revision, r.seq]), [['a1', 2, 4]])
  assert.equal((await exported(`format=dpo&since_seq=${cursor}`)).every((r) => r.task_id === 'a1'), true, 'other formats filter the same way')
  const counts = await api(fx.server, fx.server.leadToken, 'GET', `/api/export/counts?since_seq=${cursor}`)
  assert.is(counts.body.records, 1)
  const bad = await api(fx.server, fx.server.leadToken, 'GET', '/api/export?format=native&since_seq=-1')
  assert.is(bad.status, 400)
  assert.match(bad.body.error, /since_seq must be a whole number/)
})

test.run()
