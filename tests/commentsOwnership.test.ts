/** Comments belong to their authors: the server refuses, whole, writes to others' comments and threads. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { onPermissionDenied } from '../client/sync/permissionDenied'
import { CommentKey, createThread, findThreadMap, MAX_COMMENTS_PER_MINUTE, MAX_UNRESOLVED_THREADS, readThreads, replyToThread, setThreadResolved, ThreadKey } from '../shared/comments'
import { roomName } from '../shared/roomNames'
import { getThreads } from '../shared/schema'
import { AuditLog } from '../server/storage/audit'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { serverPerTest } from './helpers/perTest'
import { reviewTask } from './helpers/review'
import { waitFor } from './helpers/waitFor'

const test = suite('comment ownership')
const fx = serverPerTest(test)
const UI = { source: 'test' }

/** A synced stock provider on the task's comments room that records the refusals it is told. */
async function commenter(taskId: string, token: string): Promise<Peer & { denied: string[] }> {
  const p = connectPeer(fx.server.wsUrl, roomName.comments(taskId), token)
  fx.peers.push(p)
  const denied: string[] = []
  onPermissionDenied(p.provider, (reason) => denied.push(reason))
  await waitFor(() => p.provider.synced, 'the comments room to sync')
  return Object.assign(p, { denied })
}

/** The server's own copy of the comments room. */
const serverDoc = (taskId: string) => fx.server.running.deps.rooms.peek(roomName.comments(taskId))!.doc
const bodyOf = (doc: Y.Doc, threadId: string) => readThreads(doc).find((t) => t.id === threadId)?.comments[0]?.body
const resolvedOf = (doc: Y.Doc, threadId: string) => readThreads(doc).find((t) => t.id === threadId)?.resolved

/** The first comment's map of a thread, for writing to it as a stock client would. */
function firstComment(doc: Y.Doc, threadId: string): Y.Map<unknown> {
  const comments = findThreadMap(doc, threadId)!.get(ThreadKey.comments) as Y.Array<Y.Map<unknown>>
  return comments.get(0)
}

test('refuses a reviewer rewriting an annotator\'s comment body, while the annotator edits their own', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const author = await commenter(id, ann.token)
  const reviewer = await commenter(id, rev.token)
  const lead = await commenter(id, fx.server.leadToken)
  const thread = createThread(author.doc, { anchor: { kind: 'task' }, quote: '', author: ann.id, body: 'b fails on negatives' }, UI)
  await waitFor(() => bodyOf(reviewer.doc, thread) === 'b fails on negatives', 'the reviewer to see the comment')
  firstComment(reviewer.doc, thread).set(CommentKey.body, 'b is perfect')
  await waitFor(() => reviewer.denied.length === 1, 'the reviewer to be told the edit was refused')
  assert.match(reviewer.denied[0], /^refused: only its author edits a comment/)
  assert.is(bodyOf(serverDoc(id), thread), 'b fails on negatives', 'the room keeps the author\'s words')
  // Control: the author edits their own body, and the lead sees it.
  firstComment(author.doc, thread).set(CommentKey.body, 'b fails on negative numbers')
  await waitFor(() => bodyOf(lead.doc, thread) === 'b fails on negative numbers', 'the author\'s edit to reach the lead')
  assert.equal(author.denied, [])
  assert.is(bodyOf(serverDoc(id), thread), 'b fails on negative numbers')
  assert.is(readThreads(lead.doc)[0].comments[0].author, ann.id, 'the author is still the annotator')
})

