import { suite } from 'uvu'
import { onPermissionDenied } from '../client/sync/permissionDenied'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import {
  createThread,
  findThreadMap,
  mentionsIn,
  readThreads,
  replyToThread,
  setThreadResolved,
  ThreadKey,
} from '../shared/comments'
import { createTextAnchor } from '../shared/anchors'
import { getThreads, getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { parseThreadsEvent } from '../client/stores/queue'

const test = suite('comments')
const UI = { source: 'ui' }
let server: TestServer | null = null
let peers: Peer[] = []
let docs: Y.Doc[] = []
let aborts: AbortController[] = []

test.after.each(async () => {
  for (const a of aborts) a.abort()
  for (const p of peers) p.destroy()
  for (const d of docs) d.destroy()
  aborts = []
  peers = []
  docs = []
  await server?.stop()
  server = null
})

const newDoc = () => {
  const d = new Y.Doc()
  docs.push(d)
  return d
}

test('starts a thread with its first comment, then replies, resolves and reopens it', () => {
  const doc = newDoc()
  const origins: unknown[] = []
  doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin))
  const id = createThread(doc, { anchor: { kind: 'task' }, quote: '', author: 'u1', body: '  Looks **off**  ' }, UI)
  let [t] = readThreads(doc)
  assert.is(t.id, id)
  assert.is(t.resolved, false)
  assert.equal(t.anchor, { kind: 'task' })
  assert.equal(t.comments.map((c) => [c.author, c.body]), [['u1', 'Looks **off**']])
  assert.ok(replyToThread(doc, id, { author: 'u2', body: 'Fixed' }, UI))
  assert.ok(setThreadResolved(doc, id, true, UI))
  t = readThreads(doc)[0]
  assert.is(t.resolved, true)
  assert.equal(t.comments.map((c) => c.author), ['u1', 'u2'])
  assert.ok(setThreadResolved(doc, id, false, UI))
  assert.is(readThreads(doc)[0].resolved, false)
  assert.ok(origins.every((o) => o === UI), 'every write carries the given origin')
  assert.is(setThreadResolved(doc, 'nope', true, UI), false)
  assert.is(replyToThread(doc, 'nope', { author: 'u2', body: 'x' }, UI), false)
  assert.throws(() => replyToThread(doc, id, { author: 'u2', body: '   ' }, UI), RangeError)
  assert.throws(() => replyToThread(doc, id, { author: 'u2', body: 'x'.repeat(10_001) }, UI), RangeError)
})

test('keeps the quote of a text anchor and cuts a very long one', () => {
  const doc = newDoc()
  getWorkspace(doc).explanation.insert(0, 'abc def')
  const anchor = createTextAnchor(getWorkspace(doc).explanation, 4, 7)
  createThread(doc, { anchor, quote: 'def', author: 'u1', body: 'why?' }, UI)
  createThread(doc, { anchor, quote: 'q'.repeat(2_000), author: 'u1', body: 'long' }, UI)
  const [a, b] = readThreads(doc)
  assert.is(a.quote, 'def')
  assert.equal(a.anchor, anchor)
  assert.is(b.quote.length, 500)
  assert.ok(b.quote.endsWith('…'))
})

test('reads values of the wrong type in threads as absent and never throws', () => {
  const doc = newDoc()
  const good = createThread(doc, { anchor: { kind: 'task' }, quote: '', author: 'u1', body: 'ok' }, UI)
  doc.transact(() => {
    const threads = getThreads(doc) as unknown as Y.Array<unknown>
    threads.push([5, 'text', null, new Y.Array()])
    const noId = new Y.Map<unknown>()
    noId.set(ThreadKey.resolved, false)
    const bad = new Y.Map<unknown>()
    bad.set(ThreadKey.id, 'bad')
    bad.set(ThreadKey.resolved, 'yes')
    bad.set(ThreadKey.anchor, { kind: 'text', field: 'explanation', start: 1, end: 2 })
    bad.set(ThreadKey.comments, 'not an array')
    const dup = new Y.Map<unknown>()
    dup.set(ThreadKey.id, good)
    threads.push([noId, bad, dup])
  })
  const threads = readThreads(doc)
  assert.equal(threads.map((t) => t.id), [good, 'bad'])
  const bad = threads[1]
  assert.is(bad.resolved, false)
  assert.is(bad.anchor, null)
  assert.equal(bad.comments, [])
  assert.is(replyToThread(doc, 'bad', { author: 'u1', body: 'x' }, UI), false)
})

