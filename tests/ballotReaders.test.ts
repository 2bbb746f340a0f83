/** Reading a ballot's submission and completeness defensively (shared/ballots.ts). */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { ballotGaps, describeGaps, isBallotComplete, readSubmission } from '../shared/ballots'
import { getBallot } from '../shared/schema'

const test = suite('ballot readers')
const IDS = ['a', 'b']
const CRITERIA = [{ id: 'q', min: 1, max: 5 }]

test('a submission reads only with a valid time and a user id; anything else is none', () => {
  const doc = new Y.Doc()
  const map = getBallot(doc).submission
  assert.is(readSubmission(doc), null)
  map.set('submitted_at', 'yesterday')
  map.set('by', 'u1')
  assert.is(readSubmission(doc), null, 'an unparseable time')
  map.set('submitted_at', '2026-11-27T10:00:00.000Z')
  map.set('by', 42)
  assert.is(readSubmission(doc), null, 'a user id of the wrong type')
  map.set('by', 'u1')
  assert.equal(readSubmission(doc), { submitted_at: '2026-11-27T10:00:00.000Z', by: 'u1' })
  doc.destroy()
})

test('a ballot is complete when every candidate is placed and every criterion scored', () => {
  const partial = { ranking: ['a'], ratings: { a: { q: 3 }, b: {} } }
  assert.equal(ballotGaps(partial, IDS, CRITERIA), { unplaced: 1, unscored: 1 })
  assert.not.ok(isBallotComplete(partial, IDS, CRITERIA))
  assert.is(describeGaps(ballotGaps(partial, IDS, CRITERIA)), 'The ballot is not complete: 1 candidate to place and 1 score to give.')
  const full = { ranking: ['b', 'a'], ratings: { a: { q: 3 }, b: { q: 5 } } }
  assert.ok(isBallotComplete(full, IDS, CRITERIA))
  assert.is(describeGaps(ballotGaps(full, IDS, CRITERIA)), 'The ballot is complete.')
  // an empty rubric needs only the ranking
  assert.ok(isBallotComplete({ ranking: ['a', 'b'], ratings: { a: {}, b: {} } }, IDS, []))
  assert.not.ok(isBallotComplete({ ranking: [], ratings: {} }, [], []), 'a task without candidates is never complete')
})

test.run()
