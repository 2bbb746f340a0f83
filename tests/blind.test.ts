/** Blind judging: a stable per-task permutation with letters shared by everyone, opaque room ids, records and exports in import ids. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import * as Y from 'yjs'
import { blindLabels, blindLetter, blindOrder, recordWithImportIds } from '../shared/blind'
import { roomName } from '../shared/roomNames'
import { getThreads, getWorkspace } from '../shared/schema'
import { api, assign, createUser, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'

const unit = suite('blind order')

unit('is a permutation of the ids, the same on every call for a task', () => {
  const ids = Array.from({ length: 26 }, (_, i) => `cand-${i}`)
  for (const task of ['t1', 't2', 'a-much-longer-task-id_0042']) {
    const order = blindOrder(task, ids)
    assert.equal([...order].sort(), [...ids].sort(), 'every id once')
    assert.equal(blindOrder(task, ids), order, 'stable')
    assert.equal(ids[0], 'cand-0', 'the input is not shuffled in place')
  }
})

unit('differs between tasks and is not the import order for most tasks', () => {
  const ids = ['a', 'b', 'c', 'd']
  const orders = new Set<string>()
  let unchanged = 0
  for (let i = 0; i < 200; i++) {
    const order = blindOrder(`task-${i}`, ids).join('')
    orders.add(order)
    if (order === 'abcd') unchanged++
  }
  assert.ok(orders.size >= 20, `saw ${orders.size} of the 24 orders`)
  assert.ok(unchanged < 30, `the import order survived ${unchanged} times in 200`)
})

unit('puts every id first about equally often (a fair shuffle)', () => {
  const firsts = new Map<string, number>()
  for (let i = 0; i < 3000; i++) {
    const first = blindOrder(`t${i}`, ['a', 'b', 'c'])[0]
    firsts.set(first, (firsts.get(first) ?? 0) + 1)
  }
  for (const id of ['a', 'b', 'c']) assert.ok(Math.abs(firsts.get(id)! - 1000) < 120, `${id}: ${firsts.get(id)}`)
})

unit('labels the blind order A, B, C… and goes on past Z', () => {
  const labels = blindLabels('t1', ['x', 'y', 'z'])
  const order = blindOrder('t1', ['x', 'y', 'z'])
  assert.equal(order.map((id) => labels.get(id)), ['A', 'B', 'C'])
  assert.equal([0, 25, 26, 27, 51, 52].map(blindLetter), ['A', 'Z', 'AA', 'AB', 'AZ', 'BA'])
  assert.throws(() => blindLetter(-1), RangeError)
})

unit('maps a record back to import ids, ids such as __proto__ included, and leaves a record without a map alone', () => {
  const record = {
    candidates: [{ id: 'c_x', code: 'x' }, { id: 'c_y', code: 'y' }],
    ranking: ['c_y', 'c_x'],
    ratings: { c_x: { correctness: 3 }, c_y: { correctness: 5 } },
    runs: { c_x: { status: 'pass' }, solution: { status: 'pass' } },
    derived_checks: { reference_passes: true, pass_rates: { c_x: 1, c_y: null }, ranking_agrees_with_runs: null, suite_fails_a_candidate: false },
    ballots: [{ user: 'u1', ranking: ['c_x'], ratings: { c_y: { correctness: 1 } } }],
    threads: [{ id: 't', anchor: { kind: 'text', field: 'notes:c_y', start: 0, end: 1 } }],
    import_ids: { c_x: '__proto__', c_y: 'constructor' },
  } as unknown as Parameters<typeof recordWithImportIds>[0]
  const out = recordWithImportIds(record) as any
  assert.equal(out.candidates.map((c: { id: string }) => c.id), ['__proto__', 'constructor'])
  assert.equal(out.ranking, ['constructor', '__proto__'])
  assert.ok(Object.hasOwn(out.ratings, '__proto__') && out.ratings.constructor.correctness === 5)
  assert.equal(Object.keys(out.runs).sort(), ['__proto__', 'solution'])
  assert.equal(Object.keys(out.derived_checks.pass_rates), ['__proto__', 'constructor'])
  assert.equal(out.ballots[0].ranking, ['__proto__'])
  assert.is(out.threads[0].anchor.field, 'notes:constructor')
  assert.is(({} as any).correctness, undefined, 'Object.prototype untouched')
  assert.equal(record.ranking, ['c_y', 'c_x'], 'the record itself is not changed')
  const open = { ...record, import_ids: undefined }
  assert.is(recordWithImportIds(open), open, 'positive control: no map, nothing to do')
})

unit.run()

const api_ = suite('blind task view')
let server: TestServer
api_.before.each(async () => {
  server = await startServer()
})
api_.after.each(async () => {
  await server.stop()
})

/** A task whose import ids name their models, as real exports often do, with metadata. */
function secretLine(id: string): string {
  return JSON.stringify({
    ...JSON.parse(taskLine(id)),
    candidates: [
      { id: 'gpt4o-run3', code: 'def add(a, b):\n    return a + b\n', model: 'openai-gpt-4o' },
      { id: 'sonnet-v2', code: 'def add(a, b):\n    return a - b\n', model: 'anthropic-claude' },
      { id: 'llama70b-x', code: 'def add(a, b):\n    return sum([a, b])\n', model: 'meta-llama-3' },
    ],
    metadata: { generator: 'secret-generator', run: 7 },
  })
}
const IMPORT_IDS = ['gpt4o-run3', 'sonnet-v2', 'llama70b-x']
const SECRETS = [...IMPORT_IDS, 'openai-gpt-4o', 'anthropic-claude', 'meta-llama-3', 'secret-generator']
const secretsIn = (text: string) => SECRETS.filter((s) => text.includes(s))