test('finds @mentions of people on the task only, whole names, longest first', () => {
  const people = [
    { id: 'ada', name: 'Ada' },
    { id: 'adal', name: 'Ada Lovelace' },
    { id: 'gr', name: 'Grace' },
  ]
  assert.equal(mentionsIn('@Ada Lovelace please check', people), ['adal'])
  assert.equal(mentionsIn('cc @ada, and @GRACE.', people).sort(), ['ada', 'gr'])
  assert.equal(mentionsIn('@Adam and @Linus and mail@ example', people), [])
  assert.equal(mentionsIn('no mentions', people), [])
})

test('reads live thread counts from the event stream defensively', () => {
  assert.equal(parseThreadsEvent('{"taskId":"t1","threads":{"unresolved":2,"mentions":1}}'), {
    taskId: 't1',
    threads: { unresolved: 2, mentions: 1 },
  })
  for (const bad of ['', 'null', '{"taskId":1}', '{"taskId":"t","threads":{"unresolved":"2","mentions":0}}']) {
    assert.is(parseThreadsEvent(bad), null, bad)
  }
})

async function taskWithPeople(s: TestServer) {
  await importTasks(s, taskLine('t1'))
  const ann = await createUser(s, 'Ann Lee', 'annotator')
  const bob = await createUser(s, 'Bob', 'annotator')
  const rev = await createUser(s, 'Rita', 'reviewer')
  await assign(s, 't1', [ann.id, bob.id])
  return { ann, bob, rev }
}

test('lets a reviewer comment while the reviewer\'s workspace edits are dropped', async () => {
  server = await startServer()
  const { rev } = await taskWithPeople(server)
  const revComments = connectPeer(server.wsUrl, roomName.comments('t1'), rev.token)
  const leadComments = connectPeer(server.wsUrl, roomName.comments('t1'), server.leadToken)
  const revWs = connectPeer(server.wsUrl, roomName.workspace('t1'), rev.token)
  const leadWs = connectPeer(server.wsUrl, roomName.workspace('t1'), server.leadToken)
  peers = [revComments, leadComments, revWs, leadWs]
  await waitFor(() => peers.every((p) => p.provider.synced), 'every peer to sync')
  createThread(revComments.doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: 'Candidate b subtracts.' }, UI)
  await waitFor(() => readThreads(leadComments.doc).length === 1, 'the reviewer\'s thread to reach the lead')
  getWorkspace(revWs.doc).explanation.insert(0, 'REVIEWER WAS HERE')
  getWorkspace(leadWs.doc).explanation.insert(0, 'lead text')
  // Positive control: the lead's edit reaches the reviewer, and the reviewer's never reaches the lead.
  await waitFor(() => getWorkspace(revWs.doc).explanation.toString().includes('lead text'), 'the lead\'s edit to reach the reviewer')
  assert.is(getWorkspace(leadWs.doc).explanation.toString(), 'lead text')
})

test('sets a new thread\'s forged author back to its writer, and refuses rewriting an author later', async () => {
  server = await startServer()
  const { ann, bob } = await taskWithPeople(server)
  const forger = connectPeer(server.wsUrl, roomName.comments('t1'), ann.token)
  const reader = connectPeer(server.wsUrl, roomName.comments('t1'), bob.token)
  peers = [forger, reader]
  await waitFor(() => peers.every((p) => p.provider.synced), 'both peers to sync')
  const honest = createThread(reader.doc, { anchor: { kind: 'task' }, quote: '', author: bob.id, body: 'mine' }, UI)
  const forged = createThread(forger.doc, { anchor: { kind: 'task' }, quote: '', author: 'lead', body: 'from the lead, honest' }, UI)
  const authors = (doc: Y.Doc) => readThreads(doc).map((t) => [t.id, t.author, t.comments[0]?.author])
  await waitFor(
    () => JSON.stringify(authors(reader.doc)) === JSON.stringify([[honest, bob.id, bob.id], [forged, ann.id, ann.id]]) ||
      JSON.stringify(authors(reader.doc)) === JSON.stringify([[forged, ann.id, ann.id], [honest, bob.id, bob.id]]),
    'the forged author to be set back to the writer, the honest one kept',
  )
  // Rewriting someone else's authorship later is refused whole: the room and the reader keep Bob.
  const denied: string[] = []
  onPermissionDenied(forger.provider, (reason) => denied.push(reason))
  forger.doc.transact(() => findThreadMap(forger.doc, honest)!.set(ThreadKey.author, ann.id), UI)
  await waitFor(() => denied.length === 1, 'the edit of the author to be refused')
  assert.match(denied[0], /author cannot change/)
  assert.is(findThreadMap(reader.doc, honest)?.get(ThreadKey.author), bob.id)
  assert.is(findThreadMap(server.running.deps.rooms.peek(roomName.comments('t1'))!.doc, honest)?.get(ThreadKey.author), bob.id)
})

