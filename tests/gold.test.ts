/** Gold tasks over a real server: validation, from_record, unmarking, no trace for annotators or reviewers, exports, a full disk. */
import fs from 'node:fs'
import path from 'node:path'
import * as Y from 'yjs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { getMeta, getThreads, getWorkspace } from '../shared/schema'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import type { Peer } from './helpers/peer'
import { act, completeWorkspace, syncedPeer } from './helpers/review'
import { fill, mountTmpfs, unmountTmpfs } from './helpers/tmpfs'
import { waitFor } from './helpers/waitFor'

const test = suite('gold tasks')
let server: TestServer
let peers: Peer[] = []
let aborts: AbortController[] = []
let mnt = ''

test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  for (const a of aborts) a.abort()
  aborts = []
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
  if (mnt) {
    unmountTmpfs(mnt)
    mnt = ''
  }
})

const lead = () => server.leadToken
const gold = (id: string, body?: unknown, token = lead(), method = 'POST') => api(server, token, method, `/api/tasks/${id}/gold`, body)

async function finalize(id: string, ranking = ['c', 'a', 'b']) {
  const peer = await syncedPeer(server, roomName.workspace(id), lead(), peers)
  await completeWorkspace(server, peer, id, { ranking })
  const res = await act(server, lead(), id, 'finalize')
  assert.is(res.status, 200, JSON.stringify(res.body))
  peer.destroy()
}

test('marks a task as gold with a permutation of its candidates and refuses anything else with a 400 naming the problem', async () => {
  await importTasks(server, taskLine('t1'))
  const bad: [unknown, RegExp][] = [
    [{ ranking: ['a', 'b'] }, /missing: c/],
    [{ ranking: ['a', 'b', 'b'] }, /twice/],
    [{ ranking: ['a', 'b', 'zz'] }, /"zz".*not a candidate/],
    [{ ranking: [] }, /must not be empty/],
    [{ ranking: 'a,b,c' }, /array/],
    [{ ranking: ['a', 'b', 3] }, /string/],
    [{ ranking: ['a', 'b', 'c'], extra: 1 }, /extra/],
    [{ from_record: false }, /from_record must be true/],
    [{}, /"ranking".*"from_record"/],
    [[], /"ranking".*"from_record"/],
    [{ ranking: Array.from({ length: 30 }, (_, i) => `x${i}`) }, /at most 26/],
  ]
  for (const [body, problem] of bad) {
    const res = await gold('t1', body)
    assert.is(res.status, 400, JSON.stringify(body))
    assert.match(res.body.error, problem, JSON.stringify(body))
  }
  assert.is((await gold('t1', 'not json', lead())).status, 400, 'a body that is not JSON')
  assert.is((await api(server, lead(), 'POST', '/api/tasks/t1/gold', '{"ranking":["a","b","c"]}', 'text/plain')).status, 415)
  assert.equal((await gold('t1', undefined, lead(), 'GET')).body.gold, null, 'nothing was stored by a refusal')
  assert.is((await gold('nope', { ranking: ['a', 'b', 'c'] })).status, 404, 'an unknown task')

  const ok = await gold('t1', { ranking: ['b', 'c', 'a'] })
  assert.is(ok.status, 200, JSON.stringify(ok.body))
  const read = await gold('t1', undefined, lead(), 'GET')
  assert.equal(read.body.gold.ranking, ['b', 'c', 'a'])
  assert.is(read.body.gold.source, 'ranking')
  assert.is(read.body.gold.by_name, 'Lead')
})

test('only the lead reads, marks and unmarks gold', async () => {
  await importTasks(server, taskLine('t1'))
  const ann = await createUser(server, 'Ann', 'annotator')
  const rev = await createUser(server, 'Rae', 'reviewer')
  await assign(server, 't1', [ann.id])
  for (const token of [ann.token, rev.token]) {
    assert.is((await gold('t1', { ranking: ['a', 'b', 'c'] }, token)).status, 403)
    assert.is((await gold('t1', undefined, token, 'GET')).status, 403)
    assert.is((await gold('t1', undefined, token, 'DELETE')).status, 403)
  }
  assert.is((await gold('t1', { ranking: ['a', 'b', 'c'] }, null as unknown as string)).status, 401)
  assert.is((await gold('t1', { ranking: ['a', 'b', 'c'] })).status, 200, 'positive control: the lead')
})

