/** threadReader re-reads only the threads a change touched, and reads exactly what readThreads reads. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { CommentKey, createThread, findThreadMap, readThreads, replyToThread, setThreadResolved, ThreadKey, threadReader } from '../shared/comments'
import type { ThreadView } from '../shared/comments'

test('keeps the views of untouched threads and re-reads the ones a reply, an edit, a resolve or a remote update touched', () => {
  const doc = new Y.Doc()
  const reader = threadReader(doc)
  let views: ThreadView[] = []
  const onUpdate = () => (views = reader.read())
  doc.on('update', onUpdate)
  const ids = [0, 1, 2].map((i) => createThread(doc, { anchor: { kind: 'task' }, quote: '', author: 'u1', body: `t${i}` }, null))
  const before = views
  assert.equal(views, readThreads(doc))
  replyToThread(doc, ids[1], { author: 'u2', body: 'reply' }, null)
  assert.is(views[0], before[0], 'an untouched thread keeps its view')
  assert.is(views[2], before[2])
  assert.is.not(views[1], before[1], 'the replied thread is read again')
  assert.is(views[1].comments.length, 2)
  // A comment body edited deep inside a thread.
  ;(findThreadMap(doc, ids[2])!.get(ThreadKey.comments) as Y.Array<Y.Map<unknown>>).get(0).set(CommentKey.body, 't2, edited')
  assert.is(views[2].comments[0].body, 't2, edited')
  setThreadResolved(doc, ids[0], true, null)
  assert.is(views[0].resolved, true)
  // A change from another client, applied as an update.
  const remote = new Y.Doc()
  Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc))
  replyToThread(remote, ids[0], { author: 'u3', body: 'remote reply' }, null)
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)))
  assert.is(views[0].comments[1].body, 'remote reply')
  // Deleting a comment and a thread.
  ;(findThreadMap(doc, ids[1])!.get(ThreadKey.comments) as Y.Array<unknown>).delete(1, 1)
  doc.getArray('threads').delete(2, 1)
  assert.equal(views, readThreads(doc), 'always what a whole read gives')
  assert.is(views.length, 2)
  assert.is(views[1].comments.length, 1)
  reader.destroy()
  doc.off('update', onUpdate)
})

test.run()
