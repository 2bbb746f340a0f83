/** The lead's dashboard after a reload: every filter select shows the filter the URL applies, the Person select included. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Locator, Page } from 'playwright-core'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import { waitFor } from '../helpers/waitFor'

const dashboardReload = suite('dashboardReload')
const fx = browserFixture(dashboardReload)

const row = (page: Page, id: string) => page.locator(`tr[data-task="${id}"]`)
const filter = (page: Page, name: string) => page.getByRole('group', { name: 'Filters' }).getByRole('combobox', { name })
/** What a select shows: its selected option's value and text. */
const shown = (select: Locator) =>
  select.evaluate((s: HTMLSelectElement) => [s.selectedOptions[0]?.value ?? '', s.selectedOptions[0]?.textContent ?? ''] as const)

/** Waits until the list shows d1 and not d2: the person filter applies. */
async function waitForGraceOnly(page: Page) {
  await waitFor(async () => (await row(page, 'd1').count()) === 1 && (await row(page, 'd2').count()) === 0, 'the list to hold d1 only')
}

dashboardReload('shows the chosen person in the Person select after a reload, even when the names arrive after the list', async () => {
  const s = fx.server
  await importTasks(s, [taskLine('d1'), taskLine('d2')].join('\n'), 'program')
  await importTasks(s, taskLine('x1'), 'other')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  await createUser(s, 'Alan Turing', 'annotator')
  await assign(s, 'd1', [grace.id])
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead')
  await waitFor(async () => (await row(page, 'x1').count()) === 1, 'every task listed')

  await filter(page, 'Batch').selectOption('program')
  await filter(page, 'Person').selectOption({ label: 'Grace Hopper' })
  await filter(page, 'Order').selectOption({ index: 1 })
  const order = await filter(page, 'Order').inputValue()
  assert.is.not(order, 'created', 'an order other than the default')
  await waitFor(() => new URL(page.url()).searchParams.get('sort') === order, 'the order in the URL')
  const query = new URL(page.url()).searchParams
  assert.equal([query.get('batch'), query.get('person')], ['program', grace.id])
  await waitForGraceOnly(page)

  // A plain reload: every select shows what the URL applies.
  await page.reload()
  await waitForGraceOnly(page)
  await waitFor(async () => (await shown(filter(page, 'Person')))[1] === 'Grace Hopper', 'the Person select to show Grace')
  assert.equal(await shown(filter(page, 'Batch')), ['program', 'program'])
  assert.is(await filter(page, 'Order').inputValue(), order)

  // The names held back until the list is drawn (a slow /api/users): the select shows the chosen
  // person while they load, and Grace's name once they come.
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/api/users', async (route) => {
    await held
    await route.continue()
  })
  try {
    await page.reload()
    await waitForGraceOnly(page)
    assert.equal(await shown(filter(page, 'Person')), [grace.id, 'Loading…'], 'the filter shows while the names load')
  } finally {
    release()
  }
  await waitFor(async () => (await shown(filter(page, 'Person')))[1] === 'Grace Hopper', 'the Person select to show Grace once the names come')
  assert.equal(await shown(filter(page, 'Person')), [grace.id, 'Grace Hopper'])
  const options = await filter(page, 'Person').locator('option').allTextContents()
  assert.equal(options.filter((o) => o === 'Grace Hopper' || o === 'Loading…' || o === grace.id), ['Grace Hopper'], 'the placeholder is gone')
  assert.ok(options.includes('Alan Turing'))
  await page.unroute('**/api/users')

  // The control: choosing Anyone clears the filter, and a reload shows Anyone with every task.
  await filter(page, 'Person').selectOption({ label: 'Anyone' })
  await waitFor(async () => (await row(page, 'd2').count()) === 1, 'd2 to come back')
  assert.is(new URL(page.url()).searchParams.get('person'), null)
  await page.reload()
  await waitFor(async () => (await row(page, 'd2').count()) === 1 && (await row(page, 'd1').count()) === 1, 'both tasks after the reload')
  assert.equal(await shown(filter(page, 'Person')), ['', 'Anyone'])
  assert.equal(lead.errors, [])
})

dashboardReload.run()
