/** Test runs in the workspace: "Run tests" fills the matrix for everyone, edits mark it stale, checks warn. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { getWorkspace } from '../../shared/schema'
import { readRuns } from '../../shared/readers'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { Peer } from '../helpers/peer'
import { completeWorkspace, reviewTask, syncedPeer, waitForServerDoc } from '../helpers/review'
import { sha256Hex } from '../../shared/record'
import type { RunResult } from '../../shared/schema'
import { waitFor } from '../helpers/waitFor'

const test = suite('browser runs')
const fx = browserFixture(test)
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

const TESTS = 'def test_small():\n    assert add(1, 2) == 3\n\ndef test_zero_right():\n    assert add(2, 0) == 2\n'

async function open(token: string, id: string): Promise<Page> {
  const user = await newUserPage(fx.browser, fx.server, token)
  fx.users.push(user)
  await user.page.goto(`/tasks/${id}`)
  await user.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
  return user.page
}

const row = (page: Page, key: string) => page.locator(`.run-matrix tr[data-subject="${key}"]`)

async function rowStates(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.run-matrix tr[data-subject]')].map((tr) => [
        tr.getAttribute('data-subject'),
        `${tr.getAttribute('data-status')}${tr.getAttribute('data-stale') === 'true' ? ' stale' : ''}`,
      ]),
    ),
  )
}

test('runs the reference solution and every candidate, and the lead sees the same matrix without running anything', async () => {
  await importTasks(fx.server, taskLine('t1'))
  const ann = await createUser(fx.server, 'Ann Annotator', 'annotator')
  await assign(fx.server, 't1', [ann.id])
  const peer = await syncedPeer(fx.server, roomName.workspace('t1'), fx.server.leadToken, peers)
  const ws = getWorkspace(peer.doc)
  peer.doc.transact(() => {
    ws.tests.insert(0, TESTS)
    ws.solution.insert(0, 'def add(a, b):\n    return a + b\n')
    ws.ranking.push(['b', 'a', 'c'])
  })
  const annotator = await open(ann.token, 't1')
  const lead = await open(fx.server.leadToken, 't1')
  const before = await rowStates(lead)
  assert.equal(before, { solution: 'none', a: 'none', b: 'none', c: 'none' }, 'nothing has run yet')

  await annotator.getByRole('button', { name: 'Run tests', exact: true }).click()
  await annotator.waitForFunction(() => document.querySelectorAll('.run-matrix tr[data-status="none"]').length === 0, undefined, { timeout: 60_000 })
  const expected = { solution: 'pass', a: 'pass', b: 'fail', c: 'pass' }
  assert.equal(await rowStates(annotator), expected)
  // The failing case and its message, on focus.
  const cell = row(annotator, 'b').locator('td[data-case="test_small"] .run-cell-mark')
  await cell.focus()
  assert.match((await cell.getAttribute('aria-label')) ?? '', /Candidate b, test_small: fail — assertion failed \(line 2: assert add\(1, 2\) == 3\)/)
  assert.ok(await row(annotator, 'b').locator('td[data-case="test_small"] .run-tip').isVisible(), 'the message shows on focus')
  assert.is(await row(annotator, 'b').locator('td[data-case="test_zero_right"]').getAttribute('class'), 'run-cell run-pass')

  // The lead's page shows the same results as they land, and ran nothing itself.
  await lead.waitForFunction(() => document.querySelectorAll('.run-matrix tr[data-status="none"]').length === 0, undefined, { timeout: 20_000 })
  assert.equal(await rowStates(lead), expected)
  await waitFor(() => Object.keys(readRuns(ws.runs, ['a', 'b', 'c'])).length === 4, 'the runs to reach the server')
  for (const run of Object.values(readRuns(ws.runs, ['a', 'b', 'c']))) assert.is(run.ran_by, ann.id)

  // The ranking puts failing b first: both pages warn.
  for (const page of [annotator, lead]) {
    await page.getByText('The ranking contradicts the runs: candidate b fails a test but is ranked above candidate a').waitFor({ timeout: 10_000 })
  }

  // Editing the tests marks every result stale on both pages; the check no longer counts them.
  ws.tests.insert(ws.tests.length, '\ndef test_zero():\n    assert add(0, 0) == 0\n')
  for (const page of [annotator, lead]) {
    await page.waitForFunction(() => document.querySelectorAll('.run-matrix tr[data-stale="true"]').length === 4, undefined, { timeout: 10_000 })
    assert.is(await page.getByText('The ranking contradicts the runs').count(), 0)
  }
  // Running one candidate again makes just that row current.
  await annotator.getByRole('button', { name: 'Run candidate b', exact: true }).click()
  await annotator.waitForFunction(() => document.querySelector('.run-matrix tr[data-subject="b"]')?.getAttribute('data-stale') === 'false', undefined, { timeout: 30_000 })
  assert.equal(await rowStates(annotator), { solution: 'pass stale', a: 'pass stale', b: 'fail', c: 'pass stale' })
  assert.ok(peer.doc instanceof Y.Doc)
})

test('lets the lead finalize against the runs only with a written note, which the record keeps', async () => {
  const { id } = await reviewTask(fx.server)
  const peer = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, peers)
  await completeWorkspace(fx.server, peer, id, { ranking: ['b', 'a', 'c'] })
  const ws = getWorkspace(peer.doc)
  const tests = ws.tests.toString()
  const code: Record<string, string> = { a: 'def add(a, b):\n    return a + b\n', b: 'def add(a, b):\n    return a - b\n' }
  const stored = (key: string, status: 'pass' | 'fail'): RunResult => ({
    status, passed: status === 'pass' ? 1 : 0, failed: status === 'pass' ? 0 : 1, total: 1, duration_ms: 2,
    ran_by: 'someone', ran_at: '2026-11-27T12:00:00.000Z', tests_sha256: sha256Hex(tests), code_sha256: sha256Hex(code[key]),
    cases: [{ name: 'test_add', status }],
  })
  // Runs are the server's to write (browsers report them through the API): written as the server.
  await fx.server.running.deps.rooms.transact(roomName.workspace(id), (doc) => {
    getWorkspace(doc).runs.set('a', stored('a', 'pass'))
    getWorkspace(doc).runs.set('b', stored('b', 'fail'))
  })
  await waitForServerDoc(fx.server, roomName.workspace(id), (d) => getWorkspace(d).runs.size === 2, 'the runs on the server')
  const lead = await open(fx.server.leadToken, id)
  await lead.getByRole('button', { name: 'Finalize', exact: true }).click()
  const reasons = lead.getByRole('list', { name: 'Reasons finalize is refused' })
  await reasons.getByText('candidate b fails a test but is ranked above candidate a').waitFor({ timeout: 10_000 })
  assert.match((await reasons.textContent()) ?? '', /the lead may override this with a note/)
  const confirm = lead.getByRole('button', { name: 'Finalize with note', exact: true })
  assert.ok(await confirm.isDisabled(), 'no finalize without a note')
  await lead.getByRole('textbox', { name: /Override note/ }).fill('b is ranked first on purpose: test_add checks the wrong sign.')
  const answered = lead.waitForResponse((r) => r.url().endsWith(`/api/tasks/${id}/finalize`))
  await confirm.click()
  assert.is((await answered).status(), 200)
  await waitFor(() => fx.server.running.deps.records.read(id, 1) !== null, 'the record')
  assert.is(fx.server.running.deps.records.read(id, 1)?.override_note, 'b is ranked first on purpose: test_add checks the wrong sign.')
})

test.run()
