/** Finalize names unresolved threads compactly: a few get a reason each, thousands are one line. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { CommentKey, ThreadKey } from '../shared/comments'
import { getThreads } from '../shared/schema'
import { roomName } from '../shared/roomNames'
import { finalizeReasons, LISTED_THREADS } from '../shared/workflow'
import { serverPerTest } from './helpers/perTest'
import { act, completeWorkspace, reviewTask, syncedPeer } from './helpers/review'

const test = suite('finalize and many threads')
const fx = serverPerTest(test)

const base = { candidates: [], criteria: [], ranking: [], ratings: {}, explanation: 'e', solution: 's', tests: 't' }

/** `n` open threads with one comment each, written directly (ids made here, not by uuid). */
function seedThreads(doc: Y.Doc, n: number): void {
  for (let i = 0; i < n; i++) {
    const thread = new Y.Map<unknown>()
    for (const [k, v] of [[ThreadKey.id, `th${i}`], [ThreadKey.anchor, { kind: 'task' }], [ThreadKey.quote, `line ${i}`],
      [ThreadKey.author, 'someone'], [ThreadKey.createdAt, '2026-12-01T00:00:00.000Z'], [ThreadKey.resolved, false]] as const) {
      thread.set(k, v)
    }
    const comment = new Y.Map<unknown>()
    comment.set(CommentKey.id, `c${i}`)
    comment.set(CommentKey.author, 'someone')
    comment.set(CommentKey.body, `note ${i}`)
    const comments = new Y.Array<Y.Map<unknown>>()
    comments.push([comment])
    thread.set(ThreadKey.comments, comments)
    getThreads(doc).push([thread])
  }
}

test('gives each of a few unresolved threads its own reason, and many one reason with the count and the first few', () => {
  const few = Array.from({ length: LISTED_THREADS }, (_, i) => ({ id: `t${i}`, resolved: false, quote: `q${i}` }))
  assert.equal(finalizeReasons({ ...base, threads: few }).map((r) => r.target), ['thread:t0', 'thread:t1', 'thread:t2'])
  const many = Array.from({ length: 5_000 }, (_, i) => ({ id: `t${i}`, resolved: i % 2 === 1, quote: i === 0 ? '' : `quote ${i}` }))
  const reasons = finalizeReasons({ ...base, threads: many })
  assert.is(reasons.length, 1)
  assert.is(reasons[0].target, 'thread:t0')
  assert.is(reasons[0].message, '2500 comment threads are unresolved, among them one on the whole task, “quote 2”, “quote 4” and 2497 more')
})

test('answers a finalize blocked by 2,000 unresolved threads with one short reason', async () => {
  const { id } = await reviewTask(fx.server)
  const peer = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, peer, id)
  await fx.server.running.deps.rooms.transact(roomName.comments(id), (doc) => seedThreads(doc, 2_000))
  const refused = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(refused.status, 409)
  assert.equal(refused.body.reasons.map((r: { code: string }) => r.code), ['unresolved_thread'])
  assert.match(refused.body.reasons[0].message, /^2000 comment threads are unresolved, among them “line 0”, “line 1”, “line 2” and 1997 more$/)
  assert.ok(JSON.stringify(refused.body).length < 1_000, 'the answer stays small')
})

test.run()