test('refuses a reviewer resolving the lead\'s thread, while the lead resolves it and an assignee reopens it', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const lead = await commenter(id, fx.server.leadToken)
  const reviewer = await commenter(id, rev.token)
  const annotator = await commenter(id, ann.token)
  const thread = createThread(lead.doc, { anchor: { kind: 'task' }, quote: '', author: 'lead', body: 'blocking: tests miss empty input' }, UI)
  await waitFor(() => resolvedOf(reviewer.doc, thread) === false && resolvedOf(annotator.doc, thread) === false, 'everyone to see the thread')
  setThreadResolved(reviewer.doc, thread, true, UI)
  await waitFor(() => reviewer.denied.length === 1, 'the reviewer to be told the resolve was refused')
  assert.match(reviewer.denied[0], /only the thread’s author, the lead or an assignee resolves/)
  assert.is(resolvedOf(serverDoc(id), thread), false, 'still unresolved in the room')
  // Controls: the lead resolves their own thread; an assignee reopens it.
  setThreadResolved(lead.doc, thread, true, UI)
  await waitFor(() => resolvedOf(annotator.doc, thread) === true, 'the lead\'s resolve to reach the annotator')
  setThreadResolved(annotator.doc, thread, false, UI)
  await waitFor(() => resolvedOf(lead.doc, thread) === false, 'the assignee\'s reopen to reach the lead')
  assert.equal(lead.denied, [])
  assert.equal(annotator.denied, [])
})

test('refuses a reviewer deleting the lead\'s thread, while the lead deletes it and the audit log keeps its tombstone', async () => {
  const { id, rev } = await reviewTask(fx.server)
  const lead = await commenter(id, fx.server.leadToken)
  const reviewer = await commenter(id, rev.token)
  const thread = createThread(lead.doc, { anchor: { kind: 'task' }, quote: 'def add', author: 'lead', body: 'blocking' }, UI)
  await waitFor(() => readThreads(reviewer.doc).length === 1, 'the reviewer to see the thread')
  getThreads(reviewer.doc).delete(0, 1)
  await waitFor(() => reviewer.denied.length === 1, 'the reviewer to be told the delete was refused')
  assert.match(reviewer.denied[0], /only the thread’s author or the lead deletes a thread/)
  assert.equal(readThreads(serverDoc(id)).map((t) => t.id), [thread], 'the thread is still in the room')
  const audit = new AuditLog(fx.server.dataDir)
  assert.is(audit.read(id).filter((e) => e.action === 'delete_thread').length, 0, 'no tombstone for a refused delete')
  // Control: the lead deletes their own thread; it leaves the room and its tombstone stays.
  getThreads(lead.doc).delete(0, 1)
  await waitFor(() => readThreads(serverDoc(id)).length === 0, 'the lead\'s delete to reach the room')
  const leadId = fx.server.running.deps.db.users.find((u) => u.role === 'lead')!.id
  const tombstones = audit.read(id).filter((e) => e.action === 'delete_thread')
  assert.is(tombstones.length, 1)
  assert.is(tombstones[0].by, leadId)
  const kept = JSON.parse(tombstones[0].message!).thread
  assert.equal([kept.id, kept.author, kept.quote, kept.comments], [thread, leadId, 'def add', 1])
})

test('lets a reviewer reply to others\' threads and edit only their own reply', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const annotator = await commenter(id, ann.token)
  const reviewer = await commenter(id, rev.token)
  const thread = createThread(annotator.doc, { anchor: { kind: 'task' }, quote: '', author: ann.id, body: 'question' }, UI)
  await waitFor(() => readThreads(reviewer.doc).length === 1, 'the reviewer to see the thread')
  assert.ok(replyToThread(reviewer.doc, thread, { author: rev.id, body: 'answer' }, UI))
  await waitFor(() => readThreads(annotator.doc)[0]?.comments.length === 2, 'the reply to reach the annotator')
  const reply = (findThreadMap(reviewer.doc, thread)!.get(ThreadKey.comments) as Y.Array<Y.Map<unknown>>).get(1)
  reply.set(CommentKey.body, 'a better answer')
  await waitFor(() => readThreads(annotator.doc)[0]?.comments[1]?.body === 'a better answer', 'the reviewer\'s own edit to land')
  // The annotator may not rewrite the reviewer's reply, nor delete it.
  const theirs = (findThreadMap(annotator.doc, thread)!.get(ThreadKey.comments) as Y.Array<Y.Map<unknown>>)
  theirs.delete(1, 1)
  await waitFor(() => annotator.denied.length === 1, 'the delete of someone else\'s reply to be refused')
  assert.match(annotator.denied[0], /only its author or the lead deletes a comment/)
  assert.is(readThreads(serverDoc(id))[0].comments.length, 2)
  assert.equal(reviewer.denied, [])
})

