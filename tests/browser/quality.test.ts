/** The lead's quality page (table, sorting, a chart per person) and the workspace's gold control. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { roomName } from '../../shared/roomNames'
import { getBallot } from '../../shared/schema'
import { api, assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { Peer } from '../helpers/peer'
import { act, completeWorkspace, CRITERIA, syncedPeer, waitForServerDoc } from '../helpers/review'
import { waitFor } from '../helpers/waitFor'

const test = suite('quality page')
const fx = browserFixture(test)
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

/** Fills and submits `user`'s ballot of `taskId` through their own provider and the route. */
async function ballot(taskId: string, user: { id: string; token: string }, ranking: string[]) {
  const s = fx.server
  assert.is((await api(s, user.token, 'POST', `/api/tasks/${taskId}/ballot`)).status, 200)
  const peer = await syncedPeer(s, roomName.ballot(taskId, user.id), user.token, peers)
  const b = getBallot(peer.doc)
  peer.doc.transact(() => {
    b.ranking.push(ranking)
    for (const id of ranking) for (const k of CRITERIA) (b.ratings.get(id) as Y.Map<number>).set(k, 3)
  })
  await waitForServerDoc(s, roomName.ballot(taskId, user.id), (d) => getBallot(d).ranking.toArray().join() === ranking.join(), 'the ballot')
  assert.is((await api(s, user.token, 'POST', `/api/tasks/${taskId}/ballot/submit`)).status, 200)
}

