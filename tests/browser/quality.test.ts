/** The lead's quality page (table, sorting, a chart per person) and the workspace's gold control. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../../shared/roomNames'
import { api, assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { Peer } from '../helpers/peer'
import { act, completeWorkspace, submitBallot, syncedPeer } from '../helpers/review'
import { waitFor } from '../helpers/waitFor'

const test = suite('quality page')
const fx = browserFixture(test)
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

/** Fills and submits `user`'s ballot of `taskId` through their own provider and the route. */
const ballot = (taskId: string, user: { id: string; token: string }, ranking: string[]) => submitBallot(fx.server, peers, taskId, user, ranking)

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
  const batchSelect = page.getByRole('combobox', { name: 'Batch' })
  await waitFor(async () => (await batchSelect.locator('option').count()) === 3, 'the batch names', 20_000)
  assert.is(await batchSelect.inputValue(), 'ind', 'the select shows the batch from the address')
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
  assert.is(widths[1], 0, 'top-1 0% draws an empty bar')
  assert.is(await bobChart.locator('rect.quality-bar').first().getAttribute('data-sign'), 'negative', 'tau-b −1 draws a full bar leftwards')
  const annWidths = await annChart.locator('rect.quality-bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))))
  assert.is(annWidths[0], widths[0], 'tau-b 1 and −1 draw bars of the same length, one each side of zero')
  assert.ok(annWidths[1] > 100, `a full top-1 bar for Ann: ${annWidths}`)

  await batchSelect.selectOption('elsewhere')
  await waitFor(async () => page.url().includes('batch=elsewhere'), 'the batch in the URL')
  assert.is(await batchSelect.inputValue(), 'elsewhere')
  await waitFor(async () => (await row('Ann').count()) === 0, 'the other batch has no annotator')
  assert.match(await page.getByRole('status').first().innerText(), /1 tasks, 0 gold, 0 annotators/)
  assert.equal(lead.errors, [])
})

test('sorts names in natural order and draws a negative tau-b leftwards from the zero line, its minus in the label', async () => {
  const s = fx.server
  await importTasks(s, taskLine('n1'), 'nat')
  await s.running.deps.db.putBatch({ ...s.running.deps.db.batch('nat')!, mode: 'independent' })
  const ann10 = await createUser(s, 'Ann 10', 'annotator')
  const ann2 = await createUser(s, 'Ann 2', 'annotator')
  const ann1 = await createUser(s, 'Ann 1', 'annotator')
  await assign(s, 'n1', [ann10.id, ann2.id, ann1.id])
  assert.is((await api(s, s.leadToken, 'POST', '/api/tasks/n1/gold', { ranking: ['a', 'b', 'c'] })).status, 200)
  await ballot('n1', ann10, ['b', 'c', 'a'])
  await ballot('n1', ann2, ['a', 'c', 'b'])
  await ballot('n1', ann1, ['a', 'b', 'c'])

  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead/quality?batch=nat')
  const table = page.getByRole('table', { name: 'Quality per annotator' })
  const names = async () => (await table.locator('tbody th[scope="row"]').allInnerTexts()).map((t) => t.trim())
  await waitFor(async () => (await names()).length === 3, 'three annotators', 20_000)
  assert.equal(await names(), ['Ann 1', 'Ann 2', 'Ann 10'], 'natural order, A to Z')
  await table.getByRole('button', { name: /Annotator/ }).click()
  await waitFor(async () => (await names())[0] === 'Ann 10', 'Z to A')
  assert.equal(await names(), ['Ann 10', 'Ann 2', 'Ann 1'])

  const tauBar = async (name: string) => {
    const chart = page.getByRole('img', { name: new RegExp(`^${name}:`) })
    const bar = chart.locator('g[data-bar="Gold tau-b"] rect.quality-bar')
    const zero = Number(await chart.locator('g[data-bar="Gold tau-b"] line.quality-zero').getAttribute('x1'))
    const [x, width] = [Number(await bar.getAttribute('x')), Number(await bar.getAttribute('width'))]
    return { label: await chart.getAttribute('aria-label'), sign: await bar.getAttribute('data-sign'), x, width, zero }
  }
  const neg = await tauBar('Ann 10')
  const pos = await tauBar('Ann 2')
  assert.match(neg.label ?? '', /Gold tau-b −0\.33/)
  assert.match(pos.label ?? '', /Gold tau-b 0\.33/, 'control: the positive figure')
  assert.is(neg.sign, 'negative')
  assert.is(pos.sign, 'positive', 'control')
  assert.ok(Math.abs(neg.x + neg.width - neg.zero) < 0.01, `the negative bar ends at zero: ${JSON.stringify(neg)}`)
  assert.ok(Math.abs(pos.x - pos.zero) < 0.01, `the positive bar starts at zero: ${JSON.stringify(pos)}`)
  assert.ok(neg.width > 5 && Math.abs(neg.width - pos.width) < 0.01, 'the same length either side')
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
