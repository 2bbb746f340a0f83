/** The lead's dashboard: live presence and views, thread counts, assigning, filters, joining. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import { waitFor } from '../helpers/waitFor'

const dashboard = suite('dashboard')
const fx = browserFixture(dashboard)

const row = (page: Page, id: string) => page.locator(`tr[data-task="${id}"]`)
const rowText = (page: Page, id: string) => row(page, id).innerText().catch(() => '')

async function waitForRow(page: Page, id: string, pattern: RegExp, what: string) {
  await waitFor(async () => pattern.test(await rowText(page, id)), `${what} (row: ${JSON.stringify(await rowText(page, id))})`, 10_000)
}

dashboard('updates live when someone joins a room, looks elsewhere and comments, with no reload', async () => {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  await importTasks(s, [taskLine('d1'), taskLine('d2')].join('\n'), 'dash')
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  await lead.page.goto('/lead')
  await waitForRow(lead.page, 'd1', /Nobody/, 'd1 to show nobody in the room')

  // Assign from the page.
  await row(lead.page, 'd1').getByRole('button', { name: /^Assign/ }).click()
  await row(lead.page, 'd1').getByRole('checkbox', { name: 'Ada Lovelace' }).check()
  await row(lead.page, 'd1').getByRole('button', { name: 'Save' }).click()
  await waitForRow(lead.page, 'd1', /Ada Lovelace/, 'Ada to be assigned to d1')
  assert.not.match(await rowText(lead.page, 'd2'), /Ada Lovelace/)

  const annotator = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(annotator)
  await annotator.page.goto('/tasks/d1')
  await waitForRow(lead.page, 'd1', /Ada Lovelace[\s\S]*Ada Lovelace/, 'Ada to appear in d1\'s room')
  await annotator.page.getByRole('textbox', { name: 'Tests' }).click()
  await waitForRow(lead.page, 'd1', /· Tests/, 'the dashboard to show Ada looking at Tests')
  // Positive control for liveness of the other row: d2 still has nobody.
  assert.match(await rowText(lead.page, 'd2'), /Nobody/)

  await annotator.page.getByRole('button', { name: 'On the whole task' }).click()
  const box = annotator.page.getByRole('region', { name: 'Comments' }).getByRole('textbox', { name: 'New comment' })
  await box.fill('Does @Lead agree?')
  await annotator.page.getByRole('region', { name: 'Comments' }).getByRole('button', { name: 'Comment', exact: true }).click()
  await waitForRow(lead.page, 'd1', /1 unresolved thread, 1 mentions you/, 'the thread and its mention to be counted')
  assert.match(await rowText(lead.page, 'd2'), /None open/)

  // Filters: by person, then by status; kept in the URL.
  await lead.page.getByRole('combobox', { name: 'Person' }).selectOption({ label: 'Ada Lovelace' })
  await waitFor(async () => (await row(lead.page, 'd2').count()) === 0, 'd2 to be filtered out by person')
  assert.is(await row(lead.page, 'd1').count(), 1)
  assert.match(lead.page.url(), /person=/)
  await lead.page.getByRole('combobox', { name: 'Person' }).selectOption({ label: 'Anyone' })
  await waitFor(async () => (await row(lead.page, 'd2').count()) === 1, 'd2 to come back')

  // Leaving the room shows at once; one click joins it.
  await annotator.page.goto('/')
  await waitForRow(lead.page, 'd1', /Nobody/, 'Ada to leave d1\'s room')
  await row(lead.page, 'd1').getByRole('link', { name: /^Join/ }).click()
  await lead.page.waitForURL(/\/tasks\/d1$/)
  await lead.page.getByRole('textbox', { name: 'Explanation' }).waitFor({ timeout: 10_000 })
  assert.equal(lead.errors, [])
  assert.equal(annotator.errors, [])
})

dashboard('tells an annotator in the queue which tasks have threads that mention them', async () => {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  await importTasks(s, taskLine('q1'), 'dash')
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  await lead.page.goto('/lead')
  await row(lead.page, 'q1').getByRole('button', { name: /^Assign/ }).click()
  await row(lead.page, 'q1').getByRole('checkbox', { name: 'Ada Lovelace' }).check()
  await row(lead.page, 'q1').getByRole('button', { name: 'Save' }).click()
  await waitForRow(lead.page, 'q1', /Ada Lovelace/, 'Ada to be assigned')
  const annotator = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(annotator)
  await annotator.page.goto('/')
  const queueRow = annotator.page.locator('tr[data-task="q1"]')
  await queueRow.waitFor({ timeout: 10_000 })
  assert.not.match(await queueRow.innerText(), /unresolved/)
  await lead.page.goto('/tasks/q1')
  await lead.page.getByRole('button', { name: 'On the whole task' }).click()
  await lead.page.getByRole('textbox', { name: 'New comment' }).fill('@Ada Lovelace see the tests')
  await lead.page.getByRole('button', { name: 'Comment', exact: true }).click()
  await waitFor(async () => /1 unresolved thread, 1 mentions you/.test(await queueRow.innerText()), 'the queue to show the mention live', 10_000)
  assert.equal(annotator.errors, [])
})

dashboard.run()
