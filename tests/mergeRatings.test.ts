/** Merging ballots keeps the rubric: the lower median of the submitted ballots' scores per candidate and criterion. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { lowerMedian, mergeRatings } from '../shared/agreement'
import { roomName } from '../shared/roomNames'
import { getBallot, getWorkspace } from '../shared/schema'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import type { Peer } from './helpers/peer'
import { CANDIDATES, CRITERIA, syncedPeer, waitForServerDoc } from './helpers/review'

const test = suite('merge ratings')
let server: TestServer
const peers: Peer[] = []
test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  await server.stop()
})

test('takes the lower median, so a merged score is always one a ballot gave, and leaves out what nobody scored', () => {
  assert.is(lowerMedian([]), null)
  assert.is(lowerMedian([4]), 4)
  assert.is(lowerMedian([5, 2]), 2)
  assert.is(lowerMedian([2, 5, 4]), 4)
  assert.is(lowerMedian([1, 5, 3, 4]), 3)
  const merged = mergeRatings(
    [
      { user: 'u1', ranking: [], ratings: { __proto__: { constructor: 2 }, a: { k: 3 } } as any },
      { user: 'u2', ranking: [], ratings: JSON.parse('{"__proto__": {"constructor": 5}, "a": {"k": 2.5}}') },
    ],
    ['__proto__', 'a', 'b'],
    [{ id: 'constructor' }, { id: 'k' }],
  )
  // the first ballot's `__proto__` key above is a literal's prototype, not an own key: it is no score
  assert.equal([...merged.keys()], ['__proto__', 'a'])
  assert.equal([...merged.get('__proto__')!], [['constructor', 5]])
  assert.equal([...merged.get('a')!], [['k', 3]], 'a fractional score is no score')
  assert.is(({} as any).constructor, Object)
})

test('writes the merged rubric into the workspace, keeping a score the team gave unless the lead replaces', async () => {
  await importTasks(server, taskLine('t1'))
  const batch = server.running.deps.db.batch('test')!
  await server.running.deps.db.putBatch({ ...batch, mode: 'independent' })
  const ann = await createUser(server, 'Ann', 'annotator')
  const bea = await createUser(server, 'Bea', 'annotator')
  await assign(server, 't1', [ann.id, bea.id])
  // the team already scored c's correctness in the shared workspace
  const team = await syncedPeer(server, roomName.workspace('t1'), server.leadToken, peers)
  ;(getWorkspace(team.doc).ratings.get('c') as Y.Map<number>).set('correctness', 1)
  await waitForServerDoc(server, roomName.workspace('t1'), (d) => (getWorkspace(d).ratings.get('c') as Y.Map<number>).get('correctness') === 1, 'the team’s score')

  for (const [who, score] of [[ann, 3], [bea, 4]] as const) {
    assert.is((await api(server, who.token, 'POST', '/api/tasks/t1/ballot')).status, 200)
    const peer = await syncedPeer(server, roomName.ballot('t1', who.id), who.token, peers)
    const ballot = getBallot(peer.doc)
    peer.doc.transact(() => {
      ballot.ranking.push(['b', 'a', 'c'])
      for (const id of CANDIDATES) for (const k of CRITERIA) (ballot.ratings.get(id) as Y.Map<number>).set(k, id === 'b' && k === 'readability' && who === ann ? 5 : score)
    })
    await waitForServerDoc(server, roomName.ballot('t1', who.id), (d) => (getBallot(d).ratings.get('c') as Y.Map<number>).get('readability') === score, `${who.name}’s ballot`)
    assert.is((await api(server, who.token, 'POST', '/api/tasks/t1/ballot/submit')).status, 200)
  }
  const scores = () => {
    const ratings = getWorkspace(server.running.deps.rooms.peek(roomName.workspace('t1'))!.doc).ratings
    return Object.fromEntries(CANDIDATES.map((id) => [id, (ratings.get(id) as Y.Map<number>).toJSON()]))
  }
  const merged = await api(server, server.leadToken, 'POST', '/api/tasks/t1/merge-ballots')
  assert.is(merged.status, 200, JSON.stringify(merged.body))
  assert.equal(scores(), {
    a: { correctness: 3, efficiency: 3, readability: 3 },
    b: { correctness: 3, efficiency: 3, readability: 4 },
    c: { correctness: 1, efficiency: 3, readability: 3 },
  }, 'lower medians, with the team’s own score kept')
  const replaced = await api(server, server.leadToken, 'POST', '/api/tasks/t1/merge-ballots?replace=1')
  assert.is(replaced.status, 200)
  assert.equal(scores().c, { correctness: 3, efficiency: 3, readability: 3 }, 'replace overwrites the team’s score')
})

test.run()
