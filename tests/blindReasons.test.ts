/** Blind judging: refusal reasons name candidates in letter order, never in the import order that tells letters from models. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { blindOrder, shownOrder } from '../shared/blind'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import { api, assign, createUser, importTasks, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { act, CANDIDATES, CRITERIA, syncedPeer, waitForServerDoc } from './helpers/review'
import { serverPerTest } from './helpers/perTest'

const test = suite('blind refusal reasons')
const fx = serverPerTest(test)

// Imported a, b, c; the blind order is b, c, a, so the import order reads C, A, B.
const TASK = 'p-000000'

interface Shown {
  id: string
  label: string
  import_id?: string
}

interface Reason {
  code: string
  message: string
  target: string
}

/** A task of batch `batch` (blind or not) assigned to a new annotator; the lead's view of its candidates. */
async function setUp(server: TestServer, batch: string, blind: boolean) {
  await importTasks(server, taskLine(TASK), batch, blind)
  const ann = await createUser(server, 'Ann Annotator', 'annotator')
  await assign(server, TASK, [ann.id])
  const lead = (await api(server, server.leadToken, 'GET', `/api/tasks/${TASK}`)).body
  return { ann, candidates: lead.candidates as Shown[] }
}

const unranked = (reasons: Reason[]) => reasons.filter((r) => r.code === 'unranked').map((r) => r.message)
/** The candidate each "has no score" reason names, in the order the reasons come. */
const unscoredNames = (reasons: Reason[]) =>
  reasons.filter((r) => r.code === 'unscored').map((r) => /^candidate (\S+) has no /.exec(r.message)![1])

test('lists unranked and unscored candidates of a blind task in letter order, whatever the import order', async () => {
  assert.equal(blindOrder(TASK, [...CANDIDATES]), ['b', 'c', 'a'], 'the import order a, b, c is C, A, B: the check can fail')
  const { ann, candidates } = await setUp(fx.server, 'blind', true)
  const letterOf = new Map(candidates.map((c) => [c.import_id!, c.label]))
  assert.equal(CANDIDATES.map((id) => letterOf.get(id)), ['C', 'A', 'B'])

  const refused = await act(fx.server, ann.token, TASK, 'submit')
  assert.is(refused.status, 409, JSON.stringify(refused.body))
  assert.equal(unranked(refused.body.reasons), ['3 candidates are not ranked: A, B, C'])
  assert.equal(unscoredNames(refused.body.reasons), ['A', 'B', 'C'].flatMap((l) => CRITERIA.map(() => l)))

  // With B placed, the two left are still named in letter order.
  const b = candidates.find((c) => c.label === 'B')!
  const peer = await syncedPeer(fx.server, roomName.workspace(TASK), ann.token, fx.peers)
  getWorkspace(peer.doc).ranking.push([b.id])
  await waitForServerDoc(fx.server, roomName.workspace(TASK), (d) => getWorkspace(d).ranking.length === 1, 'the server to hold B placed')
  const again = await act(fx.server, ann.token, TASK, 'submit')
  assert.equal(unranked(again.body.reasons), ['2 candidates are not ranked: A, C'])

  // The lead's finalize refusal reads the same way.
  const finalize = await act(fx.server, fx.server.leadToken, TASK, 'finalize')
  assert.is(finalize.status, 409, JSON.stringify(finalize.body))
  assert.equal(unranked(finalize.body.reasons), ['2 candidates are not ranked: A, C'])
  assert.equal(unscoredNames(finalize.body.reasons), ['A', 'B', 'C'].flatMap((l) => CRITERIA.map(() => l)))
  assert.ok(
    finalize.body.reasons.filter((r: Reason) => r.code === 'unscored').every((r: Reason) => candidates.some((c) => r.target.startsWith(`rubric:${c.id}:`))),
    'targets keep the room ids the page links to',
  )
})

test('keeps the import order in an open-label batch, where names are import ids', async () => {
  const { ann } = await setUp(fx.server, 'open', false)
  const refused = await act(fx.server, ann.token, TASK, 'submit')
  assert.is(refused.status, 409)
  assert.equal(unranked(refused.body.reasons), ['3 candidates are not ranked: a, b, c'])
  assert.equal(unscoredNames(refused.body.reasons), CANDIDATES.flatMap((id) => CRITERIA.map(() => id)))
})

test.run()

const unit = suite('shown order')

unit('is letter order when blind, past Z included, and the import order otherwise', () => {
  const candidates = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, import_id: `m${i}` }))
  const task = { id: 'x', candidates }
  const order = shownOrder(task, true)
  const letters = new Map(blindOrder('x', candidates.map((c) => c.import_id)).map((m, i) => [m, i]))
  assert.equal(order.map((id) => letters.get(`m${id.slice(1)}`)), Array.from({ length: 30 }, (_, i) => i), 'A … Z, AA … AD')
  assert.equal(shownOrder(task, false), candidates.map((c) => c.id))
  assert.equal(candidates[0].id, 'r0', 'the task is not reordered in place')
})

unit.run()