interface Shown {
  id: string
  code: string
  label: string
  model?: string
  import_id?: string
}

api_('gives every role the same label per candidate; only the lead gets models, import ids and metadata', async () => {
  await api(server, server.leadToken, 'POST', '/api/batches', { name: 'blind' })
  await importTasks(server, secretLine('t1'), 'blind')
  const ann = await createUser(server, 'Ann', 'annotator')
  const rev = await createUser(server, 'Rev', 'reviewer')
  await assign(server, 't1', [ann.id])
  const lead = (await api(server, server.leadToken, 'GET', '/api/tasks/t1')).body
  assert.equal(lead.candidates.map((c: Shown) => c.label), ['A', 'B', 'C'], 'letter order for the lead too')
  assert.equal(lead.candidates.map((c: Shown) => c.import_id), blindOrder('t1', IMPORT_IDS), 'A is the first of the blind order of import ids')
  assert.equal(lead.candidates.map((c: Shown) => c.model).sort(), ['anthropic-claude', 'meta-llama-3', 'openai-gpt-4o'])
  assert.equal(lead.metadata, { generator: 'secret-generator', run: 7 })
  for (const c of lead.candidates as Shown[]) assert.match(c.id, /^c_[a-z2-7]{16}$/, 'the rooms use opaque ids')
  for (const token of [ann.token, rev.token]) {
    const res = await api(server, token, 'GET', '/api/tasks/t1')
    assert.is(res.status, 200)
    assert.is(res.body.blind, true)
    assert.equal(res.body.candidates, lead.candidates.map((c: Shown) => ({ id: c.id, code: c.code, label: c.label })), 'same ids, code and letters')
    assert.equal(secretsIn(JSON.stringify(res.body)), [], 'no import id, model or metadata anywhere in the body')
    const list = await api(server, token, 'GET', '/api/tasks')
    assert.equal(secretsIn(JSON.stringify(list.body)), [], 'nor in the task list')
  }
})