test('takes the ranking of the latest finalized record with from_record, and answers 409 before the task is finalized', async () => {
  await importTasks(server, taskLine('t1'))
  const early = await gold('t1', { from_record: true })
  assert.is(early.status, 409)
  assert.match(early.body.error, /not finalized/)
  assert.equal((await gold('t1', undefined, lead(), 'GET')).body.gold, null)
  await finalize('t1', ['c', 'a', 'b'])
  const res = await gold('t1', { from_record: true })
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.equal(res.body.gold.ranking, ['c', 'a', 'b'])
  assert.is(res.body.gold.source, 'record')
  assert.is(res.body.gold.revision, (await api(server, lead(), 'GET', '/api/tasks/t1')).body.revision)
})

test('unmarks a gold task, which stays unmarked after a restart, and unmarking again changes nothing', async () => {
  await importTasks(server, [taskLine('t1'), taskLine('t2')].join('\n'))
  assert.is((await gold('t1', { ranking: ['a', 'b', 'c'] })).status, 200)
  assert.is((await gold('t2', { ranking: ['c', 'b', 'a'] })).status, 200)
  const del = await gold('t1', undefined, lead(), 'DELETE')
  assert.is(del.status, 200)
  assert.is(del.body.was_gold, true)
  assert.is((await gold('t1', undefined, lead(), 'DELETE')).body.was_gold, false)
  assert.is((await gold('nope', undefined, lead(), 'DELETE')).status, 404)
  const dataDir = server.dataDir
  await server.running.stop()
  const again = await startServer({ dataDir })
  const old = server
  server = again
  try {
    assert.equal((await gold('t1', undefined, lead(), 'GET')).body.gold, null, 'unmarked survives the restart')
    assert.equal((await gold('t2', undefined, lead(), 'GET')).body.gold.ranking, ['c', 'b', 'a'], 'positive control: the other stays gold')
  } finally {
    await again.stop()
    server = old
    server.stop = async () => fs.rmSync(dataDir, { recursive: true, force: true })
  }
  const audit = fs.readdirSync(path.join(dataDir, 'audit')).map((f) => fs.readFileSync(path.join(dataDir, 'audit', f), 'utf8')).join('')
  const actions = audit.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.action.includes('gold'))
  assert.equal(actions.map((e) => [e.action, e.task, e.by_name]), [
    ['mark_gold', 't1', 'Lead'],
    ['mark_gold', 't2', 'Lead'],
    ['unmark_gold', 't1', 'Lead'],
  ], 'the audit log says who marked what')
})

test('task ids like __proto__ and constructor are data: marked, read, exported around and reloaded like any other', async () => {
  await importTasks(server, [taskLine('__proto__'), taskLine('constructor'), taskLine('plain')].join('\n'))
  assert.is((await gold('__proto__', { ranking: ['b', 'a', 'c'] })).status, 200)
  assert.is((await gold('constructor', { ranking: ['c', 'a', 'b'] })).status, 200)
  assert.equal((await gold('plain', undefined, lead(), 'GET')).body.gold, null, 'positive control: an unmarked task')
  const quality = await api(server, lead(), 'GET', '/api/quality?batch=test')
  assert.is(quality.status, 200)
  assert.is(quality.body.gold_tasks, 2)
  const dataDir = server.dataDir
  await server.running.stop()
  const again = await startServer({ dataDir })
  try {
    const read = (id: string) => api(again, again.leadToken, 'GET', `/api/tasks/${id}/gold`)
    assert.equal((await read('__proto__')).body.gold.ranking, ['b', 'a', 'c'])
    assert.equal((await read('constructor')).body.gold.ranking, ['c', 'a', 'b'])
    assert.equal((await read('plain')).body.gold, null)
  } finally {
    await again.stop()
    server.stop = async () => fs.rmSync(dataDir, { recursive: true, force: true })
  }
})

