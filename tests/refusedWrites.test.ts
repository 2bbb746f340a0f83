/** What a room refused never lands later: not on the stock client's next update, its reconnect, nor after a reload. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { onPermissionDenied } from '../client/sync/permissionDenied'
import { readSubmission } from '../shared/ballots'
import { roomName } from '../shared/roomNames'
import { getBallot, getWorkspace } from '../shared/schema'
import { RefusedDeletes, encodeSeal } from '../server/sync/refusedWrites'
import { api, startServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { serverPerTest } from './helpers/perTest'
import { act, CANDIDATES, completeWorkspace, CRITERIA, reviewTask, syncedPeer, waitForServerDoc } from './helpers/review'
import { waitFor } from './helpers/waitFor'

const test = suite('refused writes')
const fx = serverPerTest(test)

const serverDoc = (room: string) => fx.server.running.deps.rooms.peek(room)!.doc
const explanation = (doc: Y.Doc) => getWorkspace(doc).explanation.toString()

test('a seal is a valid update of GC structs that makes the sealed clocks held', () => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, encodeSeal([{ client: 7, clock: 0, len: 5 }, { client: 9, clock: 0, len: 1 }]))
  assert.is(Y.getState(doc.store, 7), 5)
  assert.is(Y.getState(doc.store, 9), 1)
  // The refused structs sent again are a no-op: the text stays empty.
  const writer = new Y.Doc()
  writer.clientID = 7
  writer.getText('t').insert(0, 'hello')
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(writer))
  assert.is(doc.getText('t').toString(), '')
  // Control: a client that was never sealed writes normally.
  const other = new Y.Doc()
  other.clientID = 8
  other.getText('t').insert(0, 'hi')
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(other))
  assert.is(doc.getText('t').toString(), 'hi')
})

test('refused deletes are remembered per user and only overlapping ranges count', () => {
  const r = new RefusedDeletes()
  r.remember('ann', [{ client: 1, clock: 10, len: 5 }])
  assert.ok(r.touches('ann', [{ client: 1, clock: 14, len: 3 }]))
  assert.not.ok(r.touches('ann', [{ client: 1, clock: 15, len: 3 }]), 'a range just after is not refused')
  assert.not.ok(r.touches('ann', [{ client: 2, clock: 10, len: 5 }]), 'another client is not refused')
  assert.not.ok(r.touches('bob', [{ client: 1, clock: 10, len: 5 }]), 'another user may delete it')
})

test('a stock client edit refused while the task is submitted never lands after changes are requested, while an honest edit then does', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const room = roomName.workspace(id)
  const stock = await syncedPeer(fx.server, room, ann.token, fx.peers)
  await completeWorkspace(fx.server, stock, id, { explanation: 'KEEP' })
  assert.is((await act(fx.server, ann.token, id, 'submit')).status, 200)
  const lead = await syncedPeer(fx.server, room, fx.server.leadToken, fx.peers)
  // The stock client ignores read-only: it inserts text and deletes some of the kept text.
  stock.doc.transact(() => {
    const text = getWorkspace(stock.doc).explanation
    text.delete(0, 2)
    text.insert(text.length, ' REFUSED')
  })
  const mine = stock.doc.clientID
  await waitFor(() => Y.getState(serverDoc(room).store, mine) === Y.getState(stock.doc.store, mine), 'the server to seal the refused edit')
  assert.is(explanation(serverDoc(room)), 'KEEP')
  assert.is((await act(fx.server, fx.server.leadToken, id, 'request-changes', { message: 'more detail' })).status, 200)
  // Access comes back: the server closes the connection so the client resyncs; its step 2 carries the refused edit.
  await waitFor(() => stock.closes.length > 0 && stock.provider.synced && stock.provider.wsconnected, 'the stock client to reconnect and resync')
  // It types once more: its next update depends on the refused structs.
  getWorkspace(stock.doc).explanation.insert(0, '>')
  // Control: an honest client that joins after the request edits, and its edit lands.
  const honest = connectPeer(fx.server.wsUrl, room, ann.token)
  fx.peers.push(honest)
  await waitFor(() => honest.provider.synced, 'the honest client to sync')
  const text = getWorkspace(honest.doc).explanation
  text.insert(text.length, ' HONEST')
  await waitFor(() => explanation(lead.doc).includes('HONEST'), 'the honest edit to reach the lead')
  await waitForServerDoc(fx.server, room, (d) => explanation(d).includes('HONEST'), 'the server to hold the honest edit')
  const server = explanation(fx.server.running.deps.rooms.peek(room)!.doc)
  assert.not.match(server, /REFUSED/, 'the refused insert never lands')
  // Its '>' typed after the request is a new edit and lands; the refused delete of "KE" does not.
  assert.is(server.replace('>', ''), 'KEEP HONEST', 'the refused delete never lands')
  assert.not.match(explanation(lead.doc), /REFUSED/)
})

test('a stock client edit of a submitted ballot never lands after it is withdrawn, and the seal outlives a reload', async () => {
  // Rooms unload after 100 ms without connections here, so the room is reloaded from its log.
  await fx.server.stop()
  fx.server = await startServer({ config: { roomIdleMs: 100 } })
  const { id, ann } = await reviewTask(fx.server)
  const batch = fx.server.running.deps.db.batch('test')!
  await fx.server.running.deps.db.putBatch({ ...batch, mode: 'independent' })
  assert.is((await api(fx.server, ann.token, 'POST', `/api/tasks/${id}/ballot`)).status, 200)
  const room = roomName.ballot(id, ann.id)
  const stock: Peer = connectPeer(fx.server.wsUrl, room, ann.token)
  fx.peers.push(stock)
  const denied: string[] = []
  onPermissionDenied(stock.provider, (reason) => denied.push(reason))
  await waitFor(() => stock.provider.synced && getBallot(stock.doc).ratings.size === 3, 'the ballot to sync')
  const ranking = getBallot(stock.doc).ranking
  stock.doc.transact(() => {
    ranking.push(['a', 'b', 'c'])
    for (const c of CANDIDATES) for (const k of CRITERIA) (getBallot(stock.doc).ratings.get(c) as Y.Map<number>).set(k, 3)
  })
  await waitForServerDoc(fx.server, room, (d) => getBallot(d).ranking.length === 3, 'the control edit to land')
  assert.is((await api(fx.server, ann.token, 'POST', `/api/tasks/${id}/ballot/submit`)).status, 200)
  await waitFor(() => readSubmission(stock.doc) !== null, 'the submission to sync')
  stock.doc.transact(() => {
    ranking.delete(0, 1)
    ranking.push(['REFUSED'])
  })
  await waitFor(() => denied.length === 1, 'the edit to be refused')
  // The stock client leaves; the room unloads and reloads from its log in between.
  stock.provider.disconnect()
  await waitFor(() => fx.server.running.deps.rooms.peek(room) === undefined, 'the room to unload', 15_000)
  assert.is((await api(fx.server, ann.token, 'DELETE', `/api/tasks/${id}/ballot/submit`)).status, 200)
  stock.provider.connect()
  await waitFor(() => stock.provider.synced && readSubmission(stock.doc) === null, 'the stock client to resync after the withdrawal')
  // Control: an edit made now by a fresh client lands.
  const honest = await syncedPeer(fx.server, room, ann.token, fx.peers)
  getBallot(honest.doc).ranking.push(['HONEST'])
  await waitForServerDoc(fx.server, room, (d) => getBallot(d).ranking.toArray().includes('HONEST'), 'the honest edit to land')
  const held = getBallot(fx.server.running.deps.rooms.peek(room)!.doc).ranking.toArray()
  assert.equal(held, ['a', 'b', 'c', 'HONEST'], 'neither the refused push nor the refused delete landed')
})

test.run()