api_('shows models and import ids to everyone in an open-label batch, and hides them once it is made blind', async () => {
  await importTasks(server, secretLine('t1'), 'open')
  const ann = await createUser(server, 'Ann', 'annotator')
  await assign(server, 't1', [ann.id])
  const res = await api(server, ann.token, 'GET', '/api/tasks/t1')
  assert.is(res.body.blind, false)
  assert.equal(res.body.candidates.map((c: Shown) => [c.id, c.label, c.model]), [
    ['gpt4o-run3', 'gpt4o-run3', 'openai-gpt-4o'],
    ['sonnet-v2', 'sonnet-v2', 'anthropic-claude'],
    ['llama70b-x', 'llama70b-x', 'meta-llama-3'],
  ])
  await api(server, server.leadToken, 'POST', '/api/batches', { name: 'open', blind: true })
  const blind = await api(server, ann.token, 'GET', '/api/tasks/t1')
  assert.equal(secretsIn(JSON.stringify(blind.body)), [], 'turning blind on applies at once, ids included (nobody had opened it)')
  assert.equal(blind.body.candidates.map((c: Shown) => c.label), ['A', 'B', 'C'])
})

api_('says when an import creates a batch, blind unless blind=0', async () => {
  const post = (batch: string, line: string, query = '') =>
    api(server, server.leadToken, 'POST', `/api/tasks/import?batch=${batch}${query}`, line, 'application/x-ndjson')
  const made = await post('fresh', taskLine('t1'))
  assert.equal([made.status, made.body.batchCreated, made.body.blind], [200, true, true])
  const again = await post('fresh', taskLine('t2'))
  assert.equal([again.body.batchCreated, again.body.blind], [false, true], 'an existing batch is not created again')
  const open = await post('plain', taskLine('t3'), '&blind=0')
  assert.equal([open.body.batchCreated, open.body.blind], [true, false])
  assert.is((await post('odd', taskLine('t4'), '&blind=yes')).status, 400)
  const batches = (await api(server, server.leadToken, 'GET', '/api/batches')).body.batches
  assert.equal(batches.map((b: { name: string; blind: boolean }) => [b.name, b.blind]), [['fresh', true], ['plain', false]])
  const ids = async (id: string) => (await api(server, server.leadToken, 'GET', `/api/tasks/${id}`)).body.candidates.map((c: Shown) => c.id)
  assert.ok((await ids('t1')).every((id: string) => id.startsWith('c_')), 'a blind batch: opaque room ids')
  assert.equal(await ids('t3'), ['a', 'b', 'c'], 'an open-label batch keeps import ids in its rooms')
})

api_.run()

const flow = suite('blind rooms, records and exports')
const peers: Peer[] = []
let fx: TestServer
flow.before.each(async () => {
  fx = await startServer()
})
flow.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  await fx.stop()
})

/** Fills the workspace through `peer`: ranking B, A, C by room id, every score, the three texts. */
async function complete(peer: Peer, byLabel: Map<string, Shown>) {
  const ws = getWorkspace(peer.doc)
  peer.doc.transact(() => {
    ws.ranking.push(['B', 'A', 'C'].map((l) => byLabel.get(l)!.id))
    for (const c of byLabel.values()) {
      const row = ws.ratings.get(c.id) instanceof Y.Map ? ws.ratings.get(c.id)! : new Y.Map<number>()
      if (!(ws.ratings.get(c.id) instanceof Y.Map)) ws.ratings.set(c.id, row)
      for (const k of ['correctness', 'efficiency', 'readability']) row.set(k, c.label === 'B' ? 5 : 3)
    }
    ws.explanation.insert(0, 'B is right; A and C are close.')
    ws.solution.insert(0, 'def add(a, b):\n    return a + b\n')
    ws.tests.delete(0, ws.tests.length)
    ws.tests.insert(0, 'def test_add():\n    assert add(1, 2) == 3\n')
  })
  await waitFor(() => {
    const doc = fx.running.deps.rooms.peek(roomName.workspace('t1'))?.doc
    return doc !== undefined && getWorkspace(doc).ranking.length === 3 && getWorkspace(doc).explanation.length > 0
  }, 'the server to hold the work')
}

const stateText = (doc: Y.Doc) => Buffer.from(Y.encodeStateAsUpdate(doc)).toString('latin1')

