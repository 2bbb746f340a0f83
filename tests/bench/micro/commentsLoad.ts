/**
 * Where a page's load of a 5,000-thread comments room goes, outside the browser: Yjs applying the
 * room's state (what the sync step 2 costs), then our reading every thread (what the comments
 * store did on each update of the room), then one more reply applied and read again, whole and
 * through threadReader (re-reading only the thread the reply touched).
 * Run: node --import tsx tests/bench/micro/commentsLoad.ts  (N threads, ROUNDS repeats)
 */
import * as Y from 'yjs'
import { CommentKey, readThreads, ThreadKey, threadReader } from '../../../shared/comments'
import { getThreads } from '../../../shared/schema'

const N = Number(process.env.N ?? 5_000)
const ROUNDS = Number(process.env.ROUNDS ?? 7)

const source = new Y.Doc()
source.transact(() => {
  for (let i = 0; i < N; i++) {
    const thread = new Y.Map<unknown>()
    for (const [k, v] of [[ThreadKey.id, `th${i}`], [ThreadKey.anchor, { kind: 'task' }], [ThreadKey.quote, ''],
      [ThreadKey.author, 'u1'], [ThreadKey.createdAt, '2026-12-01T00:00:00.000Z'], [ThreadKey.resolved, false]] as const) {
      thread.set(k, v)
    }
    const comment = new Y.Map<unknown>()
    for (const [k, v] of [[CommentKey.id, `c${i}`], [CommentKey.author, 'u1'], [CommentKey.body, `flood ${i}`], [CommentKey.createdAt, '2026-12-01T00:00:00.000Z']]) comment.set(k, v)
    const comments = new Y.Array<Y.Map<unknown>>()
    comments.push([comment])
    thread.set(ThreadKey.comments, comments)
    getThreads(source).push([thread])
  }
})
const state = Y.encodeStateAsUpdate(source)
console.log(`${N} threads, ${(state.length / 1024).toFixed(0)} KiB of state`)

const rows: Record<string, number[]> = { apply: [], readThreads: [], replyApply: [], replyRead: [], replyReadCached: [] }
for (let r = 0; r < ROUNDS; r++) {
  const doc = new Y.Doc()
  const reader = threadReader(doc)
  let t = performance.now()
  Y.applyUpdate(doc, state)
  rows.apply.push(performance.now() - t)
  t = performance.now()
  readThreads(doc)
  rows.readThreads.push(performance.now() - t)
  reader.read()
  const before = Y.encodeStateVector(doc)
  const last = getThreads(source).get(N - 1) as Y.Map<unknown>
  const reply = new Y.Map<unknown>()
  reply.set(CommentKey.id, `r${r}`)
  reply.set(CommentKey.body, 'reply')
  ;(last.get(ThreadKey.comments) as Y.Array<Y.Map<unknown>>).push([reply])
  const delta = Y.encodeStateAsUpdate(source, before)
  t = performance.now()
  Y.applyUpdate(doc, delta)
  rows.replyApply.push(performance.now() - t)
  t = performance.now()
  readThreads(doc)
  rows.replyRead.push(performance.now() - t)
  t = performance.now()
  const views = reader.read()
  rows.replyReadCached.push(performance.now() - t)
  if (views[N - 1].comments.length !== 2 + r) throw new Error('the cached reader missed the reply')
  reader.destroy()
}
for (const [name, ms] of Object.entries(rows)) {
  const sorted = [...ms].sort((a, b) => a - b)
  console.log(`${name.padEnd(12)} median ${sorted[sorted.length >> 1].toFixed(1)} ms, range ${sorted[0].toFixed(1)}–${sorted.at(-1)!.toFixed(1)} ms`)
}