test('accepts import ids in a blind batch and keeps the rooms\u2019 opaque ids', async () => {
  await importTasks(server, taskLine('t1'), 'blind', true)
  const detail = await api(server, lead(), 'GET', '/api/tasks/t1')
  const roomIds: Record<string, string> = Object.fromEntries(detail.body.candidates.map((c: { id: string; import_id: string }) => [c.import_id, c.id]))
  assert.ok(Object.values(roomIds).every((id) => id.startsWith('c_')), 'the batch uses opaque ids')
  const res = await gold('t1', { ranking: ['b', 'c', 'a'] })
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.equal(res.body.gold.ranking, [roomIds.b, roomIds.c, roomIds.a])
  assert.equal(res.body.gold.import_ranking, ['b', 'c', 'a'])
  const byRoom = await gold('t1', { ranking: [roomIds.a, roomIds.b, roomIds.c] })
  assert.equal(byRoom.body.gold.import_ranking, ['a', 'b', 'c'], 'positive control: room ids are taken as they are')
})

/** Reads an SSE stream until `until` matches what it received. */
async function readEvents(token: string) {
  const controller = new AbortController()
  aborts.push(controller)
  const res = await fetch(`${server.url}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal })
  const reader = res.body!.getReader()
  let text = ''
  return {
    get text() {
      return text
    },
    async until(re: RegExp) {
      while (!re.test(text)) {
        const { value, done } = await reader.read()
        if (done) break
        text += new TextDecoder().decode(value)
      }
    },
  }
}

/** Every root of the meta, workspace and comments rooms (the roots are made by reading them). */
const roomsJson = (docs: Y.Doc[]) =>
  JSON.stringify(
    docs.map((d) => {
      getMeta(d)
      getWorkspace(d)
      getThreads(d)
      return Object.fromEntries([...d.share.keys()].sort().map((k) => [k, d.get(k).toJSON()]))
    }),
  )

test('an annotator and a reviewer see no trace of gold in task detail, the task list, events or rooms, while the lead reads it', async () => {
  await importTasks(server, [taskLine('t1'), taskLine('t2')].join('\n'))
  const ann = await createUser(server, 'Ann', 'annotator')
  const rev = await createUser(server, 'Rae', 'reviewer')
  await assign(server, 't1', [ann.id])
  await assign(server, 't2', [ann.id])
  const views = async (token: string) =>
    JSON.stringify([
      (await api(server, token, 'GET', '/api/tasks/t1')).body,
      (await api(server, token, 'GET', '/api/tasks')).body,
    ])
  const annRooms = [
    await syncedPeer(server, roomName.meta('t1'), ann.token, peers),
    await syncedPeer(server, roomName.workspace('t1'), ann.token, peers),
    await syncedPeer(server, roomName.comments('t1'), ann.token, peers),
  ]
  const revRooms = [await syncedPeer(server, roomName.meta('t1'), rev.token, peers), await syncedPeer(server, roomName.workspace('t1'), rev.token, peers)]
  // The annotator's first edit starts the task; settled before the views are taken.
  const explanation = getWorkspace(annRooms[1].doc).explanation
  explanation.insert(0, 'x')
  explanation.delete(0, 1)
  const settled = (body: any) => body.tasks?.find((t: any) => t.id === 't1')?.progress?.explanationWords === 0 && body.tasks.find((t: any) => t.id === 't1').status === 'in_progress'
  await waitFor(async () => settled((await api(server, ann.token, 'GET', '/api/tasks')).body), 't1 to be in progress with its progress saved')
  const before = { ann: await views(ann.token), rev: await views(rev.token), annRooms: roomsJson(annRooms.map((p) => p.doc)), revRooms: roomsJson(revRooms.map((p) => p.doc)) }
  assert.match(before.annRooms, /"status":"in_progress"/, 'the rooms were read (meta holds the status)')
  assert.match(before.revRooms, /def test_add/, 'the rooms were read (the workspace holds the tests)')
  const annEvents = await readEvents(ann.token)
  const revEvents = await readEvents(rev.token)

  assert.is((await gold('t1', { ranking: ['c', 'b', 'a'] })).status, 200)
  // Something everyone is told about after the mark: the annotator's edit moves t1's progress.
  explanation.insert(0, 'one two three')
  const progressed = /event: progress\ndata: [^\n]*"explanationWords":3/
  await annEvents.until(progressed)
  await revEvents.until(progressed)
  assert.match(annEvents.text, progressed)
  assert.match(revEvents.text, progressed)
  assert.not.match(annEvents.text, /gold/i)
  assert.not.match(revEvents.text, /gold/i)
  explanation.delete(0, 'one two three'.length)
  await waitFor(() => getWorkspace(revRooms[1].doc).explanation.length === 0, 'the edit to be undone everywhere')
  await waitFor(async () => (await views(ann.token)) === before.ann, "the annotator's views to settle")

  const after = { ann: await views(ann.token), rev: await views(rev.token), annRooms: roomsJson(annRooms.map((p) => p.doc)), revRooms: roomsJson(revRooms.map((p) => p.doc)) }
  assert.is(after.ann, before.ann, 'the annotator sees exactly what they saw before the mark')
  assert.is(after.rev, before.rev, 'the reviewer too')
  assert.is(after.annRooms, before.annRooms, "the annotator's rooms hold nothing new")
  assert.is(after.revRooms, before.revRooms, "the reviewer's rooms hold nothing new")
  for (const text of Object.values(after)) assert.not.match(text, /gold/i)
  const leadView = await gold('t1', undefined, lead(), 'GET')
  assert.equal(leadView.body.gold.ranking, ['c', 'b', 'a'], 'positive control: the lead reads the gold ranking')
})

const ndjson = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l))

async function exported(query: string) {
  const res = await fetch(`${server.url}/api/export?${query}`, { headers: { authorization: `Bearer ${lead()}` } })
  return { status: res.status, rows: res.ok ? ndjson(await res.text()) : [] }
}

test('exports leave gold tasks out of every format unless gold=include, and the counts follow', async () => {
  await importTasks(server, [taskLine('t1'), taskLine('t2')].join('\n'))
  await finalize('t1')
  await finalize('t2')
  assert.is((await gold('t2', { from_record: true })).status, 200)
  const taskOf = (row: any) => row.task_id ?? row.metadata?.task_id ?? row.id
  for (const format of ['native', 'dpo', 'kto']) {
    const plain = await exported(`format=${format}`)
    assert.is(plain.status, 200)
    const withGold = await exported(`format=${format}&gold=include`)
    assert.ok(withGold.rows.length > plain.rows.length, `${format}: gold=include adds the gold task's rows`)
    if (format === 'native') {
      assert.equal(plain.rows.map(taskOf), ['t1'])
      assert.equal(withGold.rows.map(taskOf), ['t1', 't2'])
    }
  }
  assert.equal((await exported('format=native&gold=exclude')).rows.map(taskOf), ['t1'], 'gold=exclude is the default said out loud')
  const counts = await api(server, lead(), 'GET', '/api/export/counts')
  const countsGold = await api(server, lead(), 'GET', '/api/export/counts?gold=include')
  assert.is(counts.body.records, 1)
  assert.is(countsGold.body.records, 2)
  const bad = await api(server, lead(), 'GET', '/api/export?format=native&gold=yes')
  assert.is(bad.status, 400)
  assert.match(bad.body.error, /gold must be include or exclude/)
  assert.is((await api(server, lead(), 'GET', '/api/export/counts?gold=1')).status, 400)
})