flow('keeps import ids out of every room; the record keeps labels and the map; exports write import ids', async () => {
  await api(fx, fx.leadToken, 'POST', '/api/batches', { name: 'blind' })
  await importTasks(fx, secretLine('t1'), 'blind')
  await importTasks(fx, taskLine('t2'), 'open') // positive control: open-label rooms key import ids
  const ann = await createUser(fx, 'Ann', 'annotator')
  const rev = await createUser(fx, 'Rev', 'reviewer')
  await assign(fx, 't1', [ann.id])
  const lead = (await api(fx, fx.leadToken, 'GET', '/api/tasks/t1')).body
  const byLabel = new Map<string, Shown>(lead.candidates.map((c: Shown) => [c.label, c]))
  const connect = async (room: string, token: string) => {
    const p = connectPeer(fx.wsUrl, room, token)
    peers.push(p)
    await waitFor(() => p.provider.synced, `${room} to sync`)
    return p
  }
  const work = await connect(roomName.workspace('t1'), ann.token)
  await complete(work, byLabel)
  // The lead's dashboard names what Ann looks at by its letter, not by the opaque id.
  work.provider.awareness.setLocalStateField('view', { area: 'candidate', candidateId: byLabel.get('B')!.id })
  await waitFor(async () => {
    const t1 = (await api(fx, fx.leadToken, 'GET', '/api/tasks')).body.tasks.find((t: { id: string }) => t.id === 't1')
    return t1.present.some((p: { id: string; view?: { candidateLabel?: string } }) => p.id === ann.id && p.view?.candidateLabel === 'B')
  }, "Ann's view, labelled B")

  // A comment anchored on B's lines, as the page writes it (by room id).
  const comments = await connect(roomName.comments('t1'), ann.token)
  comments.doc.transact(() => {
    const t = new Y.Map<unknown>()
    for (const [k, v] of Object.entries({ id: 'th1', anchor: { kind: 'lines', candidate: byLabel.get('B')!.id, from: 1, to: 2 }, quote: '', author: ann.id, created_at: new Date().toISOString(), resolved: true })) t.set(k, v)
    t.set('comments', new Y.Array())
    getThreads(comments.doc).push([t])
  })
  await waitFor(() => getThreads(fx.running.deps.rooms.peek(roomName.comments('t1'))!.doc).length === 1, 'the thread stored')

  for (const token of [ann.token, rev.token]) {
    for (const room of [roomName.workspace('t1'), roomName.meta('t1'), roomName.comments('t1')]) {
      const p = await connect(room, token)
      assert.ok(stateText(p.doc).length > 20, `${room} holds something`)
      assert.equal(secretsIn(stateText(p.doc)), [], `${room} names no import id, model or metadata`)
    }
  }
  const open = await connect(roomName.workspace('t2'), fx.leadToken)
  assert.equal([...getWorkspace(open.doc).ratings.keys()].sort(), ['a', 'b', 'c'], 'the open-label task keys import ids')
  assert.equal(secretsIn(stateText(work.doc)), [], 'the annotator wrote room ids only')
  assert.ok(stateText(work.doc).includes(byLabel.get('B')!.id), 'and those are in the room (the check can fail)')

  const res = await api(fx, fx.leadToken, 'POST', '/api/tasks/t1/finalize')
  assert.is(res.status, 200, JSON.stringify(res.body))
  const record = res.body
  const importOf = (label: string) => byLabel.get(label)!.import_id!
  assert.equal(record.labels, Object.fromEntries(['A', 'B', 'C'].map((l) => [importOf(l), l])), 'labels: import id → letter')
  assert.equal(record.import_ids, Object.fromEntries(['A', 'B', 'C'].map((l) => [byLabel.get(l)!.id, importOf(l)])))
  assert.equal(record.ranking, ['B', 'A', 'C'].map((l) => byLabel.get(l)!.id), 'the record keeps room ids, as the rooms do')

  const lines = async (format: string) => {
    const r = await fetch(`${fx.url}/api/export?format=${format}&batch=blind`, { headers: { authorization: `Bearer ${fx.leadToken}` } })
    assert.is(r.status, 200)
    return (await r.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l))
  }
  const [ranking] = await lines('ranking')
  assert.equal(ranking.ranking, ['B', 'A', 'C'].map(importOf), 'the ranking export names import ids')
  const dpo = await lines('dpo')
  assert.ok(dpo.length > 0)
  for (const row of dpo) assert.ok(IMPORT_IDS.includes(row.chosen_id) && IMPORT_IDS.includes(row.rejected_id), JSON.stringify(row))
  assert.equal([dpo[0].chosen_id], [importOf('B')])
  const [native] = await lines('native')
  assert.equal(native.labels, record.labels, 'the native record carries the labels and the map')
  assert.equal(native.import_ids, record.import_ids)
  assert.equal(recordWithImportIds(native).ranking, ranking.ranking)
  assert.equal(recordWithImportIds(native).threads[0].anchor.candidate, importOf('B'), 'anchors map back too')
})

