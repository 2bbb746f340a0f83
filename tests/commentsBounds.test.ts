/** A comment's time is the server's to check and nobody's to rewrite; a thread holds a bounded number of comments. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { onPermissionDenied } from '../client/sync/permissionDenied'
import { CommentKey, createThread, findThreadMap, MAX_THREAD_COMMENTS, readThreads, replyToThread, ThreadKey } from '../shared/comments'
import { roomName } from '../shared/roomNames'
import { getThreads } from '../shared/schema'
import { badCreatedAt } from '../server/sync/commentRules'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { serverPerTest } from './helpers/perTest'
import { reviewTask, waitForServerDoc } from './helpers/review'
import { waitFor } from './helpers/waitFor'

const test = suite('comment bounds')
const fx = serverPerTest(test)
const UI = { source: 'test' }
const MINUTE = 60_000

/** A synced stock provider on the task's comments room that records the refusals it is told. */
async function commenter(taskId: string, token: string): Promise<Peer & { denied: string[] }> {
  const p = connectPeer(fx.server.wsUrl, roomName.comments(taskId), token)
  fx.peers.push(p)
  const denied: string[] = []
  onPermissionDenied(p.provider, (reason) => denied.push(reason))
  await waitFor(() => p.provider.synced, 'the comments room to sync')
  return Object.assign(p, { denied })
}

const serverDoc = (taskId: string) => fx.server.running.deps.rooms.peek(roomName.comments(taskId))!.doc
const iso = (ms: number) => new Date(ms).toISOString()

test('judges created_at against the server clock: two minutes either way, ISO 8601 only', () => {
  const now = Date.parse('2026-12-07T12:00:00.000Z')
  assert.is(badCreatedAt(iso(now), now), null)
  assert.is(badCreatedAt(iso(now - 2 * MINUTE), now), null)
  assert.is(badCreatedAt(iso(now + 2 * MINUTE), now), null)
  assert.match(badCreatedAt(iso(now - 2 * MINUTE - 1), now)!, /within 2 minutes/)
  assert.match(badCreatedAt(iso(now + 2 * MINUTE + 1), now)!, /within 2 minutes/)
  assert.match(badCreatedAt('2026-12-07 12:00', now)!, /must be a time/)
  assert.match(badCreatedAt(Date.now(), now)!, /must be a time/)
})

test('refuses a backdated thread and a reply from the future, while a thread and a reply written now land', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const forger = await commenter(id, ann.token)
  createThread(forger.doc, { anchor: { kind: 'task' }, quote: '', author: ann.id, body: 'I said this first', now: '2020-01-01T00:00:00.000Z' }, UI)
  await waitFor(() => forger.denied.length === 1, 'the backdated thread to be refused')
  assert.match(forger.denied[0], /^refused: created_at must be within 2 minutes of the server's clock/)
  assert.is(getThreads(serverDoc(id)).length, 0)
  // Control: a thread written now, from a fresh client (the refused one holds what was refused).
  const honest = await commenter(id, ann.token)
  const thread = createThread(honest.doc, { anchor: { kind: 'task' }, quote: '', author: ann.id, body: 'now' }, UI)
  await waitForServerDoc(fx.server, roomName.comments(id), (d) => readThreads(d).length === 1, 'the thread written now')
  replyToThread(honest.doc, thread, { author: ann.id, body: 'from the future', now: iso(Date.now() + 60 * MINUTE) }, UI)
  await waitFor(() => honest.denied.length === 1, 'the future reply to be refused')
  assert.match(honest.denied[0], /created_at must be within/)
  const again = await commenter(id, ann.token)
  replyToThread(again.doc, thread, { author: ann.id, body: 'a reply now' }, UI)
  await waitForServerDoc(fx.server, roomName.comments(id), (d) => readThreads(d)[0]?.comments.length === 2, 'the reply written now')
  assert.equal(again.denied, [])
})