test('refuses a comment body over 10,000 characters, while a normal comment posts', async () => {
  const { id, rev } = await reviewTask(fx.server)
  const reviewer = await commenter(id, rev.token)
  const lead = await commenter(id, fx.server.leadToken)
  const thread = createThread(reviewer.doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: 'normal' }, UI)
  await waitFor(() => readThreads(lead.doc).length === 1, 'the normal comment to reach the lead')
  // Past the client's own check: a stock client writes the map itself.
  const comments = findThreadMap(reviewer.doc, thread)!.get(ThreadKey.comments) as Y.Array<Y.Map<unknown>>
  reviewer.doc.transact(() => {
    const big = new Y.Map<unknown>()
    big.set(CommentKey.id, 'big')
    big.set(CommentKey.author, rev.id)
    big.set(CommentKey.body, 'x'.repeat(10_001))
    big.set(CommentKey.createdAt, new Date().toISOString())
    comments.push([big])
  })
  await waitFor(() => reviewer.denied.length === 1, 'the oversized comment to be refused')
  assert.match(reviewer.denied[0], /a comment is at most 10,000 characters \(this one has 10,001\)/)
  assert.is(readThreads(serverDoc(id))[0].comments.length, 1)
  // A fresh client (the refused one's clocks now have a gap) posts a reply of exactly 10,000.
  const again = await commenter(id, rev.token)
  assert.ok(replyToThread(again.doc, thread, { author: rev.id, body: 'y'.repeat(10_000) }, UI))
  await waitFor(() => readThreads(lead.doc)[0]?.comments.length === 2, 'the 10,000-character reply to reach the lead')
})

test('refuses a person\'s 201st unresolved thread, and takes a new one once one is resolved', async () => {
  const { id, rev } = await reviewTask(fx.server)
  // 200 open threads of the reviewer's, written as the server (the rate would take minutes by hand).
  await fx.server.running.deps.rooms.transact(roomName.comments(id), (doc) => {
    for (let i = 0; i < MAX_UNRESOLVED_THREADS; i++) {
      createThread(doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: `note ${i}` }, null)
    }
  })
  const reviewer = await commenter(id, rev.token)
  const lead = await commenter(id, fx.server.leadToken)
  createThread(reviewer.doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: 'one more' }, UI)
  await waitFor(() => reviewer.denied.length === 1, 'the 201st thread to be refused')
  assert.match(reviewer.denied[0], /you have 200 unresolved threads on this task, and 200 is the most/)
  assert.is(readThreads(serverDoc(id)).length, 200)
  // Control: the lead still starts threads; once the reviewer resolves one, theirs is taken.
  createThread(lead.doc, { anchor: { kind: 'task' }, quote: '', author: 'lead', body: 'lead note' }, UI)
  await waitFor(() => readThreads(serverDoc(id)).length === 201, 'the lead\'s thread')
  const fresh = await commenter(id, rev.token)
  setThreadResolved(fresh.doc, readThreads(fresh.doc)[0].id, true, UI)
  createThread(fresh.doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: 'one more' }, UI)
  await waitFor(() => readThreads(serverDoc(id)).length === 202, 'the reviewer\'s thread after resolving one')
  assert.equal(fresh.denied, [])
})

