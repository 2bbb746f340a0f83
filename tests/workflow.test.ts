/** The workflow through the real fx.server: transitions, who may take them, the meta room and the audit log. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { roomName } from '../shared/roomNames'
import { getMeta, getWorkspace } from '../shared/schema'
import { AuditLog } from '../server/storage/audit'
import { availableActions, transition } from '../shared/workflow'
import type { WorkflowAction } from '../shared/workflow'
import type { TaskStatus } from '../shared/types'
import { waitFor } from './helpers/waitFor'
import { act, completeWorkspace, reviewTask, syncedPeer } from './helpers/review'
import { serverPerTest } from './helpers/perTest'

const test = suite('workflow')
const fx = serverPerTest(test)

const status = (id: string) => fx.server.running.deps.db.task(id)?.status

/** Completes the annotator's part through her own peer, so that her submit is accepted. */
async function completeAs(id: string, token: string) {
  const peer = await syncedPeer(fx.server, roomName.workspace(id), token, fx.peers)
  await completeWorkspace(fx.server, peer, id)
  return peer
}

test('allows each action only from the states the workflow names, and only reopen bumps the revision', () => {
  const lead = { role: 'lead', assigned: false } as const
  const ann = { role: 'annotator', assigned: true } as const
  const states: TaskStatus[] = ['open', 'in_progress', 'submitted', 'changes_requested', 'finalized']
  const allowed = (action: WorkflowAction, actor: typeof lead | typeof ann) =>
    states.filter((s) => transition(s, action, actor).ok)
  assert.equal(allowed('start', ann), ['open', 'changes_requested'])
  assert.equal(allowed('submit', ann), ['open', 'in_progress', 'changes_requested'])
  assert.equal(allowed('request_changes', lead), ['submitted'])
  assert.equal(allowed('finalize', lead), ['open', 'in_progress', 'submitted', 'changes_requested'])
  assert.equal(allowed('reopen', lead), ['finalized'])
  assert.equal(transition('finalized', 'reopen', lead), { ok: true, status: 'in_progress', revisionBump: true })
  assert.equal(availableActions('submitted', lead), ['request_changes', 'finalize'])
  assert.equal(availableActions('submitted', ann), [])
  assert.equal(availableActions('open', { role: 'annotator', assigned: false }), [])
  assert.equal(availableActions('open', { role: 'reviewer', assigned: false }), [])
})

test('moves an open task to in progress on an assignee’s first edit, not on the lead’s', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const meta = await syncedPeer(fx.server, roomName.meta(id), rev.token, fx.peers)
  const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  const annPeer = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  getWorkspace(lead.doc).explanation.insert(0, 'lead note. ')
  await waitFor(() => getWorkspace(annPeer.doc).explanation.toString().includes('lead note'), 'the lead’s edit to arrive')
  assert.is(status(id), 'open')
  getWorkspace(annPeer.doc).explanation.insert(0, 'ann. ')
  await waitFor(() => getMeta(meta.doc).get('status') === 'in_progress', 'meta to say in_progress')
  const last = getMeta(meta.doc).get('last_action') as { action: string; by: string }
  assert.is(last.action, 'start')
  assert.is(last.by, ann.id)
})

test('runs submit, request changes, finalize and reopen, and every open meta room follows within a second', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const meta = await syncedPeer(fx.server, roomName.meta(id), rev.token, fx.peers)
  const metaOf = (key: string) => getMeta(meta.doc).get(key)
  const annWs = await completeAs(id, ann.token)
  await waitFor(() => metaOf('status') === 'in_progress', 'the first edit to start the task')
  const started = Date.now()
  assert.is((await act(fx.server, ann.token, id, 'submit')).status, 200)
  await waitFor(() => metaOf('status') === 'submitted', 'submitted in meta', 1_000)
  assert.ok(Date.now() - started < 1_000)

  const back = await act(fx.server, fx.server.leadToken, id, 'request-changes', { message: 'Test the negative numbers.' })
  assert.is(back.status, 200)
  assert.is(back.body.status, 'changes_requested')
  await waitFor(() => metaOf('status') === 'changes_requested', 'changes_requested in meta', 1_000)
  assert.equal((metaOf('last_action') as any).message, 'Test the negative numbers.')
  assert.is((metaOf('last_action') as any).by, fx.server.running.deps.db.users.find((u) => u.role === 'lead')!.id)

  await waitFor(() => annWs.provider.synced, 'the annotator’s page to resync with write given back')
  await completeWorkspace(fx.server, annWs, id, { explanation: 'B subtracts; A is plain and right; C sums a list.' })
  await waitFor(() => metaOf('status') === 'in_progress', 'the fix to move it back in progress')

  const fin = await act(fx.server, fx.server.leadToken, id, 'finalize')
  assert.is(fin.status, 200, JSON.stringify(fin.body))
  await waitFor(() => metaOf('status') === 'finalized', 'finalized in meta', 1_000)
  assert.is(metaOf('finalized_at'), fin.body.finalized_at)
  assert.is(metaOf('revision'), 1)

  const reopened = await act(fx.server, fx.server.leadToken, id, 'reopen')
  assert.equal([reopened.status, reopened.body.status, reopened.body.revision], [200, 'in_progress', 2])
  await waitFor(() => metaOf('revision') === 2 && metaOf('status') === 'in_progress', 'revision 2 in meta', 1_000)
  assert.is(metaOf('finalized_at'), null)
})