test('refuses a new thread without created_at, and any later change of created_at or author, while its author still edits the body', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const a = await commenter(id, ann.token)
  a.doc.transact(() => {
    const t = new Y.Map<unknown>()
    t.set(ThreadKey.id, 'undated')
    t.set(ThreadKey.anchor, { kind: 'task' })
    t.set(ThreadKey.resolved, false)
    getThreads(a.doc).push([t])
  })
  await waitFor(() => a.denied.length === 1, 'the undated thread to be refused')
  assert.match(a.denied[0], /says when it was written/)
  const b = await commenter(id, ann.token)
  const thread = createThread(b.doc, { anchor: { kind: 'task' }, quote: '', author: ann.id, body: 'first' }, UI)
  await waitForServerDoc(fx.server, roomName.comments(id), (d) => readThreads(d).length === 1, 'the thread')
  const comment = () => (findThreadMap(b.doc, thread)!.get(ThreadKey.comments) as Y.Array<Y.Map<unknown>>).get(0)
  const rewrites: Array<[string, () => void, RegExp]> = [
    ['comment created_at', () => comment().set(CommentKey.createdAt, '2020-01-01T00:00:00.000Z'), /a comment's created_at cannot change/],
    ['thread created_at', () => findThreadMap(b.doc, thread)!.set(ThreadKey.createdAt, iso(Date.now())), /a thread's created_at cannot change/],
    ['comment author', () => comment().set(CommentKey.author, 'someone-else'), /a comment's author cannot change/],
  ]
  for (const [what, rewrite, why] of rewrites) {
    const before = b.denied.length
    rewrite()
    await waitFor(() => b.denied.length === before + 1, `the ${what} change to be refused`)
    assert.match(b.denied[before], why)
  }
  const held = readThreads(serverDoc(id))[0]
  assert.is(held.comments[0].author, ann.id)
  // Control: the author edits the body from a fresh client, and it lands.
  const c = await commenter(id, ann.token)
  ;(findThreadMap(c.doc, thread)!.get(ThreadKey.comments) as Y.Array<Y.Map<unknown>>).get(0).set(CommentKey.body, 'first, edited')
  await waitForServerDoc(fx.server, roomName.comments(id), (d) => readThreads(d)[0].comments[0].body === 'first, edited', 'the body edit')
  assert.is(readThreads(serverDoc(id))[0].createdAt, held.createdAt)
})

test(`refuses the comment past ${MAX_THREAD_COMMENTS} in one thread, while the last one that fits lands`, async () => {
  const { id, rev } = await reviewTask(fx.server)
  await fx.server.running.deps.rooms.transact(roomName.comments(id), (doc) => {
    const thread = new Y.Map<unknown>()
    for (const [k, v] of [[ThreadKey.id, 'long'], [ThreadKey.anchor, { kind: 'task' }], [ThreadKey.quote, ''],
      [ThreadKey.author, rev.id], [ThreadKey.createdAt, iso(Date.now())], [ThreadKey.resolved, false]] as const) {
      thread.set(k, v)
    }
    const comments = new Y.Array<Y.Map<unknown>>()
    for (let i = 0; i < MAX_THREAD_COMMENTS - 1; i++) {
      const c = new Y.Map<unknown>()
      for (const [k, v] of [[CommentKey.id, `c${i}`], [CommentKey.author, rev.id], [CommentKey.body, `reply ${i}`], [CommentKey.createdAt, iso(Date.now())]]) c.set(k, v)
      comments.push([c])
    }
    thread.set(ThreadKey.comments, comments)
    getThreads(doc).push([thread])
  })
  const p = await commenter(id, rev.token)
  replyToThread(p.doc, 'long', { author: rev.id, body: 'the last that fits' }, UI)
  await waitForServerDoc(fx.server, roomName.comments(id), (d) => readThreads(d)[0].comments.length === MAX_THREAD_COMMENTS, 'the last comment that fits')
  // Our writer refuses before sending; a stock client pushes the map itself.
  assert.throws(() => replyToThread(p.doc, 'long', { author: rev.id, body: 'one too many' }, UI), /at most 500 comments/)
  const extra = new Y.Map<unknown>()
  p.doc.transact(() => {
    for (const [k, v] of [[CommentKey.id, 'extra'], [CommentKey.author, rev.id], [CommentKey.body, 'one too many'], [CommentKey.createdAt, iso(Date.now())]]) extra.set(k, v)
    ;(findThreadMap(p.doc, 'long')!.get(ThreadKey.comments) as Y.Array<Y.Map<unknown>>).push([extra])
  })
  await waitFor(() => p.denied.length === 1, 'the comment past the bound to be refused')
  assert.match(p.denied[0], new RegExp(`a thread holds at most ${MAX_THREAD_COMMENTS} comments: start a new thread`))
  assert.is(readThreads(serverDoc(id))[0].comments.length, MAX_THREAD_COMMENTS)
})

test.run()