async function readEvents(s: TestServer, token: string, until: RegExp): Promise<string> {
  const controller = new AbortController()
  aborts.push(controller)
  const res = await fetch(`${s.url}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal })
  const reader = res.body!.getReader()
  let text = ''
  while (!until.test(text)) {
    const { value, done } = await reader.read()
    if (done) break
    text += new TextDecoder().decode(value)
  }
  return text
}

test('counts unresolved threads and mentions in the task list and live events', async () => {
  server = await startServer()
  const { ann, bob } = await taskWithPeople(server)
  const summary = async (token: string) =>
    (await api(server!, token, 'GET', '/api/tasks')).body.tasks.find((t: any) => t.id === 't1').threads
  assert.equal(await summary(ann.token), { unresolved: 0, mentions: 0 })
  const annEvents = readEvents(server, ann.token, /event: threads\ndata: .*"unresolved":2/)
  const lead = connectPeer(server.wsUrl, roomName.comments('t1'), server.leadToken)
  peers = [lead]
  await waitFor(() => lead.provider.synced, 'the lead to sync')
  const first = createThread(lead.doc, { anchor: { kind: 'task' }, quote: '', author: 'lead', body: '@Ann Lee check the edge case' }, UI)
  createThread(lead.doc, { anchor: { kind: 'task' }, quote: '', author: 'lead', body: 'general note' }, UI)
  const events = await annEvents
  assert.match(events, /"taskId":"t1","threads":\{"unresolved":2,"mentions":1\}/)
  assert.equal(await summary(ann.token), { unresolved: 2, mentions: 1 })
  assert.equal(await summary(bob.token), { unresolved: 2, mentions: 0 })
  setThreadResolved(lead.doc, first, true, UI)
  await waitFor(async () => (await summary(ann.token)).unresolved === 1, 'the resolved thread to leave the count')
  assert.equal(await summary(ann.token), { unresolved: 1, mentions: 0 })
})

test('keeps thread counts across a restart', async () => {
  server = await startServer()
  const dataDir = server.dataDir
  const { ann } = await taskWithPeople(server)
  const lead = connectPeer(server.wsUrl, roomName.comments('t1'), server.leadToken)
  peers = [lead]
  await waitFor(() => lead.provider.synced, 'the lead to sync')
  createThread(lead.doc, { anchor: { kind: 'task' }, quote: '', author: 'lead', body: 'hi @ann lee' }, UI)
  const count = async () => (await api(server!, ann.token, 'GET', '/api/tasks')).body.tasks[0].threads
  await waitFor(async () => (await count()).unresolved === 1, 'the count to reach the list')
  lead.destroy()
  peers = []
  await server.running.stop()
  server = await startServer({ dataDir })
  assert.equal(await count(), { unresolved: 1, mentions: 1 })
  const fs = await import('node:fs')
  server.stop = ((stop) => async () => {
    await stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })(server.stop)
})

test('lists the people on a task for anyone who sees it, and no one else', async () => {
  server = await startServer()
  const { ann } = await taskWithPeople(server)
  const outsider = await createUser(server, 'Zed', 'annotator')
  const res = await api(server, ann.token, 'GET', '/api/tasks/t1/people')
  assert.is(res.status, 200)
  assert.equal(res.body.people.map((p: any) => p.name).sort(), ['Ann Lee', 'Bob', 'Lead', 'Rita'].sort())
  assert.is((await api(server, outsider.token, 'GET', '/api/tasks/t1/people')).status, 404)
})

test.run()
