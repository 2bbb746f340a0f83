/** The lead's time page in Chromium: hours per person per day in a zone, the same as the CSV it links to. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'

const test = suite('time page')
const fx = browserFixture(test)

/** Scripted sessions across Kolkata's (18:30 UTC) and Los Angeles' (08:00 UTC) midnights. */
async function seed() {
  const s = fx.server
  await importTasks(s, [taskLine('t1'), taskLine('t2')].join('\n'))
  const ann = await createUser(s, 'Ann', 'annotator')
  const bo = await createUser(s, 'Bo', 'annotator')
  const activity = s.running.deps.activity
  const script: [string, string, string[]][] = [
    [ann.id, 't1', ['2026-03-02T18:29:00Z', '2026-03-02T18:30:00Z', '2026-03-02T18:31:00Z']],
    [ann.id, 't2', ['2026-03-03T07:59:00Z', '2026-03-03T08:00:30Z', '2026-03-03T08:02:00Z']],
    [bo.id, 't1', ['2026-03-03T23:00:00Z', '2026-03-03T23:01:30Z', '2026-03-03T23:03:00Z', '2026-03-03T23:04:00Z']],
  ]
  for (const [user, task, times] of script) for (const iso of times) activity.note(user, task, Date.parse(iso))
}

/** The table as `{person: [cells…]}`, totals included, and its header. */
async function readTable(page: Page) {
  const table = page.getByRole('table', { name: /Hours per person per day/ })
  await table.waitFor()
  const head = await table.locator('thead th').allTextContents()
  const rows = new Map<string, string[]>()
  for (const tr of await table.locator('tbody tr, tfoot tr').all()) {
    rows.set(await tr.locator('th').textContent() ?? '', await tr.locator('td').allTextContents())
  }
  return { head, rows }
}

test('shows hours per person per day in the chosen zone with totals, and the CSV link gives the same time', async () => {
  await seed()
  const lead = await newUserPage(fx.browser, fx.server, fx.server.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead/time?from=2026-03-02&to=2026-03-04&tz=Asia/Kolkata')
  const kolkata = await readTable(page)
  assert.equal(kolkata.head, ['Person', '2026-03-02', '2026-03-03', '2026-03-04', 'Total'])
  // Ann: 1 min before Kolkata's midnight, 1 after, 3 in the afternoon; Bo: 4 min at 04:30 on the 4th
  assert.equal(kolkata.rows.get('Ann'), ['0.02', '0.07', '0.00', '0.08'])
  assert.equal(kolkata.rows.get('Bo'), ['0.00', '0.00', '0.07', '0.07'])
  assert.equal(kolkata.rows.get('Total'), ['0.02', '0.07', '0.07', '0.15'])

  // the CSV behind "Download CSV" is for the same range and zone and sums to the same cells
  const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')
  const url = new URL(href!, fx.server.url)
  assert.equal(Object.fromEntries(url.searchParams), { from: '2026-03-02', to: '2026-03-04', tz: 'Asia/Kolkata' })
  const csv = await page.evaluate((h) => fetch(h).then((r) => r.text()), href!)
  const minutes = new Map<string, number>()
  for (const line of csv.trimEnd().split('\r\n').slice(1)) {
    const [person, day, , m] = line.split(',')
    minutes.set(`${person} ${day}`, (minutes.get(`${person} ${day}`) ?? 0) + Number(m))
  }
  for (const [person, cells] of kolkata.rows) {
    if (person === 'Total') continue
    kolkata.head.slice(1, -1).forEach((day, i) => {
      const fromCsv = (minutes.get(`${person} ${day}`) ?? 0) / 60
      assert.ok(Math.abs(fromCsv - Number(cells[i])) <= 0.006, `${person} on ${day}: page ${cells[i]} h, CSV ${fromCsv.toFixed(3)} h`)
    })
  }

  // control: the same time in UTC falls on other days, and the address and the link follow the zone
  await page.getByLabel('Time zone').selectOption('UTC')
  await page.waitForURL((u) => u.searchParams.get('tz') === 'UTC')
  await page.waitForFunction(() => document.querySelector('table tbody tr td')?.textContent === '0.03')
  const utc = await readTable(page)
  assert.equal(utc.rows.get('Ann'), ['0.03', '0.05', '0.00', '0.08'])
  assert.equal(utc.rows.get('Bo'), ['0.00', '0.07', '0.00', '0.07'])
  assert.match((await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'))!, /tz=UTC/)
  assert.equal(lead.errors, [])
})

test('defaults to this week, Monday to Sunday, and says when the range runs backwards', async () => {
  const lead = await newUserPage(fx.browser, fx.server, fx.server.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.getByRole('link', { name: 'Time' }).click()
  await page.getByRole('heading', { name: 'Time' }).waitFor()
  const from = await page.getByLabel('From').inputValue()
  const to = await page.getByLabel('To').inputValue()
  assert.is(new Date(`${from}T00:00:00Z`).getUTCDay(), 1, 'a Monday')
  assert.is((Date.parse(to) - Date.parse(from)) / 86_400_000, 6)
  await page.getByText('No active time in this range.').waitFor()
  await page.goto(`/lead/time?from=${to}&to=${from}`)
  await page.getByRole('alert').filter({ hasText: 'The range runs backwards' }).waitFor()
  await page.getByRole('button', { name: 'This week' }).click()
  await page.getByText('No active time in this range.').waitFor()
  assert.is(await page.getByRole('alert').count(), 0)
})

test.run()