test('refuses reopening a thread that would give its author a 201st unresolved one, and reopens it once another is resolved', async () => {
  const { id, rev } = await reviewTask(fx.server)
  // 200 open threads of the reviewer's and one resolved, written as the server.
  let closed = ''
  await fx.server.running.deps.rooms.transact(roomName.comments(id), (doc) => {
    for (let i = 0; i < MAX_UNRESOLVED_THREADS; i++) {
      createThread(doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: `note ${i}` }, null)
    }
    closed = createThread(doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: 'closed' }, null)
    setThreadResolved(doc, closed, true, null)
  })
  const reviewer = await commenter(id, rev.token)
  setThreadResolved(reviewer.doc, closed, false, UI)
  await waitFor(() => reviewer.denied.length === 1, 'the reopen past the limit to be refused')
  assert.match(reviewer.denied[0], /you have 200 unresolved threads on this task, and 200 is the most/)
  assert.is(resolvedOf(serverDoc(id), closed), true, 'the thread stays resolved')
  // Control: once the reviewer resolves another thread, the reopen is taken.
  const fresh = await commenter(id, rev.token)
  setThreadResolved(fresh.doc, readThreads(fresh.doc)[0].id, true, UI)
  setThreadResolved(fresh.doc, closed, false, UI)
  await waitFor(() => resolvedOf(serverDoc(id), closed) === false, 'the reopen within the limit')
  assert.equal(fresh.denied, [])
})

test('refuses starting more than 30 threads a minute, and takes the 30 before it', async () => {
  const { id, rev } = await reviewTask(fx.server)
  const reviewer = await commenter(id, rev.token)
  for (let i = 0; i < 30; i++) createThread(reviewer.doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: `n${i}` }, UI)
  await waitFor(() => readThreads(serverDoc(id)).length === 30, 'the first 30 threads')
  createThread(reviewer.doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: 'n30' }, UI)
  await waitFor(() => reviewer.denied.length === 1, 'the 31st thread to be refused')
  assert.match(reviewer.denied[0], /starting threads too fast/)
  assert.is(readThreads(serverDoc(id)).length, 30)
})

test('refuses posting more than 120 comments a minute, and takes the 120 before it', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const author = await commenter(id, ann.token)
  const thread = createThread(author.doc, { anchor: { kind: 'task' }, quote: '', author: ann.id, body: 'start' }, UI)
  const reviewer = await commenter(id, rev.token)
  await waitFor(() => readThreads(reviewer.doc).length === 1, 'the reviewer to see the thread')
  // Control: 120 replies within the minute are taken (one update).
  reviewer.doc.transact(() => {
    for (let i = 0; i < MAX_COMMENTS_PER_MINUTE; i++) replyToThread(reviewer.doc, thread, { author: rev.id, body: `r${i}` }, UI)
  })
  await waitFor(() => readThreads(serverDoc(id))[0].comments.length === 1 + MAX_COMMENTS_PER_MINUTE, 'the first 120 replies')
  replyToThread(reviewer.doc, thread, { author: rev.id, body: 'one more' }, UI)
  await waitFor(() => reviewer.denied.length === 1, 'the 121st reply to be refused')
  assert.match(reviewer.denied[0], /posting comments too fast/)
  assert.is(readThreads(serverDoc(id))[0].comments.length, 1 + MAX_COMMENTS_PER_MINUTE)
  // Another person's allowance is their own.
  assert.ok(replyToThread(author.doc, thread, { author: ann.id, body: 'the author answers' }, UI))
  await waitFor(() => readThreads(serverDoc(id))[0].comments.length === 2 + MAX_COMMENTS_PER_MINUTE, 'the author\'s reply')
})

test('refuses anything but threads in the comments room', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const a = await commenter(id, ann.token)
  a.doc.getMap('other').set('x', 1)
  await waitFor(() => a.denied.length === 1, 'a write to another root to be refused')
  assert.match(a.denied[0], /holds only threads/)
  const b = await commenter(id, ann.token)
  getThreads(b.doc).push(['not a map' as never])
  await waitFor(() => b.denied.length === 1, 'a thread that is not a map to be refused')
  const c = await commenter(id, ann.token)
  createThread(c.doc, { anchor: { kind: 'task' }, quote: '', author: ann.id, body: 'fine' }, UI)
  await waitFor(() => readThreads(serverDoc(id)).length === 1, 'control: a thread lands')
  findThreadMap(c.doc, readThreads(c.doc)[0].id)!.set('extra', 1)
  await waitFor(() => c.denied.length === 1, 'an unknown field to be refused')
  assert.match(c.denied[0], /threads have no field extra/)
})

test.run()