flow.run()

const migrate = suite('blind tasks from before opaque ids')
let dir = ''
const running: TestServer[] = []
migrate.before.each(() => {
  dir = tempDir('codejury-blind-migrate-')
})
migrate.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  for (const s of running.splice(0)) await s.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

migrate('gives unopened blind tasks opaque ids at start-up and keeps import ids where rooms already hold them', async () => {
  const s1 = await startServer({ dataDir: dir })
  running.push(s1)
  await importTasks(s1, [secretLine('fresh'), secretLine('opened')].join('\n'), 'legacy')
  const p = connectPeer(s1.wsUrl, roomName.workspace('opened'), s1.leadToken)
  peers.push(p)
  await waitFor(() => p.provider.synced, 'sync')
  getWorkspace(p.doc).ranking.push(['sonnet-v2'])
  await waitFor(() => getWorkspace(s1.running.deps.rooms.peek(roomName.workspace('opened'))!.doc).ranking.length === 1, 'stored')
  p.destroy()
  running.splice(0)
  await s1.stop()
  // A blind batch as it was stored before this server: its tasks' rooms keyed by import ids.
  const file = path.join(dir, 'batches.json')
  const batches = JSON.parse(fs.readFileSync(file, 'utf8'))
  batches.batches[0].blind = true
  fs.writeFileSync(file, JSON.stringify(batches))

  const s2 = await startServer({ dataDir: dir })
  running.push(s2)
  const ann = await createUser(s2, 'Ann', 'annotator')
  await assign(s2, 'fresh', [ann.id])
  const fresh = (await api(s2, ann.token, 'GET', '/api/tasks/fresh')).body
  assert.ok(fresh.candidates.every((c: Shown) => /^c_/.test(c.id)), 'an unopened task gets opaque ids')
  assert.equal(secretsIn(JSON.stringify(fresh)), [])
  const opened = (await api(s2, s2.leadToken, 'GET', '/api/tasks/opened')).body
  assert.equal(opened.candidates.map((c: Shown) => [c.id === c.import_id, c.label]), [[true, 'A'], [true, 'B'], [true, 'C']], 'an opened task keeps its import ids as room ids')
  const q = connectPeer(s2.wsUrl, roomName.workspace('opened'), s2.leadToken)
  peers.push(q)
  await waitFor(() => q.provider.synced, 'sync after restart')
  assert.equal(getWorkspace(q.doc).ranking.toArray(), ['sonnet-v2'], 'its work still reads')
  // Decided once: a second start changes nothing.
  running.splice(0)
  q.destroy()
  await s2.stop()
  const s3 = await startServer({ dataDir: dir })
  running.push(s3)
  const again = (await api(s3, s3.leadToken, 'GET', '/api/tasks/fresh')).body
  assert.equal(again.candidates.map((c: Shown) => c.id), fresh.candidates.map((c: Shown) => c.id))
})

migrate.run()