test('answers 409 with a message for a move the state does not allow, 403 for the wrong person', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const early = await act(fx.server, fx.server.leadToken, id, 'request-changes', { message: 'too early' })
  assert.is(early.status, 409)
  assert.match(early.body.error, /cannot request changes on a task that is open/)
  assert.is((await act(fx.server, fx.server.leadToken, id, 'reopen')).status, 409)
  assert.is((await act(fx.server, rev.token, id, 'submit')).status, 403)
  assert.is((await act(fx.server, fx.server.leadToken, id, 'submit')).status, 403)
  assert.is((await act(fx.server, ann.token, id, 'finalize')).status, 403)
  assert.is((await act(fx.server, ann.token, id, 'reopen')).status, 403)
  assert.is(status(id), 'open')
  // the control: the same annotator's submit of complete work is allowed, and a second one is a conflict
  await completeAs(id, ann.token)
  await waitFor(() => status(id) === 'in_progress', 'the first edit to start the task')
  assert.is((await act(fx.server, ann.token, id, 'submit')).status, 200)
  const twice = await act(fx.server, ann.token, id, 'submit')
  assert.is(twice.status, 409)
  assert.match(twice.body.error, /submitted/)
})

test('hides tasks from annotators who are not assigned and answers 404 for unknown tasks', async () => {
  const { id } = await reviewTask(fx.server)
  const { api, createUser } = await import('./helpers/server')
  const other = await createUser(fx.server, 'Otto', 'annotator')
  assert.is((await act(fx.server, other.token, id, 'submit')).status, 404)
  assert.is((await act(fx.server, fx.server.leadToken, 'nope', 'reopen')).status, 404)
  assert.is((await api(fx.server, null, 'POST', `/api/tasks/${id}/submit`)).status, 401)
  assert.is(status(id), 'open')
})

test('refuses request changes without a message', async () => {
  const { id, ann } = await reviewTask(fx.server)
  await completeAs(id, ann.token)
  assert.is((await act(fx.server, ann.token, id, 'submit')).status, 200)
  for (const body of [{}, { message: '   ' }, { message: 5 }, { message: 'x'.repeat(4_001) }]) {
    const res = await act(fx.server, fx.server.leadToken, id, 'request-changes', body)
    assert.is(res.status, 400, JSON.stringify(body))
    assert.match(res.body.error, /message/)
  }
  assert.is(status(id), 'submitted')
  assert.is((await act(fx.server, fx.server.leadToken, id, 'request-changes', { message: 'add tests' })).status, 200)
})

test('writes every action to the append-only audit log with who, when, what and the message', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const log = new AuditLog(fx.server.dataDir)
  await completeAs(id, ann.token)
  await waitFor(() => status(id) === 'in_progress', 'the first edit to start the task')
  assert.is((await act(fx.server, ann.token, id, 'submit')).status, 200)
  const firstFile = fs.readdirSync(path.join(fx.server.dataDir, 'audit'))[0]
  const before = fs.readFileSync(path.join(fx.server.dataDir, 'audit', firstFile), 'utf8')
  await act(fx.server, fx.server.leadToken, id, 'request-changes', { message: 'Explain the ranking.' })
  await act(fx.server, fx.server.leadToken, id, 'reopen') // refused: not logged
  const after = fs.readFileSync(path.join(fx.server.dataDir, 'audit', firstFile), 'utf8')
  assert.ok(after.startsWith(before), 'earlier lines are never rewritten')
  const entries = log.read(id)
  assert.equal(entries.map((e) => [e.action, e.by, e.from, e.to]), [
    ['start', ann.id, 'open', 'in_progress'],
    ['submit', ann.id, 'in_progress', 'submitted'],
    ['request_changes', fx.server.running.deps.db.users.find((u) => u.role === 'lead')!.id, 'submitted', 'changes_requested'],
  ])
  assert.is(entries[2].message, 'Explain the ranking.')
  assert.ok(!Number.isNaN(Date.parse(entries[2].at)))
  assert.is(fs.statSync(path.join(fx.server.dataDir, 'audit', firstFile)).mode & 0o777, 0o600)
})

test('asks live access to refresh the task after every status change, and not after a refusal', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const refreshed: unknown[] = []
  // A spy around the server's own LiveAccess: the workflow holds that very object.
  const access = fx.server.running.deps.access
  const real = access.refresh.bind(access)
  access.refresh = (scope) => {
    refreshed.push(scope)
    real(scope)
  }
  assert.is((await act(fx.server, fx.server.leadToken, id, 'reopen')).status, 409)
  assert.equal(refreshed, [])
  const annWs = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  await completeWorkspace(fx.server, annWs, id) // start
  await waitFor(() => refreshed.length === 1, 'the refresh after the first edit')
  await act(fx.server, ann.token, id, 'submit')
  await act(fx.server, fx.server.leadToken, id, 'request-changes', { message: 'again' })
  const before = refreshed.length
  await act(fx.server, fx.server.leadToken, id, 'finalize')
  // finalize seals the task's rooms (a refresh), stores the status (a refresh) and unseals (a refresh)
  assert.is(refreshed.length - before, 3)
  await act(fx.server, fx.server.leadToken, id, 'reopen')
  assert.equal(refreshed, Array(7).fill({ taskId: id }))
})

test('lets one of two concurrent finalizes through and answers the other 409', async () => {
  const { id } = await reviewTask(fx.server)
  const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, lead, id)
  const results = await Promise.all([act(fx.server, fx.server.leadToken, id, 'finalize'), act(fx.server, fx.server.leadToken, id, 'finalize')])
  assert.equal(results.map((r) => r.status).sort(), [200, 409])
  assert.equal(fx.server.running.deps.records.revisions(id), [1])
})

test.run()