test('answers 507 and changes nothing when the gold file finds the disk full, and marks once space is freed', async () => {
  if (!(mnt = mountTmpfs('4m') ?? '')) return
  await server.stop()
  server = await startServer({ dataDir: path.join(mnt, 'data') })
  await importTasks(server, [taskLine('t1'), taskLine('t2')].join('\n'))
  assert.is((await gold('t1', { ranking: ['a', 'b', 'c'] })).status, 200, 'positive control: marked with space')
  const file = path.join(server.dataDir, 'gold.json')
  const before = fs.readFileSync(file)
  const filler = fill(mnt)
  const refused = await gold('t2', { ranking: ['c', 'b', 'a'] })
  const unmark = await gold('t1', undefined, lead(), 'DELETE')
  fs.rmSync(filler)
  assert.is(refused.status, 507)
  assert.match(refused.body.error, /disk is full/)
  assert.is(unmark.status, 507)
  assert.equal(fs.readFileSync(file), before, 'the file is unchanged')
  assert.equal((await gold('t2', undefined, lead(), 'GET')).body.gold, null, 'memory is unchanged: t2 is not gold')
  assert.equal((await gold('t1', undefined, lead(), 'GET')).body.gold.ranking, ['a', 'b', 'c'], 't1 is still gold')
  assert.is((await gold('t2', { ranking: ['c', 'b', 'a'] })).status, 200, 'marks once space is freed')
})

test.run()