test('shows one row per annotator with formatted figures, sorts by a column in the URL, and draws a chart per person', async () => {
  const s = fx.server
  await importTasks(s, taskLine('i1'), 'ind')
  await s.running.deps.db.putBatch({ ...s.running.deps.db.batch('ind')!, mode: 'independent' })
  await importTasks(s, taskLine('other'), 'elsewhere')
  const ann = await createUser(s, 'Ann', 'annotator')
  const bob = await createUser(s, 'Bob', 'annotator')
  await assign(s, 'i1', [ann.id, bob.id])
  assert.is((await api(s, s.leadToken, 'POST', '/api/tasks/i1/gold', { ranking: ['a', 'b', 'c'] })).status, 200)
  await ballot('i1', ann, ['a', 'b', 'c'])
  await ballot('i1', bob, ['c', 'b', 'a'])

  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead/quality?batch=ind')
  const table = page.getByRole('table', { name: 'Quality per annotator' })
  const row = (name: string) => table.getByRole('row', { name: new RegExp(`^${name}\\b`) })
  await waitFor(async () => (await row('Ann').count()) === 1, 'the table to list Ann', 20_000)
  const cell = (name: string, col: string) => row(name).locator(`td[data-col="${col}"]`).innerText()
  assert.is(await cell('Ann', 'gold_tau_b'), '1.00')
  assert.is(await cell('Bob', 'gold_tau_b'), '−1.00')
  assert.is(await cell('Ann', 'gold_top1'), '100%')
  assert.is(await cell('Bob', 'gold_top1'), '0%')
  assert.is(await cell('Ann', 'peer_tau_b'), '−1.00')
  assert.is(await cell('Ann', 'first_time_right'), '—', 'nothing to measure reads as a dash')
  assert.is(await cell('Ann', 'submitted'), '1')

  const names = async () => (await table.locator('tbody th[scope="row"]').allInnerTexts()).map((t) => t.trim())
  assert.equal(await names(), ['Ann', 'Bob'])
  await table.getByRole('button', { name: /Gold tau-b/ }).click()
  await waitFor(async () => page.url().includes('sort=gold_tau_b') && page.url().includes('dir=desc'), 'the sort in the URL')
  assert.equal(await names(), ['Ann', 'Bob'], 'best tau-b first')
  await table.getByRole('button', { name: /Gold tau-b/ }).click()
  await waitFor(async () => (await names())[0] === 'Bob', 'ascending: the lowest tau-b first')
  assert.match(page.url(), /dir=asc/)
  assert.is(await table.locator('th[aria-sort="ascending"]').innerText().then((t) => t.trim()), 'Gold tau-b ▲')

  const annChart = page.getByRole('img', { name: /^Ann:/ })
  assert.is(await annChart.getAttribute('aria-label'), 'Ann: Gold tau-b 1.00, Gold top-1 100%, First time right —')
  assert.is(await annChart.locator('rect.quality-bar').count(), 2, 'two bars: first-time-right has nothing to draw')
  const bobChart = page.getByRole('img', { name: /^Bob:/ })
  const widths = await bobChart.locator('rect.quality-bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))))
  assert.equal(widths, [0, 0], 'tau-b −1 and top-1 0% draw empty bars')
  const annWidths = await annChart.locator('rect.quality-bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))))
  assert.ok(annWidths.every((w) => w > 100), `full bars for Ann: ${annWidths}`)

  await page.getByRole('combobox', { name: 'Batch' }).selectOption('elsewhere')
  await waitFor(async () => page.url().includes('batch=elsewhere'), 'the batch in the URL')
  await waitFor(async () => (await row('Ann').count()) === 0, 'the other batch has no annotator')
  assert.match(await page.getByRole('status').first().innerText(), /1 tasks, 0 gold, 0 annotators/)
  assert.equal(lead.errors, [])
})

test('the lead marks a finalized task as gold from the workspace and unmarks it; an annotator sees no gold control', async () => {
  const s = fx.server
  await importTasks(s, taskLine('t1'))
  const ann = await createUser(s, 'Ann', 'annotator')
  await assign(s, 't1', [ann.id])
  const peer = await syncedPeer(s, roomName.workspace('t1'), s.leadToken, peers)
  await completeWorkspace(s, peer, 't1', { ranking: ['c', 'a', 'b'] })
  assert.is((await act(s, s.leadToken, 't1', 'finalize')).status, 200)

  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  await lead.page.goto('/tasks/t1')
  const bar = lead.page.getByLabel('Workflow')
  await bar.getByRole('button', { name: 'Mark as gold' }).click()
  await bar.getByText('Gold', { exact: true }).waitFor()
  const marked = await api(s, s.leadToken, 'GET', '/api/tasks/t1/gold')
  assert.equal(marked.body.gold.ranking, ['c', 'a', 'b'], "the record's ranking is the gold one")

  const annotator = await newUserPage(fx.browser, s, ann.token)
  fx.users.push(annotator)
  const goldRequests: string[] = []
  annotator.page.on('request', (r) => {
    if (r.url().includes('/gold')) goldRequests.push(r.url())
  })
  await annotator.page.goto('/tasks/t1')
  const annBar = annotator.page.getByLabel('Workflow')
  await annBar.waitFor()
  await annotator.page.getByRole('heading', { level: 1 }).first().waitFor()
  assert.is(await annBar.getByRole('button', { name: /gold/i }).count(), 0, 'no gold button for the annotator')
  assert.not.match(await annotator.page.locator('body').innerText(), /\bgold\b/i, 'no gold anywhere on their page')
  assert.equal(goldRequests, [], 'their page never asks about gold')

  await bar.getByRole('button', { name: 'Unmark' }).click()
  await bar.getByRole('button', { name: 'Mark as gold' }).waitFor()
  assert.is((await api(s, s.leadToken, 'GET', '/api/tasks/t1/gold')).body.gold, null)
  assert.equal(lead.errors, [])
  assert.equal(annotator.errors, [])
})

test('the export page leaves gold tasks out until "Include gold tasks" is checked, and the download follows', async () => {
  const s = fx.server
  await importTasks(s, [taskLine('e1'), taskLine('e2')].join('\n'), 'b1')
  for (const id of ['e1', 'e2']) {
    const peer = await syncedPeer(s, roomName.workspace(id), s.leadToken, peers)
    await completeWorkspace(s, peer, id, { ranking: ['a', 'c', 'b'] })
    assert.is((await act(s, s.leadToken, id, 'finalize')).status, 200)
  }
  assert.is((await api(s, s.leadToken, 'POST', '/api/tasks/e2/gold', { from_record: true })).status, 200)
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead/export?format=native')
  const records = page.getByTestId('export-records')
  await waitFor(async () => (await records.count()) === 1 && (await records.innerText()) === '1', 'one record without gold', 20_000)
  const box = page.getByRole('checkbox', { name: 'Include gold tasks' })
  assert.is(await box.isChecked(), false, 'off by default')
  const preview = page.getByRole('list', { name: 'Preview rows' })
  await waitFor(async () => (await preview.getByRole('listitem').count()) === 1, 'one preview row', 20_000)
  assert.not.match(await preview.innerText(), /"task_id": "e2"/)
  await box.check()
  await waitFor(async () => (await records.innerText()) === '2', 'both records with gold', 20_000)
  assert.match(page.url(), /gold=include/)
  await waitFor(async () => /"task_id": "e2"/.test(await preview.innerText()), 'the gold task in the preview', 20_000)
  const href = await page.getByRole('link', { name: /Download/ }).getAttribute('href')
  assert.match(href ?? '', /gold=include/)
  await box.uncheck()
  await waitFor(async () => (await records.innerText()) === '1', 'gold left out again', 20_000)
  assert.not.match((await page.getByRole('link', { name: /Download/ }).getAttribute('href')) ?? '', /gold/)
  assert.equal(lead.errors, [])
})

test.run()
