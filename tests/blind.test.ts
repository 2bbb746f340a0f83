/** Blind judging: a stable per-task permutation with letters, and a task view without models for non-leads. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { blindLabels, blindLetter, blindOrder } from '../shared/blind'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'

const unit = suite('blind order')

unit('is a permutation of the ids, the same on every call for a task', () => {
  const ids = Array.from({ length: 26 }, (_, i) => `cand-${i}`)
  for (const task of ['t1', 't2', 'a-much-longer-task-id_0042']) {
    const order = blindOrder(task, ids)
    assert.equal([...order].sort(), [...ids].sort(), 'every id once')
    assert.equal(blindOrder(task, ids), order, 'stable')
    assert.equal(ids[0], 'cand-0', 'the input is not shuffled in place')
  }
})

unit('differs between tasks and is not the import order for most tasks', () => {
  const ids = ['a', 'b', 'c', 'd']
  const orders = new Set<string>()
  let unchanged = 0
  for (let i = 0; i < 200; i++) {
    const order = blindOrder(`task-${i}`, ids).join('')
    orders.add(order)
    if (order === 'abcd') unchanged++
  }
  assert.ok(orders.size >= 20, `saw ${orders.size} of the 24 orders`)
  assert.ok(unchanged < 30, `the import order survived ${unchanged} times in 200`)
})

unit('puts every id first about equally often (a fair shuffle)', () => {
  const firsts = new Map<string, number>()
  for (let i = 0; i < 3000; i++) {
    const first = blindOrder(`t${i}`, ['a', 'b', 'c'])[0]
    firsts.set(first, (firsts.get(first) ?? 0) + 1)
  }
  for (const id of ['a', 'b', 'c']) assert.ok(Math.abs(firsts.get(id)! - 1000) < 120, `${id}: ${firsts.get(id)}`)
})

unit('labels the blind order A, B, C… and goes on past Z', () => {
  const labels = blindLabels('t1', ['x', 'y', 'z'])
  const order = blindOrder('t1', ['x', 'y', 'z'])
  assert.equal(order.map((id) => labels.get(id)), ['A', 'B', 'C'])
  assert.equal([0, 25, 26, 27, 51, 52].map(blindLetter), ['A', 'Z', 'AA', 'AB', 'AZ', 'BA'])
  assert.throws(() => blindLetter(-1), RangeError)
})

unit.run()

const api_ = suite('blind task view')
let server: TestServer
api_.before.each(async () => {
  server = await startServer()
})
api_.after.each(async () => {
  await server.stop()
})

function withMetadata(id: string) {
  return JSON.stringify({ ...JSON.parse(taskLine(id)), metadata: { source_model: 'model-a', run: 7 } })
}

api_('hides models and metadata from annotators and reviewers in a blind batch and orders candidates blind', async () => {
  await api(server, server.leadToken, 'POST', '/api/batches', { name: 'blind' })
  await importTasks(server, withMetadata('t1'), 'blind')
  const ann = await createUser(server, 'Ann', 'annotator')
  const rev = await createUser(server, 'Rev', 'reviewer')
  await assign(server, 't1', [ann.id])
  for (const token of [ann.token, rev.token]) {
    const res = await api(server, token, 'GET', '/api/tasks/t1')
    assert.is(res.status, 200)
    assert.is(res.body.blind, true)
    assert.equal(res.body.candidates.map((c: { id: string }) => c.id), blindOrder('t1', ['a', 'b', 'c']))
    assert.not.match(JSON.stringify(res.body), /model-/, 'no model name anywhere in the body')
    assert.is(res.body.metadata, undefined)
    assert.ok(res.body.candidates.every((c: { code: string }) => c.code.includes('def add')), 'the code is there')
  }
  const lead = await api(server, server.leadToken, 'GET', '/api/tasks/t1')
  assert.equal(lead.body.candidates.map((c: { model: string }) => c.model), ['model-a', 'model-b', 'model-c'], 'the lead sees models in import order')
  assert.equal(lead.body.metadata, { source_model: 'model-a', run: 7 })
})

api_('shows models to everyone in an open-label batch', async () => {
  await importTasks(server, taskLine('t1'), 'open')
  const ann = await createUser(server, 'Ann', 'annotator')
  await assign(server, 't1', [ann.id])
  const res = await api(server, ann.token, 'GET', '/api/tasks/t1')
  assert.is(res.body.blind, false)
  assert.equal(res.body.candidates.map((c: { model: string }) => c.model), ['model-a', 'model-b', 'model-c'])
  await api(server, server.leadToken, 'POST', '/api/batches', { name: 'open', blind: true })
  const blind = await api(server, ann.token, 'GET', '/api/tasks/t1')
  assert.not.match(JSON.stringify(blind.body), /model-/, 'turning blind on applies at once')
})

api_.run()
