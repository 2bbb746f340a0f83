/** Submit means done: refused with reasons while the annotator's part is incomplete; submitted work reads only for annotators. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import { createThread, readThreads } from '../shared/comments'
import { onPermissionDenied } from '../client/sync/permissionDenied'
import { waitFor } from './helpers/waitFor'
import { act, CANDIDATES, completeWorkspace, CRITERIA, reviewTask, syncedPeer, waitForServerDoc } from './helpers/review'
import { serverPerTest } from './helpers/perTest'

const test = suite('submit')
const fx = serverPerTest(test)

const status = (id: string) => fx.server.running.deps.db.task(id)?.status
const serverExplanation = (id: string) => getWorkspace(fx.server.running.deps.rooms.peek(roomName.workspace(id))!.doc).explanation.toString()

test('refuses to submit an untouched task with every reason, in finalize’s shape, and submits once the work is complete', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const refused = await act(fx.server, ann.token, id, 'submit')
  assert.is(refused.status, 409, JSON.stringify(refused.body))
  const codes = refused.body.reasons.map((r: { code: string }) => r.code)
  // (the import's seed tests are already in the workspace)
  assert.equal(codes, ['unranked', ...Array(CANDIDATES.length * CRITERIA.length).fill('unscored'), 'empty_explanation', 'empty_solution'])
  assert.ok(refused.body.reasons.every((r: any) => typeof r.message === 'string' && typeof r.target === 'string'))
  assert.is(status(id), 'open', 'a refused submit changes nothing')

  const peer = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  await completeWorkspace(fx.server, peer, id, { explanation: '   ', tests: '' })
  const blank = await act(fx.server, ann.token, id, 'submit')
  assert.equal([blank.status, blank.body.reasons.map((r: any) => r.target)], [409, ['explanation', 'tests']])

  // the control: the same annotator's complete work submits
  await completeWorkspace(fx.server, peer, id)
  const ok = await act(fx.server, ann.token, id, 'submit')
  assert.equal([ok.status, ok.body.status], [200, 'submitted'])
})

test('counts a fractional or off-scale score as missing at submit, and a whole one on the scale as given', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const peer = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  await completeWorkspace(fx.server, peer, id)
  const row = getWorkspace(peer.doc).ratings.get('a') as Y.Map<number>
  row.set('correctness', 2.5)
  row.set('efficiency', 99)
  await waitForServerDoc(fx.server, roomName.workspace(id), (d) => (getWorkspace(d).ratings.get('a') as Y.Map<number>).get('efficiency') === 99, 'the scores on the server')
  const refused = await act(fx.server, ann.token, id, 'submit')
  assert.is(refused.status, 409)
  assert.equal(refused.body.reasons.map((r: any) => r.target), ['rubric:a:correctness', 'rubric:a:efficiency'])
  row.set('correctness', 3)
  row.set('efficiency', 5)
  await waitForServerDoc(fx.server, roomName.workspace(id), (d) => (getWorkspace(d).ratings.get('a') as Y.Map<number>).get('efficiency') === 5, 'the whole scores on the server')
  assert.is((await act(fx.server, ann.token, id, 'submit')).status, 200)
})

test('makes the workspace read-only for annotators once submitted, keeps comments writable and lets the lead edit, until the lead requests changes', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const annWs = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  const annComments = await syncedPeer(fx.server, roomName.comments(id), ann.token, fx.peers)
  const leadWs = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  const denied: string[] = []
  onPermissionDenied(annWs.provider, (reason) => denied.push(reason))
  await completeWorkspace(fx.server, annWs, id)
  // the control before submitting: the annotator's edit lands
  getWorkspace(annWs.doc).explanation.insert(0, 'before. ')
  await waitFor(() => serverExplanation(id).startsWith('before. '), 'the annotator’s edit before submit')
  assert.is((await act(fx.server, ann.token, id, 'submit')).status, 200)

  await waitFor(() => denied.length > 0, 'the annotator to be told the workspace reads only')
  assert.match(denied[0], /submitted/)
  getWorkspace(annWs.doc).explanation.insert(0, 'AFTER SUBMIT ')
  // the lead's edit on the submitted task lands, and reaches the annotator's page
  getWorkspace(leadWs.doc).explanation.insert(0, 'lead. ')
  await waitFor(() => getWorkspace(annWs.doc).explanation.toString().includes('lead. '), 'the lead’s edit to reach the annotator')
  // a comment from the annotator still lands, so she can answer the lead
  createThread(annComments.doc, { anchor: { kind: 'task' }, quote: '', author: ann.id, body: 'answering the lead' }, null)
  await waitForServerDoc(fx.server, roomName.comments(id), (d) => readThreads(d).some((t) => t.comments.some((c) => c.body === 'answering the lead')), 'the annotator’s comment on the server')
  // a presence change sent after the refused edit on the same socket: once the lead sees it, the edit was handled
  annWs.provider.awareness.setLocalStateField('mark', 'after-edit')
  await waitFor(() => leadWs.provider.awareness.getStates().get(annWs.doc.clientID)?.mark === 'after-edit', 'the mark after the refused edit')
  assert.not.match(serverExplanation(id), /AFTER SUBMIT/)
  assert.not.match(getWorkspace(leadWs.doc).explanation.toString(), /AFTER SUBMIT/)
  assert.is(status(id), 'submitted')

  assert.is((await act(fx.server, fx.server.leadToken, id, 'request-changes', { message: 'Name the bug in B.' })).status, 200)
  // Write is given back: her edit from a client that holds only what the room holds lands (ours
  // reloads the room); what the room refused while submitted never lands, resync or not.
  const fresh = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  getWorkspace(fresh.doc).explanation.insert(0, 'again. ')
  await waitFor(() => serverExplanation(id).includes('again. '), 'the annotator’s edit after changes were requested')
  await waitFor(() => annWs.provider.synced && annWs.provider.wsconnected, 'the stock client to resync after the request')
  assert.not.match(serverExplanation(id), /AFTER SUBMIT/)
})

test.run()
