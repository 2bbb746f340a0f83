/** Submit's and finalize's reasons name candidates as the page does: by letter in a blind batch. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { api, assign, createUser, importTasks, taskLine } from './helpers/server'
import { act } from './helpers/review'
import { serverPerTest } from './helpers/perTest'

const test = suite('reasonLabels')
const fx = serverPerTest(test)

async function refusedSubmit(id: string, blind: boolean) {
  await importTasks(fx.server, taskLine(id), blind ? 'blind-batch' : 'open-batch', blind)
  const ann = await createUser(fx.server, `Ann ${id}`, 'annotator')
  await assign(fx.server, id, [ann.id])
  const task = (await api(fx.server, ann.token, 'GET', `/api/tasks/${id}`)).body
  const refused = await act(fx.server, ann.token, id, 'submit')
  assert.is(refused.status, 409, JSON.stringify(refused.body))
  const finalize = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(finalize.status, 409, JSON.stringify(finalize.body))
  return { task, messages: [...refused.body.reasons, ...finalize.body.reasons].map((r: { message: string }) => r.message) }
}

test('a blind task’s refusal names each candidate by the letter everyone sees, never by its opaque room id', async () => {
  const { task, messages } = await refusedSubmit('t-blind', true)
  const ids: string[] = task.candidates.map((c: { id: string }) => c.id)
  assert.ok(ids.every((id) => id.startsWith('c_')), 'the blind task has opaque room ids')
  const named = messages.filter((m) => m.includes('candidate'))
  assert.ok(named.length > 0)
  for (const m of named) assert.not.ok(ids.some((id) => m.includes(id)), `no room id in “${m}”`)
  assert.ok(messages.some((m) => /^3 candidates are not ranked: [A-C], [A-C], [A-C]$/.test(m)), messages.join(' | '))
  assert.ok(messages.some((m) => /^candidate [A-C] has no Correctness score$/.test(m)), messages.join(' | '))
})

test('an open-label task’s refusal names each candidate by its import id (the control)', async () => {
  const { messages } = await refusedSubmit('t-open', false)
  assert.ok(messages.includes('3 candidates are not ranked: a, b, c'), messages.join(' | '))
  assert.ok(messages.includes('candidate a has no Correctness score'))
})

test.run()
