/** The lead's export page: counts per format, a text-only preview, filters in the URL, and the download. */
import fs from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../../shared/roomNames'
import { api, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { Peer } from '../helpers/peer'
import { act, completeWorkspace, syncedPeer } from '../helpers/review'
import { waitFor } from '../helpers/waitFor'

const test = suite('export page')
const fx = browserFixture(test)
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

const HOSTILE = '<img src=x onerror=window.__pwned=1>'

/** Two finalized tasks in batch `b1`, one of them with HTML-looking candidate code. */
async function seed() {
  const s = fx.server
  const line = JSON.parse(taskLine('e2'))
  line.candidates[0].code = `# ${HOSTILE}\n${line.candidates[0].code}`
  await importTasks(s, [taskLine('e1'), JSON.stringify(line)].join('\n'), 'b1')
  await importTasks(s, taskLine('other'), 'b2')
  for (const id of ['e1', 'e2']) {
    const lead = await syncedPeer(s, roomName.workspace(id), s.leadToken, peers)
    await completeWorkspace(s, lead, id, { ranking: ['a', 'c', 'b'] })
    assert.is((await act(s, s.leadToken, id, 'finalize')).status, 200)
  }
}

test('shows counts per format and a text-only preview, follows the filters, and downloads what the API exports', async () => {
  await seed()
  const lead = await newUserPage(fx.browser, fx.server, fx.server.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Export' }).click()
  await page.waitForURL(/\/lead\/export/)
  const counts = page.getByRole('table', { name: 'Rows per format' })
  const rowsOf = async (format: string) => (await counts.getByRole('row', { name: new RegExp(`^${format} `) }).innerText()).split(/\s+/)[1]
  await waitFor(async () => (await counts.count()) === 1 && (await rowsOf('dpo')) === '6', 'dpo to count 3 pairs for each of 2 records', 20_000)
  assert.is(await rowsOf('kto'), '6')
  assert.is(await rowsOf('sft'), '2')
  assert.is(await page.getByTestId('export-records').innerText(), '2')
  assert.match(await page.getByTestId('export-kto-balance').innerText(), /2 desirable, 4 undesirable[^]*desirable_weight=2, undesirable_weight=1/)
  assert.is(await page.getByTestId('export-humaneval-left-out').count(), 0, 'both tasks are Python with an entry point')

  const preview = page.getByRole('list', { name: 'Preview rows' })
  await waitFor(async () => (await preview.getByRole('listitem').count()) === 5, 'five preview rows', 20_000)
  await page.getByRole('combobox', { name: 'Pairs' }).selectOption('adjacent')
  await waitFor(async () => (await rowsOf('dpo')) === '4', 'adjacent pairs: 2 per record', 20_000)
  assert.match(page.url(), /pairs=adjacent/)
  await waitFor(async () => (await preview.getByRole('listitem').count()) === 4, 'four preview rows', 20_000)
  const text = await preview.innerText()
  assert.match(text, /"chosen_id": "a"/)
  assert.ok(text.includes(HOSTILE), 'the HTML-looking code is shown as text')
  assert.is(await preview.locator('img').count(), 0, 'and never becomes an element')
  assert.is(await page.evaluate(() => (window as any).__pwned), undefined)

  await page.getByRole('combobox', { name: 'Format' }).selectOption('kto')
  await waitFor(async () => /"label": true/.test(await preview.innerText()), 'the kto preview', 20_000)
  assert.ok(await page.getByRole('combobox', { name: 'Pairs' }).isDisabled(), 'pairs apply to pairwise formats only')
  await page.getByRole('combobox', { name: 'Batch' }).selectOption('b2')
  await waitFor(async () => (await page.getByTestId('export-records').innerText()) === '0', 'batch b2 to have no records', 20_000)
  await waitFor(async () => /No rows/.test(await page.getByRole('region', { name: 'Preview' }).innerText()), 'an empty preview', 20_000)
  await page.getByRole('combobox', { name: 'Batch' }).selectOption('b1')
  await waitFor(async () => (await page.getByTestId('export-records').innerText()) === '2', 'batch b1 again', 20_000)

  const link = page.getByRole('link', { name: 'Download codejury-kto.jsonl' })
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
  assert.is(download.suggestedFilename(), 'codejury-kto.jsonl')
  const file = await download.path()
  const viaApi = await fetch(`${fx.server.url}/api/export?format=kto&pairs=adjacent&revisions=latest&batch=b1`, {
    headers: { authorization: `Bearer ${fx.server.leadToken}` },
  }).then((r) => r.text())
  assert.is(fs.readFileSync(file, 'utf8'), viaApi)
  assert.is(viaApi.trim().split('\n').length, 6)
  assert.equal(lead.errors, [])
})

test('shows the server refusing a bad filter, and keeps the page from anyone but a lead', async () => {
  await seed()
  const lead = await newUserPage(fx.browser, fx.server, fx.server.leadToken)
  fx.users.push(lead)
  await lead.page.goto('/lead/export?since=not-a-date')
  await waitFor(async () => /since must be an ISO 8601 date/.test(await lead.page.getByRole('alert').innerText().catch(() => '')), 'the 400 message', 20_000)
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const annotator = await newUserPage(fx.browser, fx.server, ann.token)
  fx.users.push(annotator)
  await annotator.page.goto('/lead/export')
  await waitFor(async () => /This page is for leads/.test(await annotator.page.locator('main').innerText()), 'the lead-only note', 20_000)
  assert.is(await annotator.page.getByRole('link', { name: 'Export' }).count(), 0, 'no Export link for an annotator')
  assert.is((await api(fx.server, ann.token, 'GET', '/api/export/counts')).status, 403)
})

test.run()
