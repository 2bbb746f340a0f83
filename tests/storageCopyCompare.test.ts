/**
 * The comparison that verifies a storage copy (server/storage/transfer/compareDataSets.ts), on
 * data sets built here: each difference it must find, beside the match it must accept.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { getWorkspace } from '../shared/schema'
import { compareDataSets } from '../server/storage/transfer/compareDataSets'
import type { DataSet } from '../server/storage/transfer/dataSet'

const test = suite('storage copy: the verification')

test('the verification tells a record stored with other bytes, or refused by the target, from one that matches', () => {
  const text = '{"task_id":"t1","revision":1}'
  const data = (records: Map<string, string>): DataSet => ({
    users: [], batches: [], tasks: [], sessions: [], gold: [], activity: new Map(), audit: [], records, rooms: new Map(),
  })
  const source = data(new Map([['t1/1', text]]))
  assert.equal(compareDataSets(source, data(new Map([['t1/1', text]])), new Map([['t1/1', text]])).differences, [])
  assert.equal(compareDataSets(source, data(new Map([['t1/1', text]])), new Map([['t1/1', text.replace(':1', ': 1')]])).differences, [
    'record t1/1 is not stored byte for byte on the target',
  ])
  // Stored as sent, but the target's store refused it on reading (its hash or signature).
  assert.equal(compareDataSets(source, data(new Map()), new Map([['t1/1', text]])).differences, [
    'records: 1 in the source, 0 on the target',
    'record t1/1 does not verify on the target',
  ])
})

test('the verification tells a room whose text differs from one that matches', () => {
  const state = (text: string) => {
    const doc = new Y.Doc()
    getWorkspace(doc).explanation.insert(0, text)
    return Y.encodeStateAsUpdate(doc)
  }
  const withRoom = (update: Uint8Array): DataSet => ({
    users: [], batches: [], tasks: [], sessions: [], gold: [], activity: new Map(), audit: [], records: new Map(),
    rooms: new Map([['task:t1', { state: update, owners: [[1, 'ann']] }]]),
  })
  const same = state('same words')
  assert.equal(compareDataSets(withRoom(same), withRoom(same.slice()), new Map()).differences, [])
  assert.equal(compareDataSets(withRoom(same), withRoom(state('same words')), new Map()).differences, ['room task:t1: its state vector differs on the target'])
  // A deletion makes no new struct: the state vector stays, the delete set tells them apart.
  const doc = new Y.Doc()
  Y.applyUpdate(doc, same)
  getWorkspace(doc).explanation.delete(0, 5)
  assert.equal(compareDataSets(withRoom(same), withRoom(Y.encodeStateAsUpdate(doc)), new Map()).differences, ['room task:t1: its deletions differ on the target'])
  const other = withRoom(same)
  other.rooms.get('task:t1')!.owners = [[1, 'bob']]
  assert.equal(compareDataSets(withRoom(same), other, new Map()).differences, ['room task:t1: its client-id owners differ on the target'])
})

test.run()
